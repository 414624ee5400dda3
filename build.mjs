// Builds the one-file demo (dist/telnetsrv-demo.mjs: esbuild, platform node, target node20) and the
// library (dist/lib: JavaScript, .d.ts types and sourcemaps from tsc).
// ssh2 ships two optional native pieces (its `sshcrypto.node` binding and `cpu-features`); both have
// pure-JavaScript fallbacks, so the bundle stubs them out and runs with no node_modules beside it.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readFile, rm } from 'node:fs/promises';

const stubNative = {
  name: 'stub-native',
  setup(b) {
    b.onResolve({ filter: /\.node$|^cpu-features$/ }, (args) => ({ path: args.path, namespace: 'stub-native' }));
    // Throwing at require time is what ssh2 expects when the optional piece is missing.
    b.onLoad({ filter: /.*/, namespace: 'stub-native' }, () => ({
      contents: 'throw new Error("native module left out of the bundle");',
      loader: 'js',
    }));
  },
};

// The worker pool (tinypool) starts its threads from its own entry file, found beside its code: in the
// bundle that is beside the bundle, under a name of ours with an extension no package.json can change.
const POOL_WORKER = 'telnetsrv-pool-worker.mjs';
const poolWorkerBesideBundle = {
  name: 'pool-worker-beside-bundle',
  setup(b) {
    b.onLoad({ filter: /[\\/]tinypool[\\/]dist[\\/]index\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const patched = source.replace('"/../entry/worker.js"', JSON.stringify(`/../${POOL_WORKER}`));
      if (patched === source) throw new Error('tinypool changed: its worker entry path was not found');
      return { contents: patched, loader: 'js' };
    });
  },
};

// ESM output still has to host ssh2's CommonJS code: give it require, __filename and __dirname.
const banner = [
  '#!/usr/bin/env node',
  "import { createRequire as __telnetsrvCreateRequire } from 'node:module';",
  "import { fileURLToPath as __telnetsrvFileURLToPath } from 'node:url';",
  "import { dirname as __telnetsrvDirname } from 'node:path';",
  'const require = __telnetsrvCreateRequire(import.meta.url);',
  'const __filename = __telnetsrvFileURLToPath(import.meta.url);',
  'const __dirname = __telnetsrvDirname(__filename);',
].join('\n');

await mkdir('dist', { recursive: true });
const outfile = 'dist/telnetsrv-demo.mjs';
await build({
  entryPoints: ['src/demo/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  banner: { js: banner },
  plugins: [stubNative, poolWorkerBesideBundle],
  logLevel: 'warning',
});
await chmod(outfile, 0o755);
console.log(`built ${outfile}`);

// Beside it, what worker threads import: the pool's thread entry, and each worker module of the demo
// (found by `workerModule` beside the bundle, with the bundle's extension). Without them the bundle
// still runs, with worker tasks inline.
await build({
  entryPoints: [
    { in: 'node_modules/tinypool/dist/entry/worker.js', out: POOL_WORKER.replace(/\.mjs$/, '') },
    { in: 'src/demo/crunchTask.ts', out: 'crunchTask' },
  ],
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  logLevel: 'warning',
});
console.log(`built dist/${POOL_WORKER}, dist/crunchTask.mjs (worker threads)`);

// CommonJS twin for Node's single-executable applications (Node 20 SEA runs one CommonJS script).
await build({
  entryPoints: ['src/demo/main.ts'],
  outfile: 'dist/telnetsrv-demo.cjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // CommonJS has no import.meta: worker modules are then found nowhere, and run inline (see README).
  define: { 'import.meta.url': 'undefined' },
  plugins: [stubNative],
  logLevel: 'warning',
});

await rm('dist/lib', { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
console.log('built dist/lib (JavaScript, types, sourcemaps)');
