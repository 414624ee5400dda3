import path from 'node:path';
import { build } from 'esbuild';

/**
 * Compiles bench entry points (`bench/<name>.ts`) into `outdir` as ESM, as users run the package:
 * under tsx every function has its name set at run time (esbuild's keepNames), which costs CPU and
 * turns each closure's properties into a dictionary (about 9 KiB more per session here).
 */
export async function buildBenchEntries(root: string, names: string[], outdir: string): Promise<void> {
  await build({
    entryPoints: names.map((name) => path.join(root, 'bench', `${name}.ts`)),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: true,
    logLevel: 'warning',
  });
}
