/**
 * `trace receive`: an OTLP/HTTP receiver (`POST /v1/traces`, protobuf or JSON, gzip or
 * not) that appends each span as an event. Requests are taken one at a time, so that a
 * span sent twice (a retry, two exporters) is written once: the ids the store already
 * holds in the batch's time range are read before anything is written, and a request is
 * acknowledged only after its events are in the day files. Answers as the OTLP spec
 * says: 200 with a partial success naming the spans it could not take, 400 for a body
 * that is not a request, 404/405 for another path or method, 413 past the body limit,
 * 415 for another content type or encoding, 503 when the store cannot be written.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { TraceEvent } from "../event/envelope.js";
import { appendEvents } from "../store/append.js";
import { createHeldIds, type HeldIds } from "./held.js";
import { decodeTraceRequest, encodeTraceResponse } from "./protobuf.js";
import { attributesOf, eventOfSpan } from "./to-event.js";

/** How to receive. */
export interface ReceiverOptions {
  dir: string;
  host: string;
  port: number;
  /** The largest body taken, before and after gzip (default 16 MiB). */
  maxBodyBytes?: number | undefined;
  /** Told of each request taken: spans written, already held, rejected. */
  onBatch?: ((done: { written: number; present: number; rejected: number }) => void) | undefined;
}

/** A running receiver. */
export interface Receiver {
  /** Where it listens (the port the system chose, for port 0). */
  host: string;
  port: number;
  /** Stops taking requests, finishes those it took, and closes. */
  close(): Promise<void>;
}

/** Default body limit. */
export const MAX_BODY_BYTES = 16 << 20;

type Kind = "protobuf" | "json";

/** A failed request: its HTTP status and why. */
class Refusal extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * Starts a receiver.
 *
 * @example
 * const r = await startReceiver({ dir: ".space/trace", host: "127.0.0.1", port: 4318 }); … await r.close();
 */
export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  let queue: Promise<unknown> = Promise.resolve();
  const memory = createHeldIds(options.dir);
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => answerError(res, err instanceof Refusal ? err.status : 500, (err as Error).message));
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "").split("?")[0];
    if (path !== "/v1/traces") throw new Refusal(404, `${path}: this receiver takes traces at /v1/traces`);
    if (req.method !== "POST") {
      res.setHeader("Allow", "POST");
      throw new Refusal(405, `${req.method}: POST a request to /v1/traces`);
    }
    const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    const kind: Kind | undefined = type === "application/x-protobuf" ? "protobuf" : type === "application/json" ? "json" : undefined;
    if (kind === undefined) throw new Refusal(415, `content type ${JSON.stringify(type)}: application/x-protobuf or application/json`);
    const encoding = (req.headers["content-encoding"] ?? "identity").toLowerCase();
    if (encoding !== "identity" && encoding !== "gzip") throw new Refusal(415, `content encoding ${JSON.stringify(encoding)}: gzip or none`);
    const raw = await readBody(req, limit);
    let body: Buffer;
    try {
      body = encoding === "gzip" ? process.getBuiltinModule("node:zlib").gunzipSync(raw, { maxOutputLength: limit }) : raw;
    } catch (err) {
      throw (err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" ? new Refusal(413, `more than ${limit} bytes once unzipped`) : new Refusal(400, `a gzip body that does not inflate: ${(err as Error).message}`);
    }
    let request: { resourceSpans?: unknown };
    try {
      request = kind === "protobuf" ? decodeTraceRequest(body) : (JSON.parse(body.toString("utf8")) as { resourceSpans?: unknown });
    } catch (err) {
      throw new Refusal(400, `not an ExportTraceServiceRequest: ${(err as Error).message}`);
    }
    if (request === null || typeof request !== "object" || (request.resourceSpans !== undefined && !Array.isArray(request.resourceSpans))) throw new Refusal(400, "not an ExportTraceServiceRequest: resourceSpans must be a list");
    const { events, rejected, why } = eventsOf(request.resourceSpans ?? []);
    // One request at a time: the check for ids already held and the write are one step.
    const done = (queue = queue.then(() => write(options.dir, events, memory)));
    let outcome: { written: number; present: number };
    try {
      outcome = (await done) as { written: number; present: number };
    } catch (err) {
      throw new Refusal(503, `the store could not be written: ${(err as Error).message}`);
    }
    options.onBatch?.({ ...outcome, rejected });
    answer(res, 200, kind, rejected, why);
  }
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as { address: string; port: number };
  return {
    host: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

/** The body, refused past `limit` bytes. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (declared > limit) {
    req.resume();
    throw new Refusal(413, `a body of ${declared} bytes: at most ${limit}`);
  }
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > limit) {
      req.resume();
      throw new Refusal(413, `a body of more than ${limit} bytes`);
    }
    parts.push(part);
  }
  return Buffer.concat(parts);
}

/** The events of a request's spans, and the spans that could not be events. */
function eventsOf(resourceSpans: unknown[]): { events: TraceEvent[]; rejected: number; why: string } {
  const events: TraceEvent[] = [];
  let rejected = 0;
  let why = "";
  let n = 0;
  for (const rs of resourceSpans as { resource?: { attributes?: unknown }; scopeSpans?: unknown }[]) {
    const resource = attributesOf(rs?.resource?.attributes);
    for (const ss of Array.isArray(rs?.scopeSpans) ? (rs.scopeSpans as { spans?: unknown }[]) : []) {
      for (const span of Array.isArray(ss?.spans) ? (ss.spans as unknown[]) : []) {
        n++;
        const made = span !== null && typeof span === "object" ? eventOfSpan(span as Record<string, unknown>, resource) : "not an object";
        if (typeof made === "string") {
          rejected++;
          if (why === "") why = `span ${n}: ${made}`;
        } else events.push(made);
      }
    }
  }
  if (rejected > 1) why += ` (and ${rejected - 1} more)`;
  return { events, rejected, why };
}

/** Appends the events the store does not hold yet (by id), in time order. */
async function write(dir: string, events: TraceEvent[], memory: HeldIds): Promise<{ written: number; present: number }> {
  if (events.length === 0) return { written: 0, present: 0 };
  events.sort((a, b) => a.timestamp - b.timestamp);
  const held = await memory.held(events);
  const fresh: TraceEvent[] = [];
  for (const e of events) if (!held.has(e.id)) (held.add(e.id), fresh.push(e));
  appendEvents(dir, fresh);
  memory.add(fresh);
  return { written: fresh.length, present: events.length - fresh.length };
}

function answer(res: ServerResponse, status: number, kind: Kind, rejected: number, why: string): void {
  if (kind === "protobuf") {
    res.writeHead(status, { "content-type": "application/x-protobuf" }).end(Buffer.from(encodeTraceResponse(rejected, why)));
    return;
  }
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(rejected > 0 ? { partialSuccess: { rejectedSpans: String(rejected), errorMessage: why } } : {}));
}

/** A refusal as a `google.rpc.Status` (JSON; the code is gRPC's nearest). */
function answerError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) return void res.destroy();
  const code = status === 400 ? 3 : status === 413 ? 8 : status === 503 ? 14 : status === 404 ? 5 : 3;
  // The connection stays open: a client still sending a refused body reads the answer once its body is drained.
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ code, message }));
}
