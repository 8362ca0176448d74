/**
 * An input read as a stream of bytes: its lines, or, when it is one JSON array, its
 * elements one at a time. Both hold only the piece in hand, so a 300 MB array or a
 * 300 MB single line costs one pass, not a string built up and split again per chunk.
 */

/** One element of a top-level JSON array: its text and the line it starts on. */
export interface Element {
  text: string;
  line: number;
}

/** Where a JSON array stopped making sense: the reading ends there. */
export interface Malformed {
  problem: string;
  line: number;
}

/** The chunks of an input as Buffers (a stream in text mode gives strings). */
async function* bytesOf(source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  for await (const chunk of source) yield typeof chunk === "string" ? Buffer.from(chunk) : chunk;
}

/**
 * The input as lines (without `\n` or `\r`), or as the elements of one JSON array when
 * its first non-blank byte is `[`; a malformed array ends with what is wrong and where.
 *
 * @example
 * for await (const item of linesOrElements(createReadStream(path))) console.log(typeof item === "string" ? "line" : "element");
 */
export async function* linesOrElements(source: AsyncIterable<Buffer | string>): AsyncGenerator<string | Element | Malformed> {
  const chunks = bytesOf(source);
  // Read up to the first non-blank byte by hand: a `for await` that breaks would close the stream.
  let head = Buffer.alloc(0);
  for (let step = await chunks.next(); !step.done; step = await chunks.next()) {
    head = Buffer.concat([head, step.value]);
    if (head.some((b) => !isBlank(b))) break;
  }
  const first = head.findIndex((b) => !isBlank(b));
  if (first === -1) return;
  const all = (async function* (): AsyncGenerator<Buffer> {
    yield head;
    yield* chunks;
  })();
  yield* head[first] === 0x5b ? elements(all) : lines(all);
}

/** The longest line read: one past it is no trace (`validate /dev/zero` would grow without end), and the input ends there. */
export const MAX_LINE_BYTES = 64 << 20;

/** Lines of a byte stream, each joined once from its pieces; a line past `MAX_LINE_BYTES` ends the reading. */
async function* lines(chunks: AsyncIterable<Buffer>): AsyncGenerator<string | Malformed> {
  let pieces: Buffer[] = [];
  let held = 0;
  let line = 0;
  for await (const chunk of chunks) {
    let from = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, from)) {
      pieces.push(chunk.subarray(from, nl));
      line++;
      yield lineText(pieces);
      pieces = [];
      held = 0;
      from = nl + 1;
    }
    if (from < chunk.length) {
      pieces.push(chunk.subarray(from));
      held += chunk.length - from;
      if (held > MAX_LINE_BYTES) return yield { problem: `a line longer than ${MAX_LINE_BYTES >> 20} MiB; the rest is not read`, line: line + 1 };
    }
  }
  if (pieces.length > 0) yield lineText(pieces);
}

function lineText(pieces: Buffer[]): string {
  const text = (pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces)).toString("utf8");
  return text.endsWith("\r") ? text.slice(0, -1) : text;
}

const [QUOTE, BACKSLASH, COMMA, NEWLINE] = [0x22, 0x5c, 0x2c, 0x0a];
const [OPEN_ARRAY, CLOSE_ARRAY, OPEN_OBJECT, CLOSE_OBJECT] = [0x5b, 0x5d, 0x7b, 0x7d];
const isBlank = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/** The elements of a top-level array, cut at its commas by tracking strings and nesting. */
async function* elements(chunks: AsyncIterable<Buffer>): AsyncGenerator<Element | Malformed> {
  let [depth, inString, escaped, opened, closed] = [0, false, false, false, false];
  let line = 1;
  let pieces: Buffer[] = [];
  let startLine = 0;
  // Where the element in hand starts in the current chunk (-1: none yet, or it began in an earlier one).
  let start = -1;
  const take = (chunk: Buffer, end: number): Element | undefined => {
    pieces.push(chunk.subarray(start === -1 ? 0 : start, end));
    const text = Buffer.concat(pieces).toString("utf8").trim();
    pieces = [];
    start = -1;
    return text === "" ? undefined : { text, line: startLine };
  };
  let inElement = false;
  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === NEWLINE) line++;
      if (inString) {
        if (escaped) escaped = false;
        else if (b === BACKSLASH) escaped = true;
        else if (b === QUOTE) inString = false;
        continue;
      }
      if (!opened) {
        if (b === OPEN_ARRAY) opened = true;
        continue;
      }
      if (closed) {
        if (!isBlank(b)) return yield { problem: "unexpected content after the array", line };
        continue;
      }
      if (depth === 0 && (b === COMMA || b === CLOSE_ARRAY)) {
        if (inElement) {
          const element = take(chunk, i);
          if (element) yield element;
        } else if (b === COMMA) return yield { problem: "an empty array element", line };
        inElement = false;
        if (b === CLOSE_ARRAY) closed = true;
        continue;
      }
      if (!inElement && !isBlank(b)) {
        inElement = true;
        start = i;
        startLine = line;
      }
      if (b === QUOTE) inString = true;
      else if (b === OPEN_OBJECT || b === OPEN_ARRAY) depth++;
      else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) depth--;
    }
    if (inElement) {
      pieces.push(chunk.subarray(start === -1 ? 0 : start));
      start = -1;
    }
  }
  if (!closed) yield { problem: "the array is not closed", line };
}
