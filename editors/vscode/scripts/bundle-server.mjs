// Builds a platform-specific extension package with the rollsafe server inside:
//
//   node scripts/bundle-server.mjs --binary <path-to-rollsafe> --target <vsce target, e.g. linux-x64>
//
// Copies the binary to server/rollsafe (server/rollsafe.exe for win32-*), where settings.ts looks
// for it, runs `vsce package --target`, which writes rollsafe-<target>.vsix, and removes server/
// again. Run `npm run build` first (`npm run package:target -- --binary … --target …` does both).

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const usage = 'usage: node scripts/bundle-server.mjs --binary <path-to-rollsafe> --target <vsce target, e.g. linux-x64>';

/** Prints one line and stops: every refusal is a single line the CI log shows as is. */
function fail(message) {
  console.error(`bundle-server: ${message}`);
  process.exit(1);
}

// The vsce targets that run a native binary ('web' has no process to start), as
// vsce target → [executable format, CPU].
const targets = {
  'linux-x64': ['ELF', 'x64'],
  'linux-arm64': ['ELF', 'arm64'],
  'linux-armhf': ['ELF', 'arm'],
  'alpine-x64': ['ELF', 'x64'],
  'alpine-arm64': ['ELF', 'arm64'],
  'darwin-x64': ['Mach-O', 'x64'],
  'darwin-arm64': ['Mach-O', 'arm64'],
  'win32-x64': ['PE', 'x64'],
  'win32-arm64': ['PE', 'arm64'],
};

/**
 * The executable format and CPU of a binary, from its first bytes (no `file` command, which
 * Windows runners lack). Either is undefined when the header does not say (a universal Mach-O has
 * several CPUs; anything unrecognised has neither), and then it is not checked.
 */
function identify(header) {
  // ELF: e_machine at offset 18, in the byte order given at offset 5 (1 = little-endian).
  if (header.length >= 20 && header.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) {
    const machine = header[5] === 1 ? header.readUInt16LE(18) : header.readUInt16BE(18);
    return { format: 'ELF', cpu: { 0x3e: 'x64', 0xb7: 'arm64', 0x28: 'arm' }[machine] };
  }
  // Mach-O: thin binaries in either byte order (cputype follows the magic), or universal ("fat").
  if (header.length >= 8) {
    const magic = header.readUInt32BE(0);
    if (magic === 0xfeedface || magic === 0xfeedfacf || magic === 0xcefaedfe || magic === 0xcffaedfe) {
      const cputype = magic === 0xfeedface || magic === 0xfeedfacf ? header.readUInt32BE(4) : header.readUInt32LE(4);
      return { format: 'Mach-O', cpu: { 0x01000007: 'x64', 0x0100000c: 'arm64' }[cputype] };
    }
    if (magic === 0xcafebabe || magic === 0xcafebabf) {
      return { format: 'Mach-O', cpu: undefined };
    }
  }
  // PE: an "MZ" stub whose offset 0x3c points at "PE\0\0", followed by the machine type.
  if (header.length >= 0x40 && header.toString('latin1', 0, 2) === 'MZ') {
    const pe = header.readUInt32LE(0x3c);
    const cpu = pe + 6 <= header.length && header.toString('latin1', pe, pe + 4) === 'PE\0\0'
      ? { 0x8664: 'x64', 0xaa64: 'arm64' }[header.readUInt16LE(pe + 4)]
      : undefined;
    return { format: 'PE', cpu };
  }
  return { format: undefined, cpu: undefined };
}

/** The vsce target this machine would run, to know whether the binary can be tried here. */
function hostTarget() {
  const os = { linux: 'linux', darwin: 'darwin', win32: 'win32' }[process.platform];
  const cpu = { x64: 'x64', arm64: 'arm64', arm: 'armhf' }[process.arch];
  return os && cpu ? `${os}-${cpu}` : undefined;
}

let options;
try {
  ({ values: options } = parseArgs({ options: { binary: { type: 'string' }, target: { type: 'string' } } }));
} catch (error) {
  fail(`${error.message}; ${usage}`);
}
const { binary, target } = options;
if (!binary || !target) {
  fail(usage);
}
if (!(target in targets)) {
  fail(`'${target}' is not a vsce target that runs a native binary: use one of ${Object.keys(targets).join(', ')}`);
}
if (!fs.existsSync(path.join(extensionDir, 'dist', 'extension.js'))) {
  fail('dist/extension.js is missing: run `npm run build` first');
}

// Refuse a binary built for another platform: the package would install everywhere that target
// matches and then fail to start the server there.
let header;
try {
  const fd = fs.openSync(binary, 'r');
  header = Buffer.alloc(4096);
  header = header.subarray(0, fs.readSync(fd, header, 0, header.length, 0));
  fs.closeSync(fd);
} catch (error) {
  fail(`cannot read ${binary}: ${error.message}`);
}
const [wantFormat, wantCpu] = targets[target];
const found = identify(header);
if (found.format && found.format !== wantFormat) {
  fail(`${binary} is in ${found.format} format, but target ${target} needs ${wantFormat}`);
}
if (found.cpu && found.cpu !== wantCpu) {
  fail(`${binary} is built for ${found.cpu}, but target ${target} needs ${wantCpu}`);
}
if (!found.format) {
  console.log(`bundle-server: cannot tell which platform ${binary} is for; trusting --target ${target}`);
}

// A binary for this machine must run. One for another machine (cross-packaging, as a release job
// building every target on one runner does) cannot be tried here, nor can an alpine-* one in
// general (a musl binary that is not static fails on a glibc Linux without being broken).
const host = hostTarget();
if (host === target) {
  const version = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    const why = version.error ? version.error.message : `exit status ${version.status}`;
    fail(`\`${binary} --version\` failed (${why}): not a working rollsafe binary`);
  }
  console.log(`bundle-server: bundling ${version.stdout.trim()} for ${target}`);
} else {
  console.log(`bundle-server: ${target} binaries cannot run on this ${host ?? process.platform} machine; not running --version`);
}

// A fresh server/ each time, so a package never carries a binary left from another target
// (a rollsafe.exe next to rollsafe, say).
const serverDir = path.join(extensionDir, 'server');
const bundled = path.join(serverDir, target.startsWith('win32-') ? 'rollsafe.exe' : 'rollsafe');
fs.rmSync(serverDir, { recursive: true, force: true });
fs.mkdirSync(serverDir);
fs.copyFileSync(binary, bundled);
// vsce keeps file modes in the zip and VS Code keeps them when it unpacks, so this is what makes
// the installed server executable.
fs.chmodSync(bundled, 0o755);

const out = `rollsafe-${target}.vsix`;
const vsce = spawnSync('npx', ['vsce', 'package', '--no-dependencies', '--target', target, '--out', out], {
  cwd: extensionDir,
  stdio: 'inherit',
  // npx is npx.cmd on Windows, which only a shell runs.
  shell: process.platform === 'win32',
});
// server/ is only a staging folder: .vscodeignore packages it, so left behind it would put this
// target's binary into a later generic `npm run package`, for every platform.
fs.rmSync(serverDir, { recursive: true, force: true });
if (vsce.error || vsce.status !== 0) {
  fail(`vsce package failed (${vsce.error ? vsce.error.message : `exit status ${vsce.status}`})`);
}
console.log(`bundle-server: wrote ${path.join(extensionDir, out)}`);
