/** The envelope fields a scan needs before deciding to parse a whole line. */
export interface Header {
  id: string;
  timestamp: number;
  agent: string | undefined;
  target: string | undefined;
  parent: string | undefined;
}

const HEADER =
  /^\{"id":"([^"\\]*)","timestamp":(\d+),"primitive":"[^"\\]*","event_type":"[^"\\]*","agent_id":(?:null|"([^"\\]*)"),"target_id":(?:null|"([^"\\]*)"),"parent_event_id":(?:null|"([^"\\]*)"),"metadata":/;
const HEAD_BYTES = 512;

/**
 * Reads the envelope of a line in the writer's own form (keys in order, no spaces,
 * no escapes) without parsing the metadata; undefined for any other form, which
 * the caller then parses in full. A line is only ever output after a full parse.
 */
export function peekHeader(buf: Buffer, start: number, end: number): Header | undefined {
  if (buf[start] !== 0x7b || buf[start + 2] !== 0x69) return undefined;
  const m = HEADER.exec(buf.toString("utf8", start, Math.min(end, start + HEAD_BYTES)));
  if (!m) return undefined;
  return { id: m[1]!, timestamp: Number(m[2]), agent: m[3], target: m[4], parent: m[5] };
}
