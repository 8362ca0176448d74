/**
 * The protobuf wire format of OTLP traces, read by hand: the few messages of
 * `ExportTraceServiceRequest` decoded into the shape of their JSON encoding (hex ids,
 * nanoseconds as decimal strings, `AnyValue`s), and the response's partial success
 * encoded. Unknown fields are skipped, as protobuf requires; a truncated or malformed
 * body throws.
 */

/** A message's bytes being read. */
interface Reader {
  buf: Uint8Array;
  at: number;
  end: number;
}

const fail = (what: string): never => {
  throw new Error(`protobuf: ${what}`);
};

function varint(r: Reader): bigint {
  let value = 0n;
  for (let shift = 0n; shift < 70n; shift += 7n) {
    if (r.at >= r.end) fail("truncated varint");
    const b = r.buf[r.at++]!;
    value |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return value;
  }
  return fail("varint too long");
}

function bytes(r: Reader): Uint8Array {
  const n = Number(varint(r));
  if (r.at + n > r.end) fail("truncated field");
  const out = r.buf.subarray(r.at, r.at + n);
  r.at += n;
  return out;
}

function fixed64(r: Reader): bigint {
  if (r.at + 8 > r.end) fail("truncated fixed64");
  const v = new DataView(r.buf.buffer, r.buf.byteOffset + r.at, 8).getBigUint64(0, true);
  r.at += 8;
  return v;
}

function skip(r: Reader, wire: number): void {
  if (wire === 0) varint(r);
  else if (wire === 1) r.at += 8;
  else if (wire === 2) bytes(r);
  else if (wire === 5) r.at += 4;
  else fail(`wire type ${wire}`);
  if (r.at > r.end) fail("truncated field");
}

/** Each field of a message: its number, wire type, and the reader at its value. */
function fields(buf: Uint8Array, each: (field: number, wire: number, r: Reader) => boolean): void {
  const r: Reader = { buf, at: 0, end: buf.length };
  while (r.at < r.end) {
    const key = Number(varint(r));
    const [field, wire] = [key >>> 3, key & 7];
    if (field === 0) fail("field 0");
    if (!each(field, wire, r)) skip(r, wire);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: false });
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** An OTLP `AnyValue`, as its JSON encoding spells it. */
export type AnyValue = Record<string, unknown>;
/** An OTLP `KeyValue`. */
export interface KeyValue {
  key: string;
  value: AnyValue;
}

function anyValue(buf: Uint8Array): AnyValue {
  let out: AnyValue = {};
  fields(buf, (f, w, r) => {
    if (f === 1 && w === 2) out = { stringValue: utf8.decode(bytes(r)) };
    else if (f === 2 && w === 0) out = { boolValue: varint(r) !== 0n };
    else if (f === 3 && w === 0) out = { intValue: BigInt.asIntN(64, varint(r)).toString() };
    else if (f === 4 && w === 1) {
      if (r.at + 8 > r.end) fail("truncated double");
      out = { doubleValue: new DataView(r.buf.buffer, r.buf.byteOffset + r.at, 8).getFloat64(0, true) };
      r.at += 8;
    } else if (f === 5 && w === 2) out = { arrayValue: { values: repeated(bytes(r), anyValue) } };
    else if (f === 6 && w === 2) out = { kvlistValue: { values: repeated(bytes(r), keyValue) } };
    else if (f === 7 && w === 2) out = { bytesValue: Buffer.from(bytes(r)).toString("base64") };
    else return false;
    return true;
  });
  return out;
}

/** The values of field 1 of a message, each decoded by `one`. */
function repeated<T>(buf: Uint8Array, one: (b: Uint8Array) => T): T[] {
  const out: T[] = [];
  fields(buf, (f, w, r) => (f === 1 && w === 2 ? (out.push(one(bytes(r))), true) : false));
  return out;
}

function keyValue(buf: Uint8Array): KeyValue {
  const kv: KeyValue = { key: "", value: {} };
  fields(buf, (f, w, r) => {
    if (f === 1 && w === 2) kv.key = utf8.decode(bytes(r));
    else if (f === 2 && w === 2) kv.value = anyValue(bytes(r));
    else return false;
    return true;
  });
  return kv;
}

/** Field 1 of a message as key-values (a Resource's or a scope's attributes are field 1 or 3). */
function attributesAt(buf: Uint8Array, field: number): KeyValue[] {
  const out: KeyValue[] = [];
  fields(buf, (f, w, r) => (f === field && w === 2 ? (out.push(keyValue(bytes(r))), true) : false));
  return out;
}

function span(buf: Uint8Array): Record<string, unknown> {
  const s: Record<string, unknown> = { attributes: [] as KeyValue[] };
  fields(buf, (f, w, r) => {
    if (w === 2 && (f === 1 || f === 2 || f === 4)) s[f === 1 ? "traceId" : f === 2 ? "spanId" : "parentSpanId"] = hex(bytes(r));
    else if (f === 5 && w === 2) s.name = utf8.decode(bytes(r));
    else if (f === 6 && w === 0) s.kind = Number(varint(r));
    else if ((f === 7 || f === 8) && w === 1) s[f === 7 ? "startTimeUnixNano" : "endTimeUnixNano"] = fixed64(r).toString();
    else if (f === 9 && w === 2) (s.attributes as KeyValue[]).push(keyValue(bytes(r)));
    else if (f === 15 && w === 2) {
      const status: Record<string, unknown> = {};
      fields(bytes(r), (g, v, q) => {
        if (g === 2 && v === 2) status.message = utf8.decode(bytes(q));
        else if (g === 3 && v === 0) status.code = Number(varint(q));
        else return false;
        return true;
      });
      s.status = status;
    } else return false;
    return true;
  });
  return s;
}

/**
 * An `ExportTraceServiceRequest`'s bytes as its JSON encoding: `{ resourceSpans: [...] }`.
 *
 * @example
 * decodeTraceRequest(body).resourceSpans[0].scopeSpans[0].spans[0].name;
 */
export function decodeTraceRequest(body: Uint8Array): { resourceSpans: Record<string, unknown>[] } {
  const resourceSpans = repeated(body, (rs) => {
    const out: Record<string, unknown> = { resource: { attributes: [] }, scopeSpans: [] };
    fields(rs, (f, w, r) => {
      if (f === 1 && w === 2) out.resource = { attributes: attributesAt(bytes(r), 1) };
      else if (f === 2 && w === 2) {
        const ss: Record<string, unknown> = { scope: {}, spans: [] };
        fields(bytes(r), (g, v, q) => {
          if (g === 1 && v === 2) {
            const scope: Record<string, unknown> = {};
            fields(bytes(q), (h, x, p) => {
              if (h === 1 && x === 2) scope.name = utf8.decode(bytes(p));
              else if (h === 2 && x === 2) scope.version = utf8.decode(bytes(p));
              else return false;
              return true;
            });
            ss.scope = scope;
          } else if (g === 2 && v === 2) (ss.spans as unknown[]).push(span(bytes(q)));
          else return false;
          return true;
        });
        (out.scopeSpans as unknown[]).push(ss);
      } else return false;
      return true;
    });
    return out;
  });
  return { resourceSpans };
}

function writeVarint(out: number[], v: bigint): void {
  while (v >= 0x80n) {
    out.push(Number((v & 0x7fn) | 0x80n));
    v >>= 7n;
  }
  out.push(Number(v));
}

/**
 * An `ExportTraceServiceResponse`: empty, or its `partial_success` (spans rejected, why).
 *
 * @example
 * encodeTraceResponse(2, "span 3: no spanId");
 */
export function encodeTraceResponse(rejected: number, message: string): Uint8Array {
  if (rejected === 0 && message === "") return new Uint8Array(0);
  const inner: number[] = [];
  if (rejected > 0) {
    inner.push(0x08);
    writeVarint(inner, BigInt(rejected));
  }
  const text = Buffer.from(message, "utf8");
  if (text.length > 0) {
    inner.push(0x12);
    writeVarint(inner, BigInt(text.length));
    inner.push(...text);
  }
  const out: number[] = [0x0a];
  writeVarint(out, BigInt(inner.length));
  return Uint8Array.from([...out, ...inner]);
}
