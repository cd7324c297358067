import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { initializationOptions, serverCommand } from '../src/settings';

test('the configured binary wins', () => {
  assert.equal(serverCommand(' /opt/rollsafe/bin/rollsafe ', '/ext', () => true, 'linux'), '/opt/rollsafe/bin/rollsafe');
});

test('a binary shipped in the extension comes next, then PATH', () => {
  const bundled = path.join('/ext', 'server', 'rollsafe');
  assert.equal(serverCommand('', '/ext', (f) => f === bundled, 'linux'), bundled);
  assert.equal(serverCommand(undefined, '/ext', () => false, 'linux'), 'rollsafe');
  assert.equal(serverCommand('', 'C:\\ext', (f) => f.endsWith('rollsafe.exe'), 'win32'), path.join('C:\\ext', 'server', 'rollsafe.exe'));
});

test('the baseline is sent only when set', () => {
  assert.deepEqual(initializationOptions(undefined), {});
  assert.deepEqual(initializationOptions('  '), {});
  assert.deepEqual(initializationOptions(' v1.4.0 '), { baseline: 'v1.4.0' });
});
