/** `--help` as text: a page of the manual (manual.ts), wrapped for a terminal. */
import { pageOf, type Page } from "./manual.js";

const WIDTH = 88;
const FLAG_COLUMN = 22;

/** `text` wrapped at `width`, each line after the first indented by `indent`. */
function wrap(text: string, width: number, indent = ""): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else line = line === "" ? line + word : `${line} ${word}`;
  }
  return [...lines, line];
}

/** A paragraph as text: a command example (it holds a newline or starts with `p=$(`) is shown as it is, indented. */
function paragraph(text: string): string[] {
  if (text.includes("\n") || text.startsWith("p=$(")) return text.split("\n").map((l) => `  ${l}`);
  return wrap(text, WIDTH);
}

/**
 * A page of the manual as `--help` prints it.
 *
 * @example
 * process.stdout.write(helpText(pageOf("emit")));
 */
export function helpText(page: Page): string {
  const out: string[] = [];
  if (page.name === "trace") out.push(`trace — ${page.summary}`, "", "Usage:", ...page.usage.map((u) => `  ${u}`));
  else out.push(`Usage: ${page.usage[0]}`, ...page.usage.slice(1).map((u) => `       ${u}`), "", `${page.name}: ${page.summary}.`);
  for (const p of page.about) out.push("", ...paragraph(p));
  for (const group of page.groups) {
    out.push("", `${group.title}:`);
    for (const [flag, text] of group.flags) {
      const head = `  ${flag}`.padEnd(FLAG_COLUMN);
      const [first, ...rest] = wrap(text, WIDTH - FLAG_COLUMN);
      out.push(head.length > FLAG_COLUMN ? `  ${flag}` : head + first, ...(head.length > FLAG_COLUMN ? [first!] : []).map((l) => " ".repeat(FLAG_COLUMN) + l), ...rest.map((l) => " ".repeat(FLAG_COLUMN) + l));
    }
  }
  for (const p of page.notes) out.push("", ...paragraph(p));
  return out.join("\n") + "\n";
}

/** The `--help` text of a command (`trace` for the main page). */
export function helpFor(name: string): string {
  return helpText(pageOf(name));
}
