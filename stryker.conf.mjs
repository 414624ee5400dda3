// Mutation testing (`npm run mutate`): StrykerJS puts small bugs into the pure rooms one at a time
// and runs their unit suites against each; a mutant no test notices is a gap in the tests. Not part
// of `npm test` (hundreds of runs, each a full run of the suites).
//
// MUTATE_ROOM=protocol|terminal|shell|machines scores one room against the suites that cover it (see
// `rooms` below); `npm run mutate -- protocol` sets it (scripts/mutate.mjs, which runs every room in turn
// when none is named). Without MUTATE_ROOM, all four rooms against all their suites (MUTATE_TESTS, a regex
// alternation of test folders, narrows those). Results: docs/mutation.md. Reports: reports/mutation/
// (git-ignored), with each room's incremental file, so a re-run redoes only mutants whose code or tests
// changed (`--incremental`).

/**
 * Each room's suites: uvu path regexes under test/. Left out: suites that start servers over real sockets
 * (terminal/secretHistory, shell/continuation; their bugs live in handler.ts and the transports), and
 * terminal/lineEditorCost, which feeds 100,000-character lines through the editor in every test: under
 * instrumentation each mutant of the editor cost it ~30 s; and machines/messagesSliced (3,000 sessions
 * through a server and a 10,000-session broadcast, 25 s a run: machines/messageOutbox pins the same
 * slicing with a zero budget, turn by turn). The fast-check properties of the parser run
 * with the shell room (FUZZ_RUNS cases each, 300 here).
 */
const rooms = {
  protocol: { tests: 'protocol/' },
  terminal: { tests: 'terminal/(?!secretHistory|lineEditorCost)' },
  shell: { tests: 'shell/(?!continuation)|fuzz/parser' },
  machines: { tests: 'machines/(?!messagesSliced)|actors/supervisorChart' },
};

const room = process.env.MUTATE_ROOM;
if (room !== undefined && !(room in rooms)) {
  throw new Error(`MUTATE_ROOM=${room}: not a room (${Object.keys(rooms).join(', ')})`);
}
const testPattern = room
  ? rooms[room].tests
  : `(${process.env.MUTATE_TESTS ?? 'protocol|terminal|shell|machines'})/`;
const name = room ?? 'all';

// Read by the suites (inherited by Stryker's workers): timing bounds allow for instrumented code, and
// fast-check properties run fewer cases per mutant than in `npm test`.
process.env.TELNETSRV_MUTATION = '1';
process.env.FUZZ_RUNS ??= '300';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // uvu suites in process (scripts/strykerUvuRunner.mjs): loaded once per worker under tsx, and per
  // mutant only the suites the dry run saw reach it.
  plugins: ['@stryker-mutator/*', './scripts/strykerUvuRunner.mjs'],
  testRunner: 'uvu',
  testRunnerNodeArgs: ['--import', 'tsx'],
  coverageAnalysis: 'perTest',
  uvu: { dir: 'test', pattern: testPattern },
  mutate: room
    ? [`src/${room}/**/*.ts`]
    : ['src/protocol/**/*.ts', 'src/terminal/**/*.ts', 'src/shell/**/*.ts', 'src/machines/**/*.ts'],
  // The sandbox copy leaves out builds and scratch files (dist holds an 88 MB binary after build:sea).
  ignorePatterns: ['dist', 'reports', 'bench/tmp', 'bench/.build', '.telnetsrv', 'demo-host-key*'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  incrementalFile: `reports/mutation/${name}.incremental.json`,
  // Two cores shared with other work: one mutant at a time by default (--concurrency N for more).
  concurrency: 1,
  // Per mutant: the dry run's time x timeoutFactor (1.5) + timeoutMS. A mutant that loops forever is a
  // Timeout (counted as detected) after this; a loaded machine needs the margin.
  timeoutMS: 10_000,
  thresholds: { high: 90, low: 85, break: null },
  cleanTempDir: 'always',
};
