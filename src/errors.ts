/**
 * Bad usage or bad input: the CLI prints the message as one line and exits 2.
 *
 * @example
 * throw new UsageError("--since: cannot read 'soon'");
 */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * True for errors that mean "the caller gave us something wrong" (exit 2).
 *
 * @example
 * try { await causality({ causality: "nope" }); } catch (err) { if (isUsageError(err)) console.error(err.message); }
 */
export function isUsageError(err: unknown): err is UsageError {
  return err instanceof UsageError;
}
