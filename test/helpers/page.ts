/** What a `trace view` page holds, read as the page reads it. */
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";

/**
 * The JSON text of a page's data (gzipped, base64, in its `trace-data` script).
 *
 * @example
 * JSON.parse(pageJson(html)).rows.length;
 */
export function pageJson(html: string): string {
  const m = /<script type="application\/gzip;base64" id="trace-data">([A-Za-z0-9+/=]*)<\/script>/.exec(html);
  assert.ok(m, "the page holds its data");
  return gunzipSync(Buffer.from(m[1]!, "base64")).toString("utf8");
}
