// checkLoginStates, rule by rule, with the whole message compared: each reserved event on the login
// node (and allowed on a step), the login timeout anywhere, a final step, a missing or wrong initial
// (a name that is not a child, not a string), a welcome transition found only in a nested step, and
// one that is not a transition at all (a string a function returns) not counted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkLoginStates, loginStates, sessionChart } from '../../src/machines/session.js';

function problems(login: unknown): string[] {
  try {
    checkLoginStates(login as never);
    return [];
  } catch (error) {
    const [head, ...rest] = (error as Error).message.split('\n- ');
    assert.is(head, 'sessionChart: the login states break the rules:');
    return rest;
  }
}

const toWelcome = { on: { LINE: { target: '#session.welcome' } } };

test('the built-in login follows the rules, and sessionChart accepts it', () => {
  assert.equal(problems(loginStates), []);
  assert.is(sessionChart(loginStates).id, 'session');
});

test('each of ^C, ^D and a line too long on the login node is named; on a step they are the step\'s own', () => {
  for (const type of ['INTERRUPT', 'END_OF_INPUT', 'LINE_TOO_LONG']) {
    assert.equal(problems({ id: 'login', initial: 'a', on: { [type]: {} }, states: { a: toWelcome } }), [
      `login handles ${type} on the login node itself: handle it on a step, or leave it to the chart`,
    ]);
    assert.equal(problems({ id: 'login', initial: 'a', states: { a: { on: { [type]: {}, ...toWelcome.on } } } }), []);
  }
});

test('the login timeout on the login node or any step is named with its path', () => {
  assert.equal(problems({ id: 'login', initial: 'a', on: { LOGIN_TIMEOUT: {} }, states: { a: toWelcome } }), [
    "login handles LOGIN_TIMEOUT: the login timeout is the chart's, whatever the step",
  ]);
  assert.equal(problems({ id: 'login', initial: 'a', states: { a: { on: { LOGIN_TIMEOUT: {}, ...toWelcome.on } } } }), [
    "login.a handles LOGIN_TIMEOUT: the login timeout is the chart's, whatever the step",
  ]);
});

test('a final step is named; so is the login node made final', () => {
  assert.equal(problems({ id: 'login', initial: 'a', states: { a: toWelcome, b: { type: 'final' } } }), [
    'login.b is final: a login leaves by a transition to #session.welcome or #session.closing',
  ]);
  assert.equal(problems({ id: 'login', type: 'final', ...toWelcome }), [
    'login is final: a login leaves by a transition to #session.welcome or #session.closing',
  ]);
});

test('an initial that is missing, not a child or not a string is named; a step without children needs none', () => {
  assert.equal(problems({ id: 'login', states: { a: toWelcome } }), ['login has states but its initial undefined is not one of them (a)']);
  assert.equal(problems({ id: 'login', initial: 'b', states: { a: toWelcome } }), ['login has states but its initial "b" is not one of them (a)']);
  assert.equal(problems({ id: 'login', initial: ['a'], states: { a: toWelcome } }), ['login has states but its initial ["a"] is not one of them (a)']);
  assert.equal(problems({ id: 'login', initial: 'a', states: { a: { initial: 'x', states: { y: toWelcome } } } }), [
    'login.a has states but its initial "x" is not one of them (y)',
  ]);
  assert.equal(problems({ id: 'login', ...toWelcome }), []);
  assert.equal(problems({ id: 'login', initial: 'a', states: { a: { ...toWelcome, states: {} } } }), []);
});

test('a welcome transition deep in a nested step counts; one only inside a function does not', () => {
  assert.equal(problems({ id: 'login', initial: 'a', states: { a: { initial: 'b', states: { b: { initial: 'c', states: { c: toWelcome } } } } } }), []);
  assert.equal(problems({ id: 'login', initial: 'a', states: { a: { always: [{ target: 'b' }, { target: '#session.welcome' }] }, b: {} } }), []);
  const notAWay = { id: 'login', initial: 'a', states: { a: { entry: () => '#session.welcome', on: { LINE: { target: '#session.closing' } } } } };
  assert.equal(problems(notAWay), ['no transition in login goes to #session.welcome: nobody could log in']);
});

test('several problems: each named, in the order found, the welcome last', () => {
  const broken = { id: 'login', initial: 'a', on: { END_OF_INPUT: {}, LOGIN_TIMEOUT: {} }, states: { a: { on: { LOGIN_TIMEOUT: {} } }, z: { type: 'final' } } };
  assert.equal(problems(broken), [
    "login handles LOGIN_TIMEOUT: the login timeout is the chart's, whatever the step",
    'login handles END_OF_INPUT on the login node itself: handle it on a step, or leave it to the chart',
    "login.a handles LOGIN_TIMEOUT: the login timeout is the chart's, whatever the step",
    'login.z is final: a login leaves by a transition to #session.welcome or #session.closing',
    'no transition in login goes to #session.welcome: nobody could log in',
  ]);
});

test.run();
