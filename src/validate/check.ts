import { readTraces, type Unreadable } from "./input.js";
import { validateTrace, type TraceKind } from "../schema/rules.js";

/** One problem found: where, the trace type, the key, and what is wrong. */
export interface Finding {
  where: string;
  type: string;
  key: string;
  message: string;
  /** An error (fails validation) or a note (unknown type without --strict). */
  severity: "error" | "note";
}

/** Counts per trace type. */
export interface TypeCount {
  kind: TraceKind;
  valid: number;
  invalid: number;
}

/** What `validate` found over all inputs. */
export interface ValidationSummary {
  counts: Record<string, TypeCount>;
  errors: number;
  unreadable: number;
  /** Day-file events that carry no trace (ops, bridge, …): read and left alone. */
  skipped: number;
}

/** How to judge. */
export interface CheckOptions {
  /** Unknown trace types are errors. */
  strict?: boolean;
  onFinding?: (f: Finding) => void;
  /** A finding's message as it may be shown (the store's masking policy); default: as made. */
  maskMessage?: ((key: string, message: string) => string) | undefined;
  onUnreadable?: (u: Unreadable) => void;
}

/**
 * Validates every trace of the inputs against schema v1, telling each finding as it
 * is found and returning the counts per type.
 *
 * @example
 * const summary = await checkInputs([{ name: "a.json", text: openInput("a.json") }], { onFinding: console.log });
 */
export async function checkInputs(inputs: Iterable<{ name: string; text: NodeJS.ReadableStream }>, options: CheckOptions = {}): Promise<ValidationSummary> {
  const summary: ValidationSummary = { counts: {}, errors: 0, unreadable: 0, skipped: 0 };
  for (const { name, text } of inputs) {
    try {
      await checkOne(name, text, summary, options);
    } catch (err) {
      // A file that cannot be read on (a damaged gzip, an I/O error): named, and the rest still checked.
      summary.unreadable++;
      options.onUnreadable?.({ where: name, message: `cannot be read on (${(err as Error).message})` });
    }
  }
  return summary;
}

/** Checks the traces of one input into `summary`. */
async function checkOne(name: string, text: NodeJS.ReadableStream, summary: ValidationSummary, options: CheckOptions): Promise<void> {
  for await (const item of readTraces(name, text, () => void summary.skipped++)) {
    if ("message" in item) {
      summary.unreadable++;
      options.onUnreadable?.(item);
      continue;
    }
    const verdict = validateTrace(item.trace, item.typeHint);
    const shown = options.maskMessage ?? ((_key: string, message: string) => message);
    const findings: Finding[] = verdict.problems.map((p) => ({ where: item.where, type: verdict.type, key: p.key, message: shown(p.key, p.message), severity: "error" }));
    if (verdict.kind === "unknown") {
      findings.push({ where: item.where, type: verdict.type, key: "type", message: "unknown trace type", severity: options.strict ? "error" : "note" });
    }
    const failed = findings.some((f) => f.severity === "error");
    const count = (summary.counts[verdict.type] ??= { kind: verdict.kind, valid: 0, invalid: 0 });
    if (failed) count.invalid++;
    else count.valid++;
    summary.errors += findings.filter((f) => f.severity === "error").length;
    for (const f of findings) options.onFinding?.(f);
  }
}
