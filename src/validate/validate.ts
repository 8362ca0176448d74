/** `validate` as the library offers it: paths (files, store folders, `-`) or a store, checked against schema v1. */
import { accessSync, constants, statSync } from "node:fs";
import { UsageError } from "../errors.js";
import { createMasker, DEFAULT_POLICY } from "../event/redact.js";
import { policyOf } from "../store/config.js";
import { listDayFiles } from "../store/layout.js";
import { checkInputs, type CheckOptions, type ValidationSummary } from "./check.js";
import { openInput } from "./input.js";

/** What to validate and how. */
export interface ValidateOptions extends CheckOptions {
  /** Files, store folders (their day files) or `-` (standard input); none: the store `dir`. */
  paths?: readonly string[];
  /** The store to check when no path is given. */
  dir?: string;
  /** A store without day files checks nothing rather than being an error (a workspace that keeps only its sources). */
  allowEmpty?: boolean | undefined;
}

/**
 * Validates traces against trace schema v1: every finding told as found, the counts
 * returned. A path that cannot be read, or a folder without day files, is a UsageError.
 *
 * @example
 * const summary = await validate({ paths: ["traces.json"], onFinding: (f) => console.log(f.where, f.key, f.message) });
 */
export async function validate(options: ValidateOptions): Promise<ValidationSummary> {
  const given = options.paths ?? [];
  const paths = given.length > 0 ? given.flatMap(filesOf) : options.dir !== undefined ? listDayFiles(options.dir).map((f) => f.path) : [];
  // Findings quote stored values: they go out through the store's policy (the defaults without a store).
  const masker = createMasker(options.dir !== undefined ? policyOf(options.dir) : DEFAULT_POLICY);
  const checks = { ...options, maskMessage: options.maskMessage ?? masker.message };
  if (paths.length === 0 && options.allowEmpty && given.length === 0) return { counts: {}, errors: 0, unreadable: 0, skipped: 0 };
  if (paths.length === 0) throw new UsageError(`nothing to validate: no FILE given and no day files in ${options.dir ?? "the store"}`);
  return checkInputs(opened(paths), checks);
}

/** The inputs, each opened only when its turn comes: an open stream nobody reads yet could fail unheard. */
function* opened(paths: readonly string[]): Generator<{ name: string; text: NodeJS.ReadableStream }> {
  for (const path of paths) yield { name: path === "-" ? "<stdin>" : path, text: openInput(path) };
}

/** The files a path names: itself, or a store folder's day files. */
function filesOf(path: string): string[] {
  if (path === "-") return [path];
  try {
    accessSync(path, constants.R_OK);
    if (!statSync(path).isDirectory()) return [path];
  } catch (err) {
    throw new UsageError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const days = listDayFiles(path).map((f) => f.path);
  if (days.length === 0) throw new UsageError(`${path}: a folder without day files; name the files in it`);
  return days;
}
