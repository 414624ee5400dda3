import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { showsColour } from '../../src/terminal/colour.js';

test('colour for ANSI terminals and colour MUD clients; none for dumb, vt100, vt52, monochrome variants', () => {
  for (const term of ['xterm', 'XTERM-256COLOR', 'ansi', 'linux', 'screen-256color', 'tmux', 'rxvt-unicode', 'putty', 'VTNT', 'Mudlet', 'st-256color']) {
    assert.ok(showsColour(term), term);
  }
  for (const term of ['dumb', 'vt100', 'VT52', 'xterm-mono', 'vt220', 'unknown', '']) assert.not.ok(showsColour(term), term);
});

test.run();
