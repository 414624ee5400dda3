// The live view's page: plain HTML, CSS and JavaScript served by the library itself, no external
// assets (the machine it runs on may have no internet). Data is only ever set with textContent.

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>telnetsrv live view</title>
<link rel="stylesheet" href="app.css">
</head>
<body>
<header><h1>telnetsrv live view</h1><span id="status">connecting…</span></header>
<main>
<section id="sessions-pane">
<h2>Sessions</h2>
<table id="sessions">
<thead><tr><th>id</th><th>user</th><th>address</th><th>transport</th><th>state</th><th>connected</th></tr></thead>
<tbody></tbody>
</table>
<p class="hint">Click a session to see where it is in the chart; click again for all sessions.</p>
<h2>Messages</h2>
<ol id="messages"></ol>
<p class="hint" id="no-messages">No MESSAGE event since you opened this page.</p>
</section>
<section id="chart-pane">
<h2>Session statechart</h2>
<div id="chart"></div>
</section>
</main>
<script src="app.js"></script>
</body>
</html>
`;

export const PAGE_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1f2328; background: #fff; }
header { display: flex; gap: 1em; align-items: baseline; padding: 0.5em 1em; background: #24292f; color: #fff; }
header h1 { font-size: 1.1em; margin: 0; }
main { display: flex; gap: 1em; padding: 1em; align-items: flex-start; }
#sessions-pane { flex: 0 0 42%; }
#chart-pane { flex: 1; }
h2 { font-size: 1em; margin: 0 0 0.5em; }
table { border-collapse: separate; border-spacing: 0 3px; width: 100%; }
th { text-align: left; font-weight: 600; padding: 2px 6px; }
td { padding: 4px 6px; }
tr.session-row { background: #dbeafe; cursor: pointer; }
tr.session-row.selected { background: #fdba74; }
.hint { color: #57606a; font-size: 0.9em; }
.state { border: 1px solid #8c959f; border-radius: 8px; padding: 4px 6px; margin: 4px; background: #fff; display: inline-block; vertical-align: top; min-width: 7em; }
.state.root { display: block; border: none; padding: 0; margin: 0; }
.state.active { background: #fff3b0; border-color: #bf8700; }
.state.selected { outline: 3px solid #e8590c; }
.state.final { border-width: 3px; border-style: double; }
.state > .name { font-weight: 600; }
.state > .name .initial { color: #57606a; font-weight: 400; }
.state > .count { float: right; background: #bf8700; color: #fff; border-radius: 8px; padding: 0 6px; font-size: 0.85em; }
.state > .count:empty { display: none; }
.state > ul { margin: 2px 0 2px 0; padding-left: 1em; font-size: 0.8em; color: #57606a; }
.state > .children { margin-top: 2px; }
.anywhere { font-size: 0.85em; color: #57606a; margin: 0 4px 4px; }
#messages { list-style: none; padding: 0; margin: 0; }
#messages li { background: #ecfdf5; border-left: 4px solid #059669; padding: 4px 6px; margin: 3px 0; }
#messages li.mentions-selected { border-left-color: #e8590c; }
#messages .event { font-weight: 600; }
#messages .reached, #messages .time { color: #57606a; font-size: 0.9em; }
#messages .text { display: block; white-space: pre-wrap; word-break: break-word; font-family: ui-monospace, monospace; }
`;

export const PAGE_JS = `
'use strict';
const sessions = new Map();
let selected = null;
const boxes = new Map();

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function drawState(node, parent, isRoot) {
  const box = el('div', 'state' + (isRoot ? ' root' : '') + (node.final ? ' final' : ''));
  box.dataset.path = node.path;
  if (isRoot && node.transitions.length) {
    box.append(el('div', 'anywhere', 'From any state: ' + node.transitions.map((t) => t.event + ' → ' + (t.target || '(stay)')).join(', ')));
  }
  if (!isRoot) {
    box.append(el('span', 'count'));
    const name = el('div', 'name', node.key);
    box.append(name);
    if (node.transitions.length) {
      const list = el('ul');
      for (const t of node.transitions) list.append(el('li', '', t.event + ' → ' + t.target));
      box.append(list);
    }
    boxes.set(node.path, box);
  }
  if (node.children.length) {
    const children = el('div', 'children');
    for (const child of node.children) {
      const drawn = drawState(child, children, false);
      if (child.key === node.initial) drawn.querySelector('.name').append(el('span', 'initial', ' (initial)'));
    }
    box.append(children);
  }
  parent.append(box);
  return box;
}

function prefixes(state) {
  const parts = state.split('.');
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}

function render() {
  const counts = new Map();
  for (const s of sessions.values()) for (const p of prefixes(s.state)) counts.set(p, (counts.get(p) || 0) + 1);
  const chosen = selected && sessions.get(selected);
  const selectedPaths = new Set(chosen ? prefixes(chosen.state) : []);
  for (const [path, box] of boxes) {
    const n = counts.get(path) || 0;
    box.classList.toggle('active', n > 0);
    box.classList.toggle('selected', selectedPaths.has(path));
    box.querySelector(':scope > .count').textContent = n ? String(n) : '';
  }
  const body = document.querySelector('#sessions tbody');
  const rows = [...sessions.values()].sort((a, b) => a.connectedAt - b.connectedAt);
  body.replaceChildren(...rows.map((s) => {
    const row = el('tr', 'session-row' + (s.id === selected ? ' selected' : ''));
    row.dataset.id = s.id;
    for (const text of [s.id, s.username ?? '—', s.remoteAddress, s.transport, s.state, new Date(s.connectedAt).toLocaleTimeString()]) row.append(el('td', '', text));
    row.addEventListener('click', () => { selected = selected === s.id ? null : s.id; render(); renderMessages(); });
    return row;
  }));
  document.getElementById('status').textContent = sessions.size + (sessions.size === 1 ? ' session' : ' sessions');
}

// MESSAGE events, newest first: where each went, the states it met, its text (neutralised and cut by the server).
const messages = new Map();
const MAX_MESSAGES = 50;

function renderMessages() {
  const list = document.getElementById('messages');
  const entries = [...messages.values()].sort((a, b) => b.id - a.id).slice(0, MAX_MESSAGES);
  list.replaceChildren(...entries.map((m) => {
    const item = el('li', 'message' + (selected && m.sessions.includes(selected) ? ' mentions-selected' : ''));
    item.dataset.id = String(m.id);
    item.append(el('span', 'time', new Date(m.at).toLocaleTimeString() + ' '));
    item.append(el('span', 'event', 'MESSAGE → ' + (m.to !== null ? m.to : m.filtered ? 'some sessions (filtered broadcast)' : 'every session')));
    const states = Object.entries(m.states).map(([state, n]) => state + (n > 1 ? ' ×' + n : '')).join(', ');
    const named = m.sessions.join(', ') + (m.reached > m.sessions.length ? ', …' : '');
    item.append(el('span', 'reached', ' · reached ' + m.reached + (m.reached === 1 ? ' session' : ' sessions') + (m.reached ? ' (' + named + ') at ' + states : '')));
    item.append(el('q', 'text', m.text + (m.cut ? ' [… ' + m.cut + ' more characters]' : '')));
    return item;
  }));
  document.getElementById('no-messages').hidden = entries.length > 0;
  for (const id of [...messages.keys()].sort((a, b) => a - b).slice(0, Math.max(0, messages.size - MAX_MESSAGES))) messages.delete(id);
}

fetch('chart.json').then((r) => r.json()).then((tree) => {
  drawState(tree, document.getElementById('chart'), true);
  const events = new EventSource('events');
  events.addEventListener('reset', (e) => {
    sessions.clear();
    for (const s of JSON.parse(e.data)) sessions.set(s.id, s);
    render();
  });
  events.addEventListener('update', (e) => {
    const change = JSON.parse(e.data);
    for (const s of change.upsert) sessions.set(s.id, s);
    for (const id of change.remove) sessions.delete(id);
    if (selected && !sessions.has(selected)) selected = null;
    render();
  });
  events.addEventListener('messages', (e) => {
    for (const m of JSON.parse(e.data)) messages.set(m.id, m);
    renderMessages();
  });
  events.onerror = () => { document.getElementById('status').textContent = 'disconnected: retrying…'; };
});
`;
