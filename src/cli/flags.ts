/**
 * Each command's flags, read from its page of the manual: the page that `--help` prints
 * and the man page shows is the table that parsing and completion use, so none of them
 * can name a flag the others do not know.
 */
import type { FlagSpec } from "./args.js";
import { PAGES } from "./manual.js";
import type { Page } from "./page.js";

/**
 * The flags a page documents. An entry is a comma list of spellings: `--name` a switch,
 * `--name METAVAR` a flag with a value, `… …` after it a flag given more than once,
 * `-x` just before or after a long spelling its short alias, `-n N` a short flag with a
 * value. Words that are not flags (TARGET) are not parsed. Every command takes `--help`.
 *
 * @example
 * specOf({ …, groups: [{ title: "Flags", flags: [["-g, --grep RE", "…"]] }] }).alias; // { g: "grep", h: "help" }
 */
export function specOf(page: Page): FlagSpec {
  const strings: string[] = [];
  const booleans: string[] = ["help"];
  const alias: Record<string, string> = { h: "help" };
  const repeatable: string[] = [];
  const add = (name: string, valued: boolean): void => {
    if (strings.includes(name) || booleans.includes(name)) return;
    (valued ? strings : booleans).push(name);
  };
  for (const group of page.groups) {
    for (const [spelling] of group.flags) {
      const parts = spelling.split(", ");
      parts.forEach((part, i) => {
        // "…" spelled as an escape: one non-ASCII character in a bundle makes V8 hold all of it as two-byte text.
        const long = /^--([a-z][a-z-]*)(?: (\S+))?( \u2026)?$/.exec(part);
        const short = /^-([a-zA-Z])(?: (\S+))?$/.exec(part);
        if (long) {
          add(long[1]!, long[2] !== undefined);
          if (long[3]) repeatable.push(long[1]!);
          return;
        }
        if (!short) return;
        if (short[2] !== undefined) return add(short[1]!, true);
        // A bare short spelling is the alias of the long one beside it.
        const partner = /^--([a-z][a-z-]*)/.exec(parts[i + 1] ?? "") ?? /^--([a-z][a-z-]*)/.exec(parts[i - 1] ?? "");
        if (partner) alias[short[1]!] = partner[1]!;
      });
    }
  }
  return { strings, booleans, alias, repeatable };
}

/** The query command's flags (`trace [TARGET] …`, `--causality`, `-f`). */
export const QUERY_FLAGS: FlagSpec = specOf(PAGES[0]!);

/** The subcommands' flags, by name. */
export const COMMAND_FLAGS: Readonly<Record<string, FlagSpec>> = Object.fromEntries(PAGES.slice(1).map((page) => [page.name, specOf(page)]));

/** The shells `trace completion` writes a script for. */
export const SHELLS = ["bash", "zsh", "fish"] as const;
