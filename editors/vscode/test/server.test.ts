// The extension's protocol against the real `rollsafe server`, through vscode-languageserver-protocol
// (the library vscode-languageclient is built on): the initialization options and document
// selector the extension uses, a git repository whose N-1 release is a tag, and the diagnostic the
// editor would underline. Needs the rollsafe binary: ROLLSAFE_BIN, else the workspace's debug build.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { PublishDiagnosticsNotification, PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { haveBinary, initialize, rollsafeBinary, shutdown, startServer } from './lsp';

function git(cwd: string, ...args: string[]): void {
  cp.execFileSync('git', args, {
    cwd,
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
  });
}

test('diagnostics reach the client for a dropped column', { timeout: 60_000 }, async (t) => {
  if (!haveBinary(t)) {
    return;
  }
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rollsafe-vscode-')));
  git(root, 'init', '-q', '-b', 'main');
  fs.mkdirSync(path.join(root, 'migrations'));
  fs.writeFileSync(path.join(root, 'migrations/0001_init.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, full_name text);\n');
  git(root, 'add', '.');
  git(root, 'commit', '-q', '-m', 'init');
  git(root, 'tag', 'v1.0.0');
  const file = path.join(root, 'migrations/0002_drop.sql');
  const text = '-- Names are split in code now.\nALTER TABLE users DROP COLUMN full_name;\n';
  fs.writeFileSync(file, text);

  const server = startServer(rollsafeBinary, root);
  const { connection } = server;
  const uri = pathToFileURL(file).href;
  const published = new Promise<PublishDiagnosticsParams>((resolve) => {
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      if (params.uri === uri && params.diagnostics.length > 0) {
        resolve(params);
      }
    });
  });
  connection.listen();
  try {
    const init = await initialize(connection, root);
    assert.equal(init.serverInfo?.name, 'rollsafe');
    await connection.sendNotification('initialized', {});
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text } });
    const params = await published;
    assert.equal(params.diagnostics.length, 1);
    const [diagnostic] = params.diagnostics;
    assert.equal(diagnostic.code, 'column-removed');
    assert.equal(diagnostic.source, 'rollsafe');
    assert.deepEqual(diagnostic.range.start, { line: 1, character: 18 });
    assert.match(diagnostic.codeDescription?.href ?? '', /docs\/rules\/column-removed\.md$/);
    await shutdown(connection);
  } finally {
    server.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
