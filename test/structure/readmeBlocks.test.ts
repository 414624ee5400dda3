// Every ```ts block of README.md type-checks against the package's own types, as a user would write
// it. The convention (keep it simple; other sections follow it too):
//
// - Each ```ts block is a module of its own; `from 'telnetsrv'` means this package (src/index.ts).
// - A block may use, without defining or importing them, the package's exports and the names in
//   PRELUDE below (a handler class `MyHandler`, a session `id`, the helpers the examples call such as
//   `checkPassword`). A name a block defines or imports itself hides the prelude's.
// - A block of class members (methods with their `@command`, fields) is marked ```ts class-body: it is
//   checked inside `class extends TelnetHandler { ... }`.
// - A block whose first line is a path comment (`// src/reportTask.ts: ...`) is that file, so blocks
//   may import one another by relative path, as a user's files do.
// - Elided code is a comment (`/* ... */`), never a bare `...`.
// - A block that cannot be checked (another language, pseudo-code) is not ```ts: use ```text, ```sh.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Globals every block may use; module-scoped so it can import the package's types. */
const PRELUDE = `
import * as telnetsrv from 'telnetsrv';
declare global {
  const TelnetHandler: typeof telnetsrv.TelnetHandler;
  const command: typeof telnetsrv.command;
  const createServer: typeof telnetsrv.createServer;
  const Server: typeof telnetsrv.Server;
  const SSHHandler: typeof telnetsrv.SSHHandler;
  const sessionSetup: typeof telnetsrv.sessionSetup;
  const sessionChart: typeof telnetsrv.sessionChart;
  const loginStates: typeof telnetsrv.loginStates;
  const fromPromise: typeof telnetsrv.fromPromise;
  const columns: typeof telnetsrv.columns;
  const getRsaKeyFile: typeof telnetsrv.getRsaKeyFile;
  type TelnetOption = telnetsrv.TelnetOption;
  type ServerOptions = telnetsrv.ServerOptions;
  type LoginStepInput = telnetsrv.LoginStepInput;
  type SessionInfo = telnetsrv.SessionInfo;
  /** A handler class of the reader's. */
  const MyHandler: typeof telnetsrv.TelnetHandler;
  /** A session's id, as \`server.sessions\` lists them. */
  const id: string;
  function checkPassword(username: string | null, password: string | null): Promise<boolean>;
  function codeIsValid(username: string | null, code: string): Promise<boolean>;
  function listFiles(): Promise<string[]>;
}
export {};
`;

/** Modules the README names that are not this package's dependencies, declared as far as it uses them. */
const AMBIENT = `
declare module '@statelyai/inspect' {
  export function createSkyInspector(): { inspect: (event: unknown) => void };
  export function createWebSocketInspector(options: { url: string }): { inspect: (event: unknown) => void };
}
`;

interface Block {
  /** Where it comes from, for messages: README.md, or a name of the self-test. */
  source: string;
  /** Line of README.md the block's code starts on (1-based). */
  line: number;
  info: string;
  code: string;
}

export function tsBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(ts|typescript)\b(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end]!)) end++;
    blocks.push({ source: 'README.md', line: start + 1, info: open[3]!.trim(), code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return blocks;
}

/** Type-checks the blocks in one program; the messages, each with its README line. */
export function checkBlocks(blocks: readonly Block[]): string[] {
  const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, paths: { telnetsrv: ['./src/index.ts'] }, pathsBasePath: root };
  // Virtual files inside the repository, so the package's dependencies resolve as for its own code.
  const virtual = new Map<string, { text: string; block: Block | null; offset: number }>();
  const preludeFile = path.join(root, 'test', 'structure', '__readme_prelude.ts');
  virtual.set(preludeFile, { text: PRELUDE, block: null, offset: 0 });
  virtual.set(path.join(root, 'test', 'structure', '__readme_ambient.d.ts'), { text: AMBIENT, block: null, offset: 0 });
  blocks.forEach((block, index) => {
    const classBody = block.info.split(/\s+/).includes('class-body');
    const text = classBody
      ? `export {};\nclass ReadmeFragment${index} extends TelnetHandler {\n${block.code}\n}\n`
      : `export {};\n${block.code}\n`;
    const named = /^\/\/ (src\/[\w/.-]+\.ts)\b/.exec(block.code);
    const file = named ? path.join(root, 'test', 'structure', '__readme', named[1]!) : path.join(root, 'test', 'structure', `__readme_block_${index}.ts`);
    virtual.set(file, { text, block, offset: classBody ? 2 : 1 });
  });
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (file) => virtual.has(path.resolve(file)) || fileExists.call(host, file);
  const { directoryExists } = host;
  host.directoryExists = (dir) =>
    [...virtual.keys()].some((file) => file.startsWith(path.resolve(dir) + path.sep)) || (directoryExists?.call(host, dir) ?? false);
  host.readFile = (file) => virtual.get(path.resolve(file))?.text ?? readFile.call(host, file);
  host.getSourceFile = (file, language, ...rest) => {
    const entry = virtual.get(path.resolve(file));
    return entry ? ts.createSourceFile(file, entry.text, language, true) : getSourceFile.call(host, file, language, ...rest);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  const messages: string[] = [];
  for (const [file, entry] of virtual) {
    const source = program.getSourceFile(file)!;
    for (const diagnostic of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      const at = diagnostic.start === undefined ? 0 : source.getLineAndCharacterOfPosition(diagnostic.start).line;
      const where = entry.block ? `${entry.block.source}:${entry.block.line + at - entry.offset}` : path.basename(file);
      messages.push(`${where}: TS${diagnostic.code} ${text}`);
    }
  }
  return messages;
}

// Blocks that must fail, checked in the same program as the README's (one type-check: it is slow).
const WRONG: Block[] = [
  { source: 'wrong', line: 10, info: '', code: 'const server = createServer(MyHandler);\nserver.broadcast(42);' },
  { source: 'wrong', line: 20, info: 'class-body', code: "@command('x')\nx(params: string[]) { this.writeResponse(params); }" },
  { source: 'wrong', line: 30, info: '', code: "import { nothingSuch } from 'telnetsrv';" },
  { source: 'right', line: 1, info: 'class-body', code: "@command('y')\ny(params: string[]) { this.writeResponse(params.join(' ')); }" },
];
const readmeBlocks = tsBlocks(readFileSync(path.join(root, 'README.md'), 'utf8'));
let messages: string[] | null = null;
const checked = () => (messages ??= checkBlocks([...readmeBlocks, ...WRONG]));

test('every ```ts block of README.md type-checks against the package', () => {
  assert.ok(readmeBlocks.length >= 5, `found ${readmeBlocks.length} blocks`);
  assert.equal(checked().filter((m) => !m.startsWith('wrong:')), []);
});

test('the check fails on a wrong block, naming its line; a right fragment passes', () => {
  const wrong = checked().filter((m) => m.startsWith('wrong:'));
  assert.ok(wrong.some((m) => m.startsWith('wrong:11: TS2345')), wrong.join('\n'));
  assert.ok(wrong.some((m) => m.startsWith('wrong:21: TS2345')), wrong.join('\n'));
  assert.ok(wrong.some((m) => m.startsWith('wrong:30: TS2305')), wrong.join('\n'));
  assert.not.ok(checked().some((m) => m.startsWith('right:')));
});

test.run();
