// What the tests that start the real `rollsafe server` share: which binary, when to skip, and a
// protocol connection to it (vscode-languageserver-protocol, the library vscode-languageclient is
// built on).

import * as assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import {
  createProtocolConnection,
  InitializeRequest,
  InitializeResult,
  ProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { initializationOptions } from '../src/settings';

/** ROLLSAFE_BIN, else the workspace's debug build (this file is bundled into out/test/). */
export const rollsafeBinary = process.env.ROLLSAFE_BIN ?? path.resolve(__dirname, '../../../../target/debug/rollsafe');

/**
 * True when there is a binary to start. Otherwise the test is skipped, except when
 * ROLLSAFE_VSCODE_SERVER_REQUIRED is set (CI), where a missing binary must fail rather than pass
 * as a skip.
 */
export function haveBinary(t: TestContext): boolean {
  if (fs.existsSync(rollsafeBinary)) {
    return true;
  }
  assert.ok(!process.env.ROLLSAFE_VSCODE_SERVER_REQUIRED, `no rollsafe binary at ${rollsafeBinary}`);
  t.skip(`no rollsafe binary at ${rollsafeBinary} (cargo build, or set ROLLSAFE_BIN)`);
  return false;
}

export interface Server {
  connection: ProtocolConnection;
  /** Ends the connection and the process (after a test, passed or failed). */
  dispose(): void;
}

/**
 * Starts `<command> server` as the extension does (stdio). The connection is not listening yet, so
 * a test can add its handlers before any message arrives. `env` is the server's environment; its
 * PATH is also where a bare `command` is looked up.
 */
export function startServer(command: string, cwd: string, env: NodeJS.ProcessEnv = process.env): Server {
  const server = cp.spawn(command, ['server'], { cwd, env, stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  return {
    connection,
    dispose() {
      connection.dispose();
      server.kill();
    },
  };
}

/** The `initialize` request the extension sends for a one-folder workspace at `root`. */
export function initialize(connection: ProtocolConnection, root: string): Promise<InitializeResult> {
  const rootUri = pathToFileURL(root).href;
  return connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: path.basename(root) }],
    capabilities: {},
    initializationOptions: initializationOptions(''),
  });
}

/** The polite end of a session, so the server exits by itself rather than by the kill. */
export async function shutdown(connection: ProtocolConnection): Promise<void> {
  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
}
