// What the extension sends the server, as plain functions the tests call without VS Code.

import * as path from 'path';

/** The files rollsafe analyses: SQL migrations and schema files, and message contracts. */
export const documentSelector = [
  { scheme: 'file', language: 'sql' },
  { scheme: 'file', pattern: '**/*.sql' },
  { scheme: 'file', pattern: '**/*.proto' },
  { scheme: 'file', pattern: '**/*.avsc' },
  { scheme: 'file', language: 'json' },
];

/**
 * The server binary: the `rollsafe.server.path` setting, else a binary shipped in the extension's
 * `server/` folder (platform-specific packages), else `rollsafe` on PATH.
 */
export function serverCommand(
  setting: string | undefined,
  extensionPath: string,
  exists: (file: string) => boolean,
  platform: NodeJS.Platform,
): string {
  const configured = setting?.trim();
  if (configured) {
    return configured;
  }
  const bundled = path.join(extensionPath, 'server', platform === 'win32' ? 'rollsafe.exe' : 'rollsafe');
  return exists(bundled) ? bundled : 'rollsafe';
}

/** `initializationOptions`: the baseline override, when set. */
export function initializationOptions(baseline: string | undefined): { baseline?: string } {
  const value = baseline?.trim();
  return value ? { baseline: value } : {};
}
