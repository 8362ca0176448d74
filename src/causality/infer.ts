/** Inferred causes (`--infer`): the same agent's previous event of the same session. */
import { compareEvents, type TraceEvent } from "../event/envelope.js";
import { listDayFiles } from "../store/layout.js";
import { fastFile } from "../query/scan.js";

/** The (agent, session) an event belongs to, or undefined when it names no session. */
export function sessionKey(e: TraceEvent): string | undefined {
  const session = e.metadata.session_id;
  if (e.agent_id === null || (typeof session !== "string" && typeof session !== "number")) return undefined;
  return `${e.agent_id}\u0000${String(session)}`;
}

/**
 * The likely cause of a parentless event (the seed's open question 2): the same
 * agent's latest earlier event of the same session within `windowMs`. Always
 * reported as inferred, never on by default.
 */
export async function inferParent(dir: string, e: TraceEvent, windowMs: number): Promise<TraceEvent | undefined> {
  const key = sessionKey(e);
  if (key === undefined) return undefined;
  const filter = { agent: e.agent_id!, since: e.timestamp - windowMs, until: e.timestamp };
  let best: TraceEvent | undefined;
  for (const file of listDayFiles(dir, { from: filter.since, to: filter.until })) {
    for await (const batch of fastFile(file, filter)) {
      for (const { event } of batch) {
        if (event.id === e.id || sessionKey(event) !== key || compareEvents(event, e) >= 0) continue;
        if (!best || compareEvents(event, best) > 0) best = event;
      }
    }
  }
  return best;
}
