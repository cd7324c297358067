// A packaged extension (ROLLSAFE_VSIX, e.g. rollsafe-linux-x64.vsix from scripts/bundle-server.mjs)
// holds what VS Code will unpack: the server binary where settings.ts looks for it, executable,
// and this extension's package.json; none of the sources. A vsix is a zip, read with `unzip`.
// Skipped when ROLLSAFE_VSIX is unset.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

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

  // .vscodeignore keeps the package to what runs: no sources, tests or dependencies.
  for (const excluded of ['extension/node_modules/', 'extension/src/', 'extension/test/', 'extension/out/', 'extension/scripts/']) {
    assert.deepEqual(entries.filter((entry) => entry.startsWith(excluded)), [], `${excluded} is in ${file}`);
  }
});
