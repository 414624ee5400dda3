/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The live view in a real browser: Debian's Chromium driven by playwright-core (installed by .ci/run).
import { testNeeding } from '../support/tools.js';
import * as assert from 'uvu/assert';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { startDemo, startServer } from '../support/demoServer.js';
import { TelnetTestClient, login } from '../support/telnetClient.js';
import { CodeHandler, sessionWithCode } from '../../examples/oneTimeCode.js';

const test = testNeeding('liveView', ['chromium']);

const ROW_COLOUR = [0xdb, 0xea, 0xfe];
const ACTIVE_COLOUR = [0xff, 0xf3, 0xb0];

let browser: Browser;

test.before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    // As root in a sandbox with no internet: no sandbox, and no background calls home.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    timeout: 30_000,
  });
});

test.after(async () => {
  await browser?.close();
});

const rowTexts = (page: Page) =>
  page.$$eval('tr.session-row', (rows) => rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent).slice(1, 5).join(' ')));

/** Horizontal bands of `colour` crossed by a vertical line at x: one per table row on screen. */
function bands(png: PNG, x: number, colour: number[]): number {
  let count = 0;
  let inside = false;
  for (let y = 0; y < png.height; y++) {
    const at = (png.width * y + x) * 4;
    const match = colour.every((value, i) => Math.abs(png.data[at + i]! - value) <= 2);
    if (match && !inside) count++;
    inside = match;
  }
  return count;
}

function pixelsOf(png: PNG, colour: number[]): number {
  let count = 0;
  for (let at = 0; at < png.data.length; at += 4) if (colour.every((value, i) => Math.abs(png.data[at + i]! - value) <= 2)) count++;
  return count;
}

test('lists every session with user, address and state, live; the chart highlights occupied states', async () => {
  const demo = await startDemo();
  const view = await demo.server.listenLiveView({ host: '127.0.0.1', port: 0 });
  const alice = await login(demo.port, 'alice');
  const bob = await login(demo.port, 'bob');
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    bob.send('passwd\r\n');
    await bob.waitFor('New password: ');
    await page.goto(`http://127.0.0.1:${view.port}/`);
    await page.waitForSelector('tr.session-row >> nth=1');
    await page.waitForFunction(() => document.querySelector('tr.session-row:nth-child(2)')?.textContent?.includes('awaitingLine'));
    const rows = await rowTexts(page);
    assert.match(rows[0]!, /^alice 127\.0\.0\.1:\d+ telnet shell\.prompting$/);
    assert.match(rows[1]!, /^bob 127\.0\.0\.1:\d+ telnet shell\.awaitingLine$/);
    assert.is(await page.textContent('[data-path="shell"] > .count'), '2');
    assert.is(await page.textContent('[data-path="shell.awaitingLine"] > .count'), '1');
    assert.ok(await page.$('[data-path="login.askingPassword"]'), 'the chart is drawn, login states included');
    assert.not.ok(await page.$('[data-path="login"].active'), 'no session is logging in');

    // The screenshot shows one row band per session and the highlighted states.
    const table = PNG.sync.read(await page.locator('#sessions').screenshot());
    assert.is(bands(table, 3, ROW_COLOUR), 2, 'two session rows on screen');
    const whole = PNG.sync.read(await page.screenshot({ fullPage: true }));
    assert.ok(pixelsOf(whole, ACTIVE_COLOUR) > 5000, 'occupied states are highlighted');

    // Live: a third session arrives, alice starts a command, bob leaves.
    const carol = await login(demo.port, 'carol');
    alice.send('passwd\r\n');
    await page.waitForFunction(() => document.querySelectorAll('tr.session-row').length === 3);
    await page.waitForFunction(() => document.querySelector('tr.session-row')?.textContent?.includes('awaitingLine'));
    bob.close();
    await page.waitForFunction(() => document.querySelectorAll('tr.session-row').length === 2);
    assert.equal((await rowTexts(page)).map((row) => row.split(' ')[0]), ['alice', 'carol']);
    const after = PNG.sync.read(await page.locator('#sessions').screenshot());
    assert.is(bands(after, 3, ROW_COLOUR), 2, 'the screenshot follows: two rows again');

    // Selecting a session outlines its states.
    await page.click('tr.session-row >> nth=1');
    assert.ok(await page.$('[data-path="shell.prompting"].selected'), 'carol is at the prompt');
    assert.not.ok(await page.$('[data-path="shell.executing"].selected'));
    carol.close();
  } finally {
    await page.close();
    alice.close();
    bob.close();
    await demo.stop();
  }
});

test('shows each MESSAGE event: the session(s) it reached, the state each met, the text neutralised and cut', async () => {
  const demo = await startDemo();
  const view = await demo.server.listenLiveView({ host: '127.0.0.1', port: 0, intervalMs: 50 });
  const alice = await login(demo.port, 'alice');
  const bob = await login(demo.port, 'bob');
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const messageTexts = () => page.$$eval('#messages li', (items) => items.map((item) => item.textContent ?? ''));
  try {
    // A message sent before anyone watched is not recorded (nothing is, while no one watches).
    demo.server.broadcast('before the page');
    await page.goto(`http://127.0.0.1:${view.port}/`);
    await page.waitForSelector('tr.session-row >> nth=1');
    assert.ok(await page.isVisible('#no-messages'));
    const ids = new Map(demo.server.sessions.map((s) => [s.username, s.id]));
    const bobId = ids.get('bob')!;
    const aliceId = ids.get('alice')!;

    // To bob, at a password prompt of a command, his secret half typed.
    bob.send('passwd\r\n');
    await bob.waitFor('New password: ');
    bob.send('hunter2');
    await page.waitForFunction(() => document.querySelector('tr.session-row:nth-child(2)')?.textContent?.includes('awaitingLine'));
    assert.ok(demo.server.sendTo(bobId, 'to bob \x1b[31mred'));
    await page.waitForSelector('#messages li');
    let items = await messageTexts();
    assert.is(items.length, 1);
    assert.match(items[0]!, `MESSAGE → ${bobId} · reached 1 session (${bobId}) at shell.awaitingLine`);
    assert.match(items[0]!, 'to bob ^[[31mred', 'the escape shown, not acted on');
    assert.not.ok(await page.isVisible('#no-messages'));
    await bob.waitFor('to bob');

    // A broadcast: one entry, both sessions, the states they met; its text cut at 200 characters.
    assert.is(demo.server.broadcast(`${'x'.repeat(199)}yz${'w'.repeat(49)}`), 2);
    await page.waitForFunction(() => document.querySelectorAll('#messages li').length === 2);
    items = await messageTexts();
    const newest = items[0]!;
    assert.match(newest, /MESSAGE → every session · reached 2 sessions \((s\d+), (s\d+)\) at /);
    assert.match(newest, 'shell.prompting');
    assert.match(newest, 'shell.awaitingLine');
    assert.ok(newest.includes(`${'x'.repeat(199)}y [… 50 more characters]`), newest);
    assert.not.match(newest, 'yz');
    assert.match(items[1]!, `MESSAGE → ${bobId}`, 'older below');

    // A session's own message (the demo's timer) is an event too.
    alice.send('timer 0 ding\r\n');
    await alice.waitFor('ding');
    await page.waitForFunction(() => document.querySelectorAll('#messages li').length === 3);
    assert.match((await messageTexts())[0]!, `MESSAGE → ${aliceId} · reached 1 session (${aliceId}) at shell.`);

    // Selecting bob marks the messages that reached him.
    await page.click('tr.session-row >> nth=1');
    assert.is(await page.$$eval('#messages li.mentions-selected', (items) => items.length), 2);

    // What bob typed at the password prompt appears nowhere, and never did.
    assert.not.match((await page.textContent('body')) ?? '', 'hunter2');
    assert.not.match((await page.textContent('body')) ?? '', 'before the page');
  } finally {
    await page.close();
    alice.close();
    bob.close();
    await demo.stop();
  }
});

test('a server with an edited login chart shows its own states', async () => {
  const srv = await startServer(CodeHandler, { sessionMachine: sessionWithCode, liveView: { host: '127.0.0.1', port: 0 } });
  const view = await srv.server.liveViewAddress!;
  const page = await browser.newPage();
  const client = await TelnetTestClient.connect(srv.port);
  try {
    await client.waitFor('Username: ');
    client.send('alice\r\n');
    await client.waitFor('Password: ');
    client.send('secret\r\n');
    await client.waitFor('One-time code: ');
    await page.goto(`http://127.0.0.1:${view.port}/`);
    await page.waitForSelector('[data-path="login.askingCode"].active');
    assert.ok(await page.$('[data-path="login.checkingCode"]'));
    assert.match((await rowTexts(page))[0]!, /^— 127\.0\.0\.1:\d+ telnet login\.askingCode$/);
  } finally {
    await page.close();
    client.close();
    await srv.stop();
  }
});

test('only GET, only its own routes, a viewer limit; the page loads nothing from elsewhere', async () => {
  const demo = await startDemo();
  const view = await demo.server.listenLiveView({ host: '127.0.0.1', port: 0, maxViewers: 1 });
  const base = `http://127.0.0.1:${view.port}`;
  const controller = new AbortController();
  try {
    assert.is((await fetch(`${base}/nope`)).status, 404);
    assert.is((await fetch(base, { method: 'POST' })).status, 405);
    const page = await fetch(base);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.not.match(await page.text(), /https?:\/\//);
    const first = await fetch(`${base}/events`, { signal: controller.signal });
    assert.is(first.status, 200);
    assert.is((await fetch(`${base}/events`)).status, 503);
  } finally {
    controller.abort();
    await demo.stop();
  }
});

test.run();
