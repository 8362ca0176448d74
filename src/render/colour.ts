/**
 * An agent's colour, from its name alone: the same in every page, picture and view
 * (`trace view`, the DOT export), and never near the red that marks failures. Plain
 * code with no Node or DOM: the page's script imports it too.
 */

/** The red of a failure. */
export const FAILURE_RED = "#e5484d";

/**
 * The colour of agent (or lane) `name`, as `#rrggbb`.
 *
 * @example
 * agentColour("haiku-1"); // "#2f6fb8" (whatever it is, it is always that)
 */
export function agentColour(name: string): string {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  const hue = 28 + ((h >>> 0) % 300);
  const light = 0.38 + ((h >>> 9) % 3) * 0.08;
  return hslHex(hue, 0.62, light);
}

function hslHex(hue: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number): string => {
    const k = (n + hue / 30) % 12;
    const v = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(v * 255).toString(16).padStart(2, "0");
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}
