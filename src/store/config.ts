import { readFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../errors.js";
import { isPlainObject } from "../event/envelope.js";
import { DEFAULT_POLICY, type RedactPolicy } from "../event/redact.js";
import { writeWhole } from "./whole-file.js";

/** Default retention when the store sets none. */
export const DEFAULT_RETENTION = "30d";

/** The store's own settings, kept beside the day files (not a day file, so never read as one). */
export interface StoreConfig {
  /** Retention age such as `30d`; day files older than this are pruned. */
  retention?: string;
  /** Writers prune (and compress) in the background, at most once a day per store. */
  auto?: boolean;
  /** Compress whole days older than this age. */
  compress_after?: string;
  /** What is masked on the way out, besides the defaults (unless `defaults` is false); `off` masks nothing but tombstones. */
  redact?: { keys?: string[]; patterns?: string[]; defaults?: boolean; off?: boolean };
}

/** The config file's name inside the store folder. */
export const CONFIG_FILE = "trace.config.json";

/**
 * Reads the store's config; `{}` when there is none. Throws a UsageError naming a broken file.
 *
 * @example
 * readStoreConfig(".space/trace").retention; // "30d", or undefined for the default
 */
export function readStoreConfig(dir: string): StoreConfig {
  const path = join(dir, CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`${path}: not valid JSON`);
  }
  if (!isPlainObject(value)) throw new UsageError(`${path}: expected a JSON object`);
  const config: StoreConfig = {};
  if (typeof value.retention === "string") config.retention = value.retention;
  if (typeof value.compress_after === "string") config.compress_after = value.compress_after;
  if (value.auto === true) config.auto = true;
  if (value.redact !== undefined) config.redact = redactOf(value.redact, path);
  return config;
}

/**
 * Writes the store's config atomically (temp file, then rename).
 *
 * @example
 * writeStoreConfig(".space/trace", { retention: "30d", auto: true });
 */
export function writeStoreConfig(dir: string, config: StoreConfig): void {
  mkdirSync(dir, { recursive: true });
  writeWhole(join(dir, CONFIG_FILE), JSON.stringify(config, null, 2) + "\n");
}

/** The config's `redact`, checked: lists of strings, patterns that compile. */
function redactOf(value: unknown, path: string): NonNullable<StoreConfig["redact"]> {
  if (!isPlainObject(value)) throw new UsageError(`${path}: redact: expected an object`);
  const out: NonNullable<StoreConfig["redact"]> = {};
  for (const key of ["keys", "patterns"] as const) {
    const list = value[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || !list.every((x) => typeof x === "string" && x !== "")) throw new UsageError(`${path}: redact.${key}: expected a list of strings`);
    out[key] = list as string[];
  }
  for (const p of out.patterns ?? []) {
    try {
      new RegExp(p);
    } catch (err) {
      throw new UsageError(`${path}: redact.patterns: ${JSON.stringify(p)} is not a regular expression (${(err as Error).message})`);
    }
  }
  if (value.defaults === false) out.defaults = false;
  if (value.off === true) out.off = true;
  return out;
}

/**
 * The store's policy: the defaults (unless its config says `defaults: false`) with the
 * config's keys and patterns; none when the config says `off`. What leaves the machine
 * (`leaving`: exports) is masked by the defaults and the config's keys and patterns
 * whatever `off` and `defaults` say.
 *
 * @example
 * policyOf(".space/trace").keys.includes("api_key"); // true
 */
export function policyOf(dir: string | undefined, options: { leaving?: boolean } = {}): RedactPolicy {
  const r = (dir === undefined ? {} : readStoreConfig(dir)).redact ?? {};
  if (options.leaving) return { keys: [...DEFAULT_POLICY.keys, ...(r.keys ?? [])], patterns: [...DEFAULT_POLICY.patterns, ...(r.patterns ?? [])] };
  if (r.off) return { keys: [], patterns: [] };
  const base = r.defaults === false ? { keys: [], patterns: [] } : DEFAULT_POLICY;
  return { keys: [...base.keys, ...(r.keys ?? [])], patterns: [...base.patterns, ...(r.patterns ?? [])] };
}
