/** Marks a UsageError across copies of this module (bin/load.cjs loads one per part of the CLI). */
const USAGE = Symbol.for("trace.usage-error");

/**
 * Bad usage or bad input: the CLI prints the message as one line and exits 2.
 *
 * @example
 * throw new UsageError("--since: cannot read 'soon'");
 */
export class UsageError extends Error {
  override name = "UsageError";
  /** The CLI's parts are bundles of their own, each with its copy of this class: the mark is shared. */
  readonly [USAGE] = true;
}

/**
 * True for errors that mean "the caller gave us something wrong" (exit 2).
 *
 * @example
 * try { await causality({ causality: "nope" }); } catch (err) { if (isUsageError(err)) console.error(err.message); }
 */
export function isUsageError(err: unknown): err is UsageError {
  return err instanceof Error && (err as { [USAGE]?: boolean })[USAGE] === true;
}
