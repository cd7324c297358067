// Which binary the extension starts, checked on a real extension directory laid out as a
// platform-specific package is (server/rollsafe next to package.json): the setting, else the
// bundled binary, else `rollsafe` on PATH. Where the binary is started, it must answer
// `initialize`. Needs the rollsafe binary as server.test.ts does.

import { test, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { serverCommand } from '../src/settings';
import { haveBinary, initialize, rollsafeBinary, shutdown, startServer } from './lsp';

const exe = process.platform === 'win32' ? 'rollsafe.exe' : 'rollsafe';

/** A fresh directory, removed when the test ends. */
function tempDir(t: TestContext, prefix: string): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Puts the rollsafe binary at `file`. A hard link where possible: the debug build is hundreds of
 * megabytes and the test only needs it under another name. A copy otherwise (another filesystem).
 */
function placeBinary(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // realpath: linking a symlink would link the symlink itself, which may be relative.
  const source = fs.realpathSync(rollsafeBinary);
  try {
    fs.linkSync(source, file);
  } catch {
    fs.copyFileSync(source, file);
    fs.chmodSync(file, 0o755);
  }
}

/** This PATH without its directories that hold a rollsafe, so a bare `rollsafe` is not found. */
function pathWithoutRollsafe(): string {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => dir !== '' && !fs.existsSync(path.join(dir, exe)))
    .join(path.delimiter);
}

/** Starts `<command> server` in an empty workspace and returns its answer to `initialize`. */
async function initializeAnswer(t: TestContext, command: string, env: NodeJS.ProcessEnv) {
  const workspace = tempDir(t, 'rollsafe-workspace-');
  const server = startServer(command, workspace, env);
  server.connection.listen();
  try {
    const init = await initialize(server.connection, workspace);
    await shutdown(server.connection);
    return init;
  } finally {
    server.dispose();
  }
}

test('with the setting empty, the binary in server/ is started, with no rollsafe on PATH', { timeout: 60_000 }, async (t) => {
  if (!haveBinary(t)) {
    return;
  }
  const extension = tempDir(t, 'rollsafe-extension-');
  const bundled = path.join(extension, 'server', exe);
  placeBinary(bundled);
  const env = { ...process.env, PATH: pathWithoutRollsafe() };
  // Nothing else could answer: a bare `rollsafe` is not found on this PATH.
  const onPath = cp.spawnSync('rollsafe', ['--version'], { env });
  assert.equal((onPath.error as NodeJS.ErrnoException | undefined)?.code, 'ENOENT');

  const command = serverCommand('', extension, fs.existsSync, process.platform);
  assert.equal(command, bundled);
  const init = await initializeAnswer(t, command, env);
  assert.equal(init.serverInfo?.name, 'rollsafe');
});

test('a non-empty rollsafe.server.path wins over the bundled binary', (t) => {
  const extension = tempDir(t, 'rollsafe-extension-');
  // Only its existence is looked at, so an empty file stands in for the binary.
  fs.mkdirSync(path.join(extension, 'server'));
  fs.writeFileSync(path.join(extension, 'server', exe), '');
  assert.equal(serverCommand('', extension, fs.existsSync, process.platform), path.join(extension, 'server', exe));
  assert.equal(serverCommand('/opt/rollsafe/bin/rollsafe', extension, fs.existsSync, process.platform), '/opt/rollsafe/bin/rollsafe');
});

test('with neither a setting nor a bundled binary, rollsafe on PATH is started', { timeout: 60_000 }, async (t) => {
  const extension = tempDir(t, 'rollsafe-extension-');
  // A generic package: no server/ folder.
  const command = serverCommand('', extension, fs.existsSync, process.platform);
  assert.equal(command, 'rollsafe');
  if (!haveBinary(t)) {
    return;
  }
  const bin = tempDir(t, 'rollsafe-path-');
  placeBinary(path.join(bin, exe));
  const init = await initializeAnswer(t, command, { ...process.env, PATH: [bin, pathWithoutRollsafe()].join(path.delimiter) });
  assert.equal(init.serverInfo?.name, 'rollsafe');
});
