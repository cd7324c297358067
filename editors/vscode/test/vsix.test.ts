// A packaged extension (ROLLSAFE_VSIX, e.g. rollsafe-linux-x64.vsix from scripts/bundle-server.mjs)
// holds what VS Code will unpack: the server binary where settings.ts looks for it, executable,
// and this extension's package.json; none of the sources. A vsix is a zip, read with `unzip`.
// Skipped when ROLLSAFE_VSIX is unset.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { serverCommand } from '../src/settings';
import { initialize, shutdown, startServer } from './lsp';

const vsix = process.env.ROLLSAFE_VSIX;

function unzip(...args: string[]): string {
  return cp.execFileSync('unzip', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

test('the packaged vsix carries the server binary and this extension', { skip: !vsix && 'ROLLSAFE_VSIX is unset' }, () => {
  const file = path.resolve(vsix!);
  assert.ok(fs.existsSync(file), `no vsix at ${file}`);
  // -Z1: zipinfo mode, one entry name per line (no sizes or dates to strip).
  const entries = unzip('-Z1', file).split('\n').filter((line) => line !== '');

  // The target vsce wrote into the manifest decides the binary's name, as process.platform does
  // in settings.ts.
  const manifest = unzip('-p', file, 'extension.vsixmanifest');
  const target = /TargetPlatform="([^"]+)"/.exec(manifest)?.[1];
  assert.ok(target, 'no TargetPlatform in extension.vsixmanifest: packaged without --target');
  const binary = `extension/server/${target.startsWith('win32-') ? 'rollsafe.exe' : 'rollsafe'}`;
  assert.ok(entries.includes(binary), `${binary} is not in ${file}`);
  if (!target.startsWith('win32-')) {
    // zipinfo's long line starts with the Unix mode; VS Code unpacks with it, so it must be +x.
    assert.match(unzip('-Z', file, binary), /^-rwxr-xr-x/, `${binary} is not executable in the vsix`);
  }

  const packaged = JSON.parse(unzip('-p', file, 'extension/package.json'));
  const local = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
  assert.deepEqual(packaged, local);

  // The configuration's JSON Schema, which package.json's tomlValidation names.
  assert.ok(entries.includes('extension/rollsafe.schema.json'), 'rollsafe.schema.json is not in the vsix');

  // .vscodeignore keeps the package to what runs: no sources, tests or dependencies.
  for (const excluded of ['extension/node_modules/', 'extension/src/', 'extension/test/', 'extension/out/', 'extension/scripts/']) {
    assert.deepEqual(entries.filter((entry) => entry.startsWith(excluded)), [], `${excluded} is in ${file}`);
  }
});

// What VS Code does with the package: unpack it, resolve the server as the extension does (no
// setting, no rollsafe on PATH) and start it. It must be the packaged binary, and it must answer.
test('the binary inside the vsix starts as the language server', { skip: !vsix && 'ROLLSAFE_VSIX is unset', timeout: 60_000 }, async (t) => {
  const unpacked = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rollsafe-vsix-')));
  t.after(() => fs.rmSync(unpacked, { recursive: true, force: true }));
  unzip('-q', path.resolve(vsix!), '-d', unpacked);
  const extension = path.join(unpacked, 'extension');
  const command = serverCommand('', extension, fs.existsSync, process.platform);
  assert.equal(command, path.join(extension, 'server', process.platform === 'win32' ? 'rollsafe.exe' : 'rollsafe'));

  const workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rollsafe-workspace-')));
  t.after(() => fs.rmSync(workspace, { recursive: true, force: true }));
  const server = startServer(command, workspace, { ...process.env, PATH: '/nonexistent' });
  server.connection.listen();
  try {
    const init = await initialize(server.connection, workspace);
    assert.equal(init.serverInfo?.name, 'rollsafe');
    await shutdown(server.connection);
  } finally {
    server.dispose();
  }
});
