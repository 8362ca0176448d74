import minimist from "minimist";
import { UsageError } from "../index.js";
import { didYouMean } from "../api/render.js";

/** A command's flags: which take a value, which are switches, and short aliases. */
export interface FlagSpec {
  strings: readonly string[];
  booleans: readonly string[];
  alias?: Record<string, string>;
  /** Value flags that may be given more than once (`--dir A --dir B`): all are in `lists`, the first in `values`. */
  repeatable?: readonly string[];
}

/** Parsed flags: values by long name, plus positional words. */
export interface Parsed {
  words: string[];
  values: Record<string, string | undefined>;
  switches: Record<string, boolean>;
  /** Every value of a repeatable flag, in order. */
  lists: Record<string, string[]>;
  /** The words given after `--`: never a command's name, whatever their spelling. */
  literal: string[];
}

/**
 * Parses argv against a spec with minimist; an unknown flag, a missing value or a
 * flag given twice is a UsageError naming the flag.
 *
 * @example
 * parseFlags(["task-1", "--agent", "haiku-1"], { strings: ["agent"], booleans: ["json"] });
 */
export function parseFlags(argv: string[], spec: FlagSpec): Parsed {
  const alias = spec.alias ?? {};
  const known = new Set([...spec.strings, ...spec.booleans, ...Object.keys(alias)]);
  const argvFlags = minimist(negativeValues(argv, spec), {
    // Words stay as typed: an id such as `5e9234567890` or `000123` is not a number.
    string: [...spec.strings, "_"],
    boolean: [...spec.booleans],
    alias,
    "--": true,
    unknown: (arg) => {
      if (arg.startsWith("-") && arg !== "-") {
        const name = arg.replace(/^-+/, "").split("=")[0]!;
        if (!known.has(name)) throw new UsageError(`unknown flag ${arg.split("=")[0]}; ${didYouMean(name, [...spec.strings, ...spec.booleans], (n) => `--${n}`) ?? "see trace --help"}`);
      }
      return true;
    },
  });
  const values: Record<string, string | undefined> = {};
  const lists: Record<string, string[]> = {};
  for (const name of spec.strings) {
    const v: unknown = argvFlags[name];
    if (v === undefined) continue;
    const all = Array.isArray(v) ? (v as unknown[]) : [v];
    if (all.length > 1 && !spec.repeatable?.includes(name)) throw new UsageError(`--${name} given more than once`);
    if (all.some((x) => typeof x !== "string" || x === "")) throw new UsageError(`--${name} needs a value`);
    lists[name] = all as string[];
    values[name] = all[0] as string;
  }
  const switches: Record<string, boolean> = {};
  // minimist reads --no-x as x = false.
  for (const name of spec.booleans) switches[name] = argvFlags[name] === true || (name.startsWith("no-") && argvFlags[name.slice(3)] === false);
  const literal = ((argvFlags["--"] ?? []) as unknown[]).map(String);
  const words = [...(argvFlags._ as unknown[]).map(String), ...literal];
  return { words, values, switches, lists, literal };
}

/**
 * The words with a value flag's negative number joined to it (`--depth=-1`), so that it
 * is that flag's value (and refused by name) rather than a flag of its own.
 */
function negativeValues(argv: readonly string[], spec: FlagSpec): string[] {
  const takes = (word: string): boolean => {
    const name = word.startsWith("--") ? word.slice(2) : word.startsWith("-") ? (spec.alias?.[word.slice(1)] ?? word.slice(1)) : "";
    return !word.includes("=") && spec.strings.includes(name);
  };
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [word, next] = [argv[i]!, argv[i + 1]];
    if (word === "--") return [...out, ...argv.slice(i)];
    if (takes(word) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${word}=${next}`);
      i++;
    } else out.push(word);
  }
  return out;
}

/**
 * Reads a whole number flag such as `-n 20`.
 *
 * @example
 * parseCount("20", "-n"); // 20
 */
export function parseCount(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag}: expected a whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}
