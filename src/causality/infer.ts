/**
 * Inferred causes (`--infer`), never on by default and always marked: a spawn started in
 * a channel was most likely started by the message that `@mention`ed its agent there
 * just before (space-os starts a spawn for each mention); any other parentless event, by
 * the same agent's previous event of the same session.
 */
import { compareEvents, type TraceEvent } from "../event/envelope.js";
import { listDayFiles } from "../store/layout.js";
import { fastFile } from "../query/scan.js";

/** The (agent, session) an event belongs to, or undefined when it names no session. */
export function sessionKey(e: TraceEvent): string | undefined {
  const session = e.metadata.session_id;
  if (e.agent_id === null || (typeof session !== "string" && typeof session !== "number")) return undefined;
  return `${e.agent_id}\u0000${String(session)}`;
}

/** The channel a parentless spawn started in, when a mention there can be its cause. */
function startedIn(e: TraceEvent): string | undefined {
  const channel = e.metadata.channel;
  return e.primitive === "spawn" && e.event_type === "wake" && e.parent_event_id === null && e.agent_id !== null && typeof channel === "string" ? channel : undefined;
}

/** The channel of a message sent, with its text. */
function sentOn(e: TraceEvent): { channel: string; text: string } | undefined {
  const text = e.metadata.text ?? e.metadata.content ?? e.metadata.message;
  return e.primitive === "bridge" && e.event_type === "send" && e.target_id !== null && typeof text === "string" ? { channel: e.target_id, text } : undefined;
}

/** True when `text` mentions `@agent` (not `@agent-2`). */
function mentions(text: string, agent: string): boolean {
  for (let at = text.indexOf(`@${agent}`); at >= 0; at = text.indexOf(`@${agent}`, at + 1)) {
    if (!/[\w-]/.test(text[at + agent.length + 1] ?? "")) return true;
  }
  return false;
}

/** True when `send` can have started `wake`: on its channel, before it, within the window, naming its agent. */
function started(send: TraceEvent, wake: TraceEvent, channel: string, windowMs: number): boolean {
  const sent = sentOn(send);
  return sent !== undefined && sent.channel === channel && compareEvents(send, wake) < 0 && wake.timestamp - send.timestamp <= windowMs && mentions(sent.text, wake.agent_id!);
}

/** Messages seen so far, by channel, for finding the mention that started a spawn. */
export interface Mentions {
  add(e: TraceEvent): void;
  /** The latest message seen that mentioned `wake`'s agent in its channel just before it. */
  causeOf(wake: TraceEvent): TraceEvent | undefined;
}

/**
 * A store of messages for mention causes; `rolling` keeps only the last window of each
 * channel (for events added in time order, as a day's file gives them).
 *
 * @example
 * const m = createMentions(5_000, true); m.add(send); m.causeOf(wake);
 */
export function createMentions(windowMs: number, rolling: boolean): Mentions {
  const byChannel = new Map<string, TraceEvent[]>();
  return {
    add(e) {
      const sent = sentOn(e);
      if (!sent) return;
      const list = byChannel.get(sent.channel) ?? [];
      if (list.length === 0) byChannel.set(sent.channel, list);
      list.push(e);
      if (rolling) while (list.length > 0 && list[0]!.timestamp < e.timestamp - windowMs) list.shift();
    },
    causeOf(wake) {
      const channel = startedIn(wake);
      if (channel === undefined) return undefined;
      let best: TraceEvent | undefined;
      for (const send of byChannel.get(channel) ?? []) if (started(send, wake, channel, windowMs) && (!best || compareEvents(send, best) > 0)) best = send;
      return best;
    },
  };
}

/**
 * The likely cause of a parentless event (the seed's open question 2): for a spawn
 * started in a channel, the message that mentioned its agent there within `windowMs`
 * before (among `known` and the day files); else the same agent's latest earlier event
 * of the same session within `windowMs`. Always reported as inferred.
 */
export async function inferParent(dir: string, e: TraceEvent, windowMs: number, known: Iterable<TraceEvent> = []): Promise<TraceEvent | undefined> {
  const channel = startedIn(e);
  const key = sessionKey(e);
  if (channel === undefined && key === undefined) return undefined;
  const fits = (event: TraceEvent): boolean =>
    event.id !== e.id && (channel !== undefined ? started(event, e, channel, windowMs) : sessionKey(event) === key && compareEvents(event, e) < 0);
  let best: TraceEvent | undefined;
  const consider = (event: TraceEvent): void => void (fits(event) && (!best || compareEvents(event, best) > 0) && (best = event));
  for (const event of known) consider(event);
  const filter = channel !== undefined ? { channel, since: e.timestamp - windowMs, until: e.timestamp } : { agent: e.agent_id!, since: e.timestamp - windowMs, until: e.timestamp };
  for (const file of listDayFiles(dir, { from: filter.since, to: filter.until })) {
    for await (const batch of fastFile(file, filter)) for (const { event } of batch) consider(event);
  }
  return best;
}
