const COLOUR_TERMINAL = /^(xterm|ansi|linux|screen|tmux|rxvt|putty|konsole|gnome|alacritty|kitty|cygwin|vtnt|vt525|eterm|st-|st$|foot|wezterm|iterm|mudlet|tintin|mushclient|zmud|cmud|.*color)/i;
const MONOCHROME_TERMINAL = /(^dumb$|^vt52$|-m$|-mono$)/i;

/** Whether a terminal type shows ANSI colour: `xterm*`, `ansi`, `linux`, `screen`, ...; not `dumb`, `vt100`, `*-mono`. */
export function showsColour(term: string): boolean {
  return COLOUR_TERMINAL.test(term) && !MONOCHROME_TERMINAL.test(term);
}
