/** OTLP as OpenTelemetry's own protobuf definitions read it, for the export's and the receiver's tests. */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";

// OpenTelemetry's own generated protobuf definitions decode what the export writes.
/** A protobufjs message. */
export type Message = { [k: string]: unknown };
/** A protobufjs message type. */
export type MessageType = { fromObject(o: unknown): Message; encode(m: Message): { finish(): Uint8Array }; decode(b: Uint8Array): Message; toObject(m: Message, o: object): Message; verify(o: unknown): string | null };
const root = createRequire(import.meta.url)("@opentelemetry/otlp-transformer/build/src/generated/root.js") as { opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: MessageType } } } } } };
/** `ExportTraceServiceRequest`, from OpenTelemetry's generated definitions. */
export const Request = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/** A span of OTLP/JSON. */
export type Span = { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; startTimeUnixNano: string; endTimeUnixNano: string; attributes: { key: string; value: Record<string, unknown> }[]; links?: { traceId: string; spanId: string; attributes: unknown[] }[] };
/** An OTLP/JSON traces document. */
export type Document = { resourceSpans: { resource: { attributes: { key: string; value: { stringValue: string } }[] }; scopeSpans: { scope: { name: string }; spans: Span[] }[] }[] };

const ID_FIELDS = ["traceId", "spanId", "parentSpanId"];
/** The JSON encoding's hex ids as the bytes protobuf holds, and back: the only place OTLP/JSON departs from the proto3 mapping. */
function ids(value: unknown, to: (s: string) => unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => ids(v, to));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, ID_FIELDS.includes(k) && typeof v === "string" ? to(v) : ids(v, to)]));
}

/** Decodes the document through the binary protobuf form: what survives is what OpenTelemetry's schema knows. */
export function throughProtobuf(doc: Document): Document {
  const message = Request.fromObject(ids(doc, (hex) => Buffer.from(hex, "hex")));
  const decoded = Request.decode(Request.encode(message).finish());
  const object = Request.toObject(decoded, { longs: String, enums: Number, bytes: String });
  return ids(object, (b64) => Buffer.from(b64, "base64").toString("hex")) as Document;
}

/** The span id the export gives an event id. */
export const span16 = (id: string): string => createHash("sha256").update(id).digest("hex").slice(0, 16);
/** Every span of a document, with its service. */
export const spans = (doc: Document): (Span & { service: string })[] =>
  doc.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((span) => ({ ...span, service: r.resource.attributes.find((a) => a.key === "service.name")!.value.stringValue }))));


/** The document as the protobuf bytes an exporter would send. */
export function toProtobuf(doc: unknown): Uint8Array {
  return Request.encode(Request.fromObject(ids(doc, (hex) => Buffer.from(hex, "hex")))).finish();
}
