/**
 * `JSON.stringify` for any value the reader accepted. V8's stringify recurses and
 * overflows the stack on deeply nested metadata (~5,000 levels) that `JSON.parse`
 * read; then an explicit stack writes the same text.
 */

/**
 * The JSON text of a parsed JSON value, however deep.
 *
 * @example
 * toJson({ a: [1, { b: null }] }); // '{"a":[1,{"b":null}]}'
 */
export function toJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return deepJson(value);
  }
}

/** JSON.stringify of plain JSON values (objects, arrays, strings, numbers, booleans, null) without recursion. */
function deepJson(root: unknown): string {
  const out: string[] = [];
  // Each entry: a value to write, or text to write as it is.
  const stack: ({ value: unknown } | string)[] = [{ value: root }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === "string") {
      out.push(item);
      continue;
    }
    const v = item.value;
    if (Array.isArray(v)) {
      stack.push("]");
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push({ value: v[i] ?? null });
        if (i > 0) stack.push(",");
      }
      out.push("[");
    } else if (v !== null && typeof v === "object") {
      const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined);
      stack.push("}");
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push({ value: (v as Record<string, unknown>)[keys[i]!] });
        stack.push(`${i > 0 ? "," : ""}${JSON.stringify(keys[i])}:`);
      }
      out.push("{");
    } else out.push(JSON.stringify(v) ?? "null");
  }
  return out.join("");
}
