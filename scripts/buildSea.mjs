// `npm run build:sea`: the demo as one executable through Node's single-executable applications.
// Steps as Node documents them: bundle (build.mjs) → SEA blob → copy of node → postject the blob.
import { execFileSync } from 'node:child_process';
import { copyFileSync, chmodSync, writeFileSync } from 'node:fs';

const run = (file, args) => execFileSync(file, args, { stdio: 'inherit' });
run(process.execPath, ['build.mjs']);
writeFileSync(
  'dist/sea-config.json',
  JSON.stringify({ main: 'dist/telnetsrv-demo.cjs', output: 'dist/sea-prep.blob', disableExperimentalSEAWarning: true }),
);
run(process.execPath, ['--experimental-sea-config', 'dist/sea-config.json']);
const binary = 'dist/telnetsrv-demo-sea';
copyFileSync(process.execPath, binary);
chmodSync(binary, 0o755);
try {
  run('strip', [binary]); // about 87 MB instead of about 100; optional
} catch {
  console.log('strip not available: binary left unstripped');
}
run(process.execPath, [
  'node_modules/postject/dist/cli.js', binary, 'NODE_SEA_BLOB', 'dist/sea-prep.blob',
  '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
]);
console.log(`built ${binary}`);
