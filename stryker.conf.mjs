// Mutation testing (`npm run mutate`): StrykerJS puts small bugs into the pure rooms one at a time
// and runs their unit suites against each; a mutant no test notices is a gap in the tests. Not part
// of `npm test` (hundreds of runs, each a full run of the suites). One room, against its own suites:
// `MUTATE_TESTS=protocol npm run mutate -- --mutate 'src/protocol/**/*.ts'`.
// The HTML report lands in reports/mutation/ (git-ignored).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'command',
  commandRunner: {
    // The unit suites of the four rooms (MUTATE_TESTS: other test folders, a regex alternation), run by
    // uvu under tsx, which runs Stryker's instrumented TypeScript too.
    command: `node --import tsx node_modules/uvu/bin.js test '(${process.env.MUTATE_TESTS ?? 'protocol|terminal|shell|machines'})/' --no-color`,
  },
  mutate: ['src/protocol/**/*.ts', 'src/terminal/**/*.ts', 'src/shell/**/*.ts', 'src/machines/**/*.ts'],
  // The sandbox copy leaves out builds and scratch files (dist holds an 88 MB binary after build:sea).
  ignorePatterns: ['dist', 'reports', 'bench/tmp', 'bench/.build', '.telnetsrv', 'demo-host-key*'],
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  // Two cores shared with other work: one mutant at a time by default (--concurrency N for more).
  concurrency: 1,
  timeoutMS: 20_000,
  thresholds: { high: 90, low: 85, break: null },
  cleanTempDir: 'always',
};
