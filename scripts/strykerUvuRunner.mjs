// A StrykerJS test runner for uvu suites, in process. Stryker's command runner starts node, tsx and every
// suite again for each mutant and cannot tell which tests reach a mutant, so each of a room's ~1,000 mutants
// cost a full run of all its suites (minutes per mutant on a loaded 2-core machine). This runner loads the
// suites once per worker process (tsx registered through testRunnerNodeArgs), records which suites reach
// each mutant in the dry run (Stryker's perTest coverage, one "test" per uvu suite), and for each mutant
// re-runs only those suites with the mutant switched on.
//
// A mutant in code run while modules load (a "static" mutant) needs the suites loaded with it active:
// the runner reports it cannot reload, so Stryker gives it a fresh worker, and the first run of a fresh
// worker loads the suites with the mutant already on, one file at a time, stopping at the first failure.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { declareClassPlugin, PluginKind, commonTokens } from '@stryker-mutator/api/plugin';
import { DryRunStatus, MutantRunStatus, TestStatus } from '@stryker-mutator/api/test-runner';

export const strykerValidationSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'UvuRunnerOptions',
  type: 'object',
  properties: {
    uvu: {
      description: 'Which suites the uvu runner loads: a folder and a path regex, as for the uvu CLI.',
      type: 'object',
      properties: { dir: { type: 'string' }, pattern: { type: 'string' } },
      additionalProperties: false,
    },
  },
};

class UvuTestRunner {
  static inject = [commonTokens.options, commonTokens.logger];

  /** @type {{ id: string, name: string, file: string, run: () => Promise<[string | true, number, number, number]> }[] | undefined} */
  #suites;
  /** Loaded for a static mutant only in part (see #runStatic): this worker cannot run another mutant. */
  #partial = false;
  #options;
  #log;
  /** The namespace the instrumented code reads; created before any of it loads and never replaced. */
  #ns = (globalThis.__stryker__ ??= {});

  /** Errors thrown outside any test (a timer, an actor's deferred rethrow) while a mutant runs. */
  #uncaught = [];
  #mutantRunning = false;
  /** Ends the wait for a mutant's suites at its first uncaught error (a test may wait forever after it). */
  #onUncaught;

  constructor(options, log) {
    this.#options = options;
    this.#log = log;
    // XState rethrows an error from an action on a timer, and a mutant that breaks an action makes
    // such errors: uncaught, they ended the worker, and each cost a new worker loading every suite
    // (most of a room's time). Thrown while a mutant runs they kill it, as the crash did, and the
    // worker goes on; anywhere else the worker ends as Node would end it.
    const uncaught = (error) => {
      if (this.#mutantRunning) {
        this.#uncaught.push(error);
        this.#onUncaught?.();
        return;
      }
      // A suite left mid-run by an earlier mutant: this worker is ending already (see mutantRun).
      if (this.#partial) return;
      process.stderr.write(`uncaught outside a mutant run: ${String(error?.stack ?? error)}\n`);
      process.exit(1);
    };
    process.on('uncaughtException', uncaught);
    process.on('unhandledRejection', uncaught);
  }

  capabilities() {
    return { reloadEnvironment: false };
  }

  async #files() {
    const { dir = 'test', pattern } = this.#options.uvu ?? {};
    const { parse } = await import('uvu/parse');
    const { suites: files } = await parse(dir, pattern, { cwd: process.cwd() });
    globalThis.UVU_DEFER = 1;
    globalThis.UVU_QUEUE ??= [];
    await import('uvu');
    return files;
  }

  /** Imports one suite file (uvu queues its suites instead of running them) and returns its suites. */
  async #loadFile(file) {
    const index = globalThis.UVU_QUEUE.length;
    globalThis.UVU_INDEX = index;
    globalThis.UVU_QUEUE.push([file.name]);
    await import(pathToFileURL(path.resolve(file.file)).href);
    const [, ...runs] = globalThis.UVU_QUEUE[index];
    return runs.map((run, n) => {
      const id = `${file.name}#${n}`;
      return { id, name: runs.length > 1 ? id : file.name, file: file.file, run };
    });
  }

  async #load() {
    if (this.#suites) return this.#suites;
    const files = await this.#files();
    const suites = [];
    for (const file of files) suites.push(...(await this.#loadFile(file)));
    this.#log.debug(`uvu runner: ${suites.length} suites from ${files.length} files`);
    this.#suites = suites;
    return suites;
  }

  /**
   * A static mutant, on the fresh worker Stryker gives each one (and replaces after it): the suite
   * files are loaded one at a time, each run as soon as it is loaded, and the first failure ends the
   * run, so a killed mutant costs the files up to its killer, not the load of them all. Files named
   * after the mutated file come first (test/machines/session.test.ts for src/machines/session.ts).
   */
  async #runStatic(fileName, bail) {
    const files = await this.#files();
    const base = path.basename(fileName ?? '', path.extname(fileName ?? '')).toLowerCase();
    const named = (file) => base !== '' && path.basename(file.name).toLowerCase().startsWith(base);
    // Then the cheapest first, by the dry run's times of the file's suites.
    fastestFirst([]); // reads the times file
    const cost = (file) => fileTime(file.name);
    const rest = files.filter((file) => !named(file)).sort((a, b) => cost(a) - cost(b));
    const ordered = [...files.filter(named), ...rest];
    const results = [];
    for (const file of ordered) {
      const suites = await this.#loadFile(file);
      const outcome = await this.#run(suites, { bail, perTest: false });
      results.push(...outcome);
      if (bail && outcome.some((test) => test.status === TestStatus.Failed)) break;
    }
    // Only part of the suites were loaded: this worker is never used for another mutant unloaded.
    this.#suites = undefined;
    this.#partial = true;
    return results;
  }

  /** Runs the suites (uvu's own per-suite runner, its output swallowed); stops at the first failure unless told not to. */
  async #run(suites, { bail, perTest }) {
    const results = [];
    const write = process.stdout.write;
    process.stdout.write = () => true;
    try {
      for (const suite of suites) {
        if (perTest) this.#ns.currentTestId = suite.id;
        const start = performance.now();
        let errors;
        try {
          const [outcome, passed, , total] = await suite.run();
          // uvu's runner returns `true` when a `before` hook threw (its finally returns): fewer passed than ran.
          errors = typeof outcome === 'string' ? outcome : passed < total ? `${suite.name}: ${passed} of ${total} passed (a hook threw?)` : undefined;
        } catch (error) {
          errors = String(error?.stack ?? error);
        }
        const timeSpentMs = Math.round(performance.now() - start);
        const base = { id: suite.id, name: suite.name, fileName: suite.file, timeSpentMs };
        if (typeof errors === 'string') {
          results.push({ ...base, status: TestStatus.Failed, failureMessage: stripAnsi(errors).trim().slice(0, 2000) });
          if (bail) break;
        } else {
          results.push({ ...base, status: TestStatus.Success });
        }
      }
    } finally {
      process.stdout.write = write;
      this.#ns.currentTestId = undefined;
    }
    return results;
  }

  async dryRun(options) {
    try {
      this.#ns.activeMutant = undefined;
      const perTest = options.coverageAnalysis === 'perTest';
      if (options.coverageAnalysis !== 'off') this.#ns.mutantCoverage ??= { static: {}, perTest: {} };
      const suites = await this.#load();
      const tests = await this.#run(suites, { bail: false, perTest });
      // The suites run again for every mutant in this same process: one that passes only on a fresh
      // process would "kill" every mutant it is given.
      const again = await this.#run(suites, { bail: false, perTest });
      const flaky = again.filter((test) => test.status === TestStatus.Failed);
      if (flaky.length > 0 && tests.every((test) => test.status === TestStatus.Success)) {
        return {
          status: DryRunStatus.Error,
          errorMessage: `suites that fail when run a second time in one process: ${flaky.map((t) => `${t.name}\n${t.failureMessage}`).join('\n')}`,
        };
      }
      // Each mutant runs its suites fastest first, so a killed one stops at the cheapest suite that
      // fails; the times are kept in a file (in the sandbox) for workers started after this one.
      const times = Object.fromEntries(tests.map((test) => [test.id, test.timeSpentMs]));
      writeFileSync(TIMES_FILE, JSON.stringify(times));
      return { status: DryRunStatus.Complete, tests, mutantCoverage: this.#ns.mutantCoverage };
    } catch (error) {
      return { status: DryRunStatus.Error, errorMessage: String(error?.stack ?? error) };
    }
  }

  async mutantRun(options) {
    const id = options.activeMutant.id;
    this.#uncaught = [];
    this.#mutantRunning = true;
    const uncaughtSeen = new Promise((resolve) => (this.#onUncaught = () => resolve(undefined)));
    this.#ns.hitLimit = options.hitLimit;
    this.#ns.hitCount = options.hitLimit === undefined ? undefined : 0;
    try {
      // Switched on before the suites load, whatever Stryker calls the mutant: a worker loads them
      // once, on its first run, and a mutant in code that runs at load (a table, a decorator) must be
      // on then. Stryker gives a static mutant a fresh worker; it asks for 'runtime' activation for
      // static mutants too when a test filter is set (incremental runs), which would load them off.
      this.#ns.activeMutant = id;
      let all;
      let results;
      try {
        if (options.mutantActivation === 'static' && !this.#suites && !this.#partial && !options.testFilter) {
          results = await Promise.race([this.#runStatic(options.activeMutant.fileName, !options.disableBail), uncaughtSeen]);
        } else {
          if (this.#partial) throw new Error('this worker loaded only part of the suites for a static mutant');
          all = await this.#load();
        }
      } catch (error) {
        // The mutant breaks loading itself (a decorator that throws, a module that cannot evaluate):
        // every suite that imports the code fails, so the mutant is caught.
        const failureMessage = `the suites fail to load: ${String(error?.stack ?? error).slice(0, 2000)}`;
        return { status: MutantRunStatus.Killed, killedBy: [], failureMessage, nrOfTests: 0 };
      }
      if (results === undefined && this.#uncaught.length === 0) {
        this.#ns.activeMutant = id;
        const filter = options.testFilter && new Set(options.testFilter);
        const suites = fastestFirst(filter ? all.filter((suite) => filter.has(suite.id)) : all);
        results = await Promise.race([this.#run(suites, { bail: !options.disableBail, perTest: false }), uncaughtSeen]);
      }
      if (this.#ns.hitLimit !== undefined && this.#ns.hitCount > this.#ns.hitLimit) {
        return { status: MutantRunStatus.Timeout, reason: `hit limit reached (${this.#ns.hitCount}/${this.#ns.hitLimit})` };
      }
      if (this.#uncaught.length > 0) {
        const failureMessage = `thrown outside the tests: ${String(this.#uncaught[0]?.stack ?? this.#uncaught[0]).slice(0, 2000)}`;
        if (results === undefined) {
          // A suite was left mid-run (it may wait forever for what the error broke): this worker ends
          // once the answer is sent, and Stryker starts a fresh one for the next mutant.
          this.#partial = true;
          setTimeout(() => process.exit(0), 500);
        }
        return { status: MutantRunStatus.Killed, killedBy: [], failureMessage, nrOfTests: results?.length ?? 0 };
      }
      const failed = results.filter((test) => test.status === TestStatus.Failed);
      if (failed.length > 0) {
        return {
          status: MutantRunStatus.Killed,
          killedBy: failed.map((test) => test.id),
          failureMessage: failed[0].failureMessage,
          nrOfTests: results.length,
        };
      }
      return { status: MutantRunStatus.Survived, nrOfTests: results.length };
    } catch (error) {
      return { status: MutantRunStatus.Error, errorMessage: String(error?.stack ?? error) };
    } finally {
      this.#mutantRunning = false;
      this.#onUncaught = undefined;
      this.#ns.activeMutant = undefined;
      this.#ns.hitLimit = undefined;
      this.#ns.hitCount = undefined;
    }
  }
}

const TIMES_FILE = '.uvu-suite-times.json';
let suiteTimes;
/** The suites in the order of their dry-run times, fastest first (as given when no times are known). */
function fastestFirst(suites) {
  if (suiteTimes === undefined) {
    try {
      suiteTimes = JSON.parse(readFileSync(TIMES_FILE, 'utf8'));
    } catch {
      suiteTimes = {};
    }
  }
  const time = (suite) => suiteTimes[suite.id] ?? Number.MAX_SAFE_INTEGER;
  return [...suites].sort((a, b) => time(a) - time(b));
}

/** A suite file's dry-run time: its suites' times summed (unknown: last). */
function fileTime(name) {
  let total = 0;
  let known = false;
  for (const [id, ms] of Object.entries(suiteTimes ?? {})) {
    if (id.startsWith(`${name}#`)) {
      total += ms;
      known = true;
    }
  }
  return known ? total : Number.MAX_SAFE_INTEGER;
}

const stripAnsi = (text) => text.replace(/\u001b\[[0-9;]*m/g, '');

export const strykerPlugins = [declareClassPlugin(PluginKind.TestRunner, 'uvu', UvuTestRunner)];
