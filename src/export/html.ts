/**
 * `trace view`: one HTML file that needs nothing but a browser. Its styles, its script
 * (src/view/, built into PAGE_SCRIPT) and its data (view-data.ts) are inlined, and its
 * Content-Security-Policy allows no request of any kind, so it opens from disk, offline,
 * and cannot call out. The data is gzipped and base64-encoded: no text of an event can
 * end the script element that holds it.
 */
import { PAGE_SCRIPT } from "../view/page-script.js";
import type { ExportItem } from "./item.js";
import { viewData, type ViewAbout } from "./view-data.js";

/**
 * The page for a stream of events in time order, a chunk at a time.
 *
 * @example
 * for await (const chunk of htmlChunks(batches, { store: "payments", asked: "task-abc123", utc: false })) out.write(chunk);
 */
export async function* htmlChunks(batches: AsyncIterable<readonly ExportItem[]>, about: ViewAbout, max?: number): AsyncGenerator<string> {
  const data = await viewData(batches, about, max);
  const title = `trace view · ${about.store} · ${about.asked}`;
  yield PAGE_HEAD.replace("{{title}}", () => escapeHtml(title));
  const { rows, ...rest } = data;
  // The data once, gzipped (the page inflates it with the browser's DecompressionStream):
  // a 100,000-event run is 22 MiB of JSON and 3 of this.
  const pieces = [Buffer.from(JSON.stringify({ ...rest, rows: [] }).slice(0, -2))];
  for (let i = 0; i < rows.length; i += 2000) pieces.push(Buffer.from((i === 0 ? "" : ",") + rows.slice(i, i + 2000).map((r) => JSON.stringify(r)).join(",")));
  pieces.push(Buffer.from("]}"));
  const packed = process.getBuiltinModule("node:zlib").gzipSync(Buffer.concat(pieces), { level: 6 });
  yield '<script type="application/gzip;base64" id="trace-data">';
  for (let at = 0; at < packed.length; at += 3 << 18) yield packed.subarray(at, at + (3 << 18)).toString("base64");
  yield "</script>\n<script>";
  yield PAGE_SCRIPT;
  yield "</script>\n</body>\n</html>\n";
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const PAGE_HEAD = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="generator" content="trace view">
<title>{{title}}</title>
<style>
*{box-sizing:border-box}
html,body{margin:0;height:100%;font:13px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;background:#fff}
body{display:flex;flex-direction:column;height:100vh;overflow:hidden}
header{display:flex;gap:14px;align-items:center;padding:8px 12px;border-bottom:1px solid #d0d7de;flex-wrap:wrap}
header h1{font-size:14px;margin:0;font-weight:600}
#asked{font-weight:600}
#summary,#found,.muted{color:#57606a}
#search{margin-left:auto;width:280px;padding:4px 8px;border:1px solid #d0d7de;border-radius:6px;font:inherit}
#prims{display:flex;gap:6px;flex-wrap:wrap;padding:6px 12px;border-bottom:1px solid #d0d7de}
.chip{display:inline-flex;align-items:center;gap:4px;padding:1px 8px 1px 4px;border:1px solid #d0d7de;border-radius:12px;cursor:pointer;user-select:none}
.chip .n{color:#57606a}
#notice{padding:6px 12px;background:#fff8c5;border-bottom:1px solid #d4a72c}
main{flex:1;display:grid;grid-template-columns:minmax(240px,26%) 1fr minmax(280px,24%);min-height:0}
#tree{overflow:auto;border-right:1px solid #d0d7de;position:relative}
.tree-spacer{position:relative}
.row{position:absolute;left:0;right:0;height:22px;display:flex;align-items:center;gap:4px;white-space:nowrap;cursor:pointer;padding-right:6px}
.row:hover{background:#f6f8fa}
.row.sel{background:#ddf4ff}
.row.lit .lbl{font-weight:600}
.row.dim,.row.out{opacity:.45}
.row.failed .lbl{color:#cf222e}
.row .tog{width:12px;flex:none;color:#57606a}
.row .lbl{overflow:hidden;text-overflow:ellipsis;flex:1}
.row .tm{color:#57606a;font-size:11px;flex:none}
.row .inf{color:#57606a}
.lvl{color:#57606a}
#lanes-pane{position:relative;min-width:0;overflow:hidden;display:flex;flex-direction:column}
#lanes-pane canvas{display:block}
#lanes{cursor:grab}
#hint{position:absolute;bottom:4px;right:8px;color:#57606a;font-size:11px;background:rgba(255,255,255,.85);padding:1px 4px;pointer-events:none}
#side{border-left:1px solid #d0d7de;overflow:auto;padding:8px 10px;min-width:0}
table.agents{border-collapse:collapse;width:100%;font-size:12px}
table.agents th,table.agents td{padding:2px 4px;text-align:left;white-space:nowrap}
table.agents th{color:#57606a;font-weight:500;border-bottom:1px solid #d0d7de}
table.agents .n{text-align:right}
.sw{display:inline-block;width:9px;height:9px;border-radius:2px;margin-right:5px;vertical-align:baseline}
#detail h2{font-size:13px;margin:14px 0 6px;word-break:break-word}
#detail h2.failed{color:#cf222e}
#detail dl{display:grid;grid-template-columns:auto 1fr;gap:2px 10px;margin:0 0 8px}
#detail dt{color:#57606a}
#detail dd{margin:0;word-break:break-word}
pre.json{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px;font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre-wrap;word-break:break-all;margin:0}
#tip{position:fixed;z-index:5;max-width:420px;background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:4px 8px;box-shadow:0 4px 12px rgba(0,0,0,.12);pointer-events:none;font-size:12px}
a{color:#0969da}
</style>
</head>
<body>
<header><h1>trace view</h1><span id="asked"></span><span id="summary"></span><input id="search" type="search" placeholder="Find in descriptions and metadata" aria-label="find"><span id="found"></span></header>
<div id="prims" aria-label="primitives"></div>
<div id="notice" hidden></div>
<main>
<div id="tree" aria-label="causes and effects"></div>
<div id="lanes-pane"><canvas id="minimap" aria-label="the whole run"></canvas><canvas id="lanes" aria-label="a lane per agent"></canvas><div id="hint"></div></div>
<div id="side"><div id="agents"></div><div id="detail"></div></div>
</main>
<div id="tip" hidden></div>
`;
