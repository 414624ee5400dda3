import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { sessionMachine } from '../../src/machines/session.js';
import { supervisorMachine } from '../../src/machines/supervisor.js';
import { statePaths, toMermaid } from '../../src/machines/mermaid.js';

test('the session diagram holds every state of the session machine and its main transitions', () => {
  const diagram = toMermaid(sessionMachine);
  const paths = statePaths(sessionMachine);
  assert.ok(paths.includes('login.askingPassword'));
  assert.ok(paths.includes('shell.awaitingLine'));
  for (const path of paths) {
    const key = path.split('.').at(-1)!;
    assert.ok(diagram.includes(`state "${key}" as`), `missing ${path}`);
  }
  assert.match(diagram, /^stateDiagram-v2/);
  assert.match(diagram, /session_negotiating_waiting --> session_banner : NEGOTIATED/);
  assert.match(diagram, /session_login_askingUsername --> session_login_askingPassword : LINE \[needsPassword\]/);
  assert.match(diagram, /session_shell_executing --> session_shell_prompting : COMMAND_DONE/);
});

test('the supervisor diagram, and docs/statecharts.md is up to date with the machines', () => {
  const diagram = toMermaid(supervisorMachine);
  assert.match(diagram, /supervisor_running --> supervisor_draining : SHUTDOWN/);
  const docs = readFileSync(new URL('../../docs/statecharts.md', import.meta.url), 'utf8');
  assert.ok(docs.includes(toMermaid(sessionMachine)), 'run `npm run chart` after changing the session chart');
  assert.ok(docs.includes(diagram), 'run `npm run chart` after changing the supervisor chart');
});

test.run();
