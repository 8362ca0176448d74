/** ANSI styling that is a no-op when colour is off. */
export interface Style {
  dim(s: string): string;
  bold(s: string): string;
  primitive(name: string, s: string): string;
  /** A failure: red. */
  failed(s: string): string;
}

const PRIMITIVE_COLOURS: Record<string, number> = { spawn: 35, bridge: 36, ops: 33, memory: 32, knowledge: 34, tool: 31, ai: 95 };

/**
 * Colour only for a terminal, never when `NO_COLOR` is set (https://no-color.org).
 *
 * @example
 * const style = createStyle(wantsColour(process.stdout, process.env));
 */
export function createStyle(enabled: boolean): Style {
  if (!enabled) return { dim: (s) => s, bold: (s) => s, primitive: (_n, s) => s, failed: (s) => s };
  return {
    dim: (s) => `\x1b[2m${s}\x1b[22m`,
    bold: (s) => `\x1b[1m${s}\x1b[22m`,
    primitive: (n, s) => `\x1b[${PRIMITIVE_COLOURS[n] ?? 37}m${s}\x1b[39m`,
    failed: (s) => `\x1b[31m${s}\x1b[39m`,
  };
}

/**
 * True when output should be coloured: a TTY and no `NO_COLOR`.
 *
 * @example
 * wantsColour(process.stdout, process.env);
 */
export function wantsColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === "");
}

// C0, DEL, C1, and the bidi controls that can reorder what a terminal shows.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * Escapes control characters so event text cannot move the cursor or recolour
 * the terminal.
 *
 * @example
 * escapeControl("a\x1b[2Jb"); // "a\\x1b[2Jb"
 */
export function escapeControl(s: string): string {
  return s.replace(CONTROL, (c) => NAMED[c] ?? (c.charCodeAt(0) < 0x100 ? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}` : `\\u${c.charCodeAt(0).toString(16)}`));
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

/**
 * `YYYY-MM-DD HH:MM:SS` in local time, or UTC.
 *
 * @example
 * formatTime(Date.parse("2025-10-22T14:05:00Z"), true); // "2025-10-22 14:05:00"
 */
export function formatTime(ms: number, utc: boolean): string {
  const d = new Date(ms);
  return utc
    ? `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
    : `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** Shortens text to `max` characters with an ellipsis. */
export function clip(s: string, max = 80): string {
  return s.length <= max ? s : s.slice(0, max - 1) + "…";
}
