/** A question and a reading resolved together, once, at the door. */
import { resolveQuestion, type Question } from "./question.js";
import { resolveReading, type Reading, type Resolved } from "./reading.js";
import type { Asked } from "../query/asked.js";

/**
 * The reading resolved (stores, sources, masks), then the question against it (WHEN
 * words that look in the stores).
 *
 * @example
 * const { read, asked } = await resolveBoth({ agent: "haiku-1", since: "2h ago" }, { dir: "logs/payments" });
 */
export async function resolveBoth(question: Question, reading: Reading, options: { forceMask?: boolean } = {}): Promise<{ read: Resolved; asked: Asked }> {
  const read = resolveReading(reading, options);
  try {
    return { read, asked: await resolveQuestion(question, read, read.now) };
  } catch (err) {
    // A WHEN word may have looked in the database: its connection must not hold the process open.
    await read.database?.close();
    throw err;
  }
}
