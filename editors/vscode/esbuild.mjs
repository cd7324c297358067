// Bundles the extension (and, with --tests, the tests) into single CommonJS files.
import { build } from 'esbuild';

const tests = process.argv.includes('--tests');
await build({
  entryPoints: tests
    ? ['test/settings.test.ts', 'test/server.test.ts', 'test/bundled.test.ts', 'test/vsix.test.ts']
    : ['src/extension.ts'],
  outdir: tests ? 'out/test' : 'dist',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Provided by VS Code at run time.
  external: ['vscode'],
  sourcemap: !tests ? 'linked' : false,
  minify: !tests,
  logLevel: 'warning',
});
