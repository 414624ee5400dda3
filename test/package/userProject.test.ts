// A user's own TypeScript project, built from the packed tarball the way README says: `npm pack`,
// install it in an empty directory, compile a handler with `tsc` and the documented tsconfig
// (target ES2022), run it with node, connect over TCP and run its command. Also: the tarball holds
// no tsx, every sourcemap carries the sources it names, the types check a strict handler and the
// edited-login example, and `target: esnext` leaves decorators Node 20 cannot run (why the README
// asks for ES2022).
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForOutput } from '../support/processOutput.js';
import { runProgram } from '../support/run.js';
import { TelnetTestClient } from '../support/telnetClient.js';
import { testNeeding } from '../support/tools.js';

const test = testNeeding('package/userProject', []);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
let dir: string | undefined;
let server: ChildProcess | undefined;

/** The tsconfig README gives users: the one setting that matters for decorators is `target`. */
const USER_TSCONFIG = {
  compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, outDir: 'dist', skipLibCheck: false, types: ['node'] },
  include: ['src'],
};

const USER_MAIN = `import { TelnetHandler, command, createServer } from 'telnetsrv';

class Shop extends TelnetHandler {
  override prompt = 'shop> ';
  override welcome = 'Welcome to the shop.';

  @command(['price', 'cost'], { help: '<item>\\nShow the price of an item.' })
  price(params: string[]): void {
    this.writeResponse(\`\${params[0] ?? 'nothing'} costs 3 coins\`);
  }
}

const server = createServer(Shop);
const { port } = await server.listenTelnet({ host: '127.0.0.1', port: 0 });
console.log(\`listening on \${port}\`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
`;

test.before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'telnetsrv-user-'));
  const pack = await runProgram('npm', ['pack', '--pack-destination', dir, '--silent'], { timeoutMs: 180_000, cwd: root });
  assert.is(pack.code, 0, pack.stderr);
  const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
  assert.ok(tarball, 'a tarball was written');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
  // --ignore-scripts: ssh2's optional native build is not needed (its pure-JS path is used) and would
  // only cost time here.
  const install = await runProgram('npm', ['install', `./${tarball}`, '@types/node@20', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline'], { timeoutMs: 180_000, cwd: dir });
  assert.is(install.code, 0, install.stderr);
});

test.after(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server.kill('SIGTERM');
    const timer = setTimeout(() => server!.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('compiled with the documented tsconfig, the user\'s server runs under node and its command answers over TCP', async () => {
  const project = path.join(dir!, 'shop');
  mkdirSync(path.join(project, 'src'), { recursive: true });
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'shop', private: true, type: 'module' }));
  writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify(USER_TSCONFIG));
  writeFileSync(path.join(project, 'src/main.ts'), USER_MAIN);
  const build = await runProgram(process.execPath, [tsc, '-p', project], { timeoutMs: 120_000, cwd: project });
  assert.is(build.code, 0, build.stdout + build.stderr);
  assert.not.match(readFileSync(path.join(project, 'dist/main.js'), 'utf8'), /^\s*@command/m, 'decorators lowered');

  const child = spawn(process.execPath, ['dist/main.js'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
  server = child;
  const port = Number((await waitForOutput(child, /listening on (\d+)/, 15_000))[1]);
  const client = await TelnetTestClient.connect(port);
  try {
    await client.waitFor('shop> ');
    assert.match(client.screen, /Welcome to the shop\.\nshop> $/);
    client.send('cost apple\r\n');
    await client.waitFor(/cost apple\napple costs 3 coins\nshop> $/);
    client.send('help price\r\n');
    await client.waitFor(/PRICE <item>\n\nShow the price of an item\.\nshop> $/);
  } finally {
    client.close();
  }
});

test('with target esnext, tsc leaves the decorators in and Node 20 rejects the file: why README asks for ES2022', async () => {
  const project = path.join(dir!, 'esnext');
  mkdirSync(path.join(project, 'src'), { recursive: true });
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'esnext', private: true, type: 'module' }));
  writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({ ...USER_TSCONFIG, compilerOptions: { ...USER_TSCONFIG.compilerOptions, target: 'ESNext' } }));
  writeFileSync(path.join(project, 'src/main.ts'), USER_MAIN);
  const build = await runProgram(process.execPath, [tsc, '-p', project], { timeoutMs: 120_000, cwd: project });
  assert.is(build.code, 0, build.stdout + build.stderr);
  assert.match(readFileSync(path.join(project, 'dist/main.js'), 'utf8'), /@command\(/);
  const run = await runProgram(process.execPath, ['dist/main.js'], { cwd: project, timeoutMs: 15_000 });
  assert.is.not(run.code, 0, run.stdout);
  assert.match(run.stderr, /SyntaxError: Invalid or unexpected token/);
});

test('the package: no tsx or esbuild installed with it; every sourcemap carries the sources it names', () => {
  const modules = path.join(dir!, 'node_modules');
  assert.not.ok(existsSync(path.join(modules, 'tsx')), 'tsx is a dev dependency only');
  assert.not.ok(existsSync(path.join(modules, 'esbuild')), 'esbuild is a dev dependency only');
  const pkg = path.join(modules, 'telnetsrv');
  const maps = readdirSync(pkg, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.map'));
  assert.ok(maps.length > 10, `${maps.length} maps`);
  for (const file of maps) {
    const map = JSON.parse(readFileSync(path.join(pkg, file), 'utf8')) as { sources: string[]; sourcesContent?: Array<string | null> };
    map.sources.forEach((source, i) => {
      const shipped = existsSync(path.resolve(path.dirname(path.join(pkg, file)), source));
      assert.ok(shipped || typeof map.sourcesContent?.[i] === 'string', `${file}: ${source} is neither in the package nor in the map`);
    });
  }
});

test('the types compile a strict handler and the edited-login example against the package', async () => {
  const project = path.join(dir!, 'types');
  mkdirSync(project, { recursive: true });
  writeFileSync(
    path.join(project, 'handler.ts'),
    `import { TelnetHandler, command, createServer } from 'telnetsrv';
class MyHandler extends TelnetHandler {
  override welcome = 'Welcome to my server.';
  @command(['echo', 'copy'], { help: '<text>\\nEcho text back.' })
  echo(params: string[]): void {
    this.writeResponse(params.join(' '));
  }
}
const server = createServer(MyHandler);
export const listening: Promise<{ host: string; port: number }> = server.listenTelnet({ port: 0 });
`,
  );
  const example = readFileSync(path.join(root, 'examples/oneTimeCode.ts'), 'utf8').replace("'../src/index.js'", "'telnetsrv'");
  writeFileSync(path.join(project, 'oneTimeCode.ts'), example);
  writeFileSync(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { ...USER_TSCONFIG.compilerOptions, noEmit: true }, files: ['handler.ts', 'oneTimeCode.ts'] }),
  );
  const check = await runProgram(process.execPath, [tsc, '-p', project], { timeoutMs: 120_000, cwd: dir! });
  assert.is(check.code, 0, check.stdout + check.stderr);
});

test.run();
