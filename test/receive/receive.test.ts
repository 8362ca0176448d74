import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { BIN, EXAMPLE, lines, nodeScript, ROOT, tempDir, trace, untimed } from "../helpers/cli.js";
import { spans, toProtobuf, type Document } from "../helpers/otlp.js";

/** A running `trace receive` on a free port, as a user starts it. */
async function startReceiver(dir: string, extra: string[] = []): Promise<{ url: string; stop(): Promise<number | null> }> {
  const child = spawn(BIN, ["receive", "--listen", "127.0.0.1:0", "--dir", dir, ...extra], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, TRACE_DIR: "" } });
  let said = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      said += d;
      const m = /at (http:\/\/\S+\/v1\/traces)/.exec(said);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`trace receive exited ${code}: ${said}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", (code) => resolve(code));
        child.kill("SIGTERM");
      }),
  };
}

/** Every line of the store's day files. */
const stored = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".ndjson")).flatMap((f) => lines(readFileSync(join(dir, f), "utf8"))) : []);

/** An absolute import of a package this repository depends on, for a script run elsewhere. */
const from = createRequire(join(ROOT, "package.json"));
const pkg = (name: string): string => JSON.stringify(pathToFileURL(from.resolve(name)).href);

/** A program of an agent framework's shape: an agent span, a tool call under it (one failing), a model call; exported by the SDK. */
const AGENT_PROGRAM = (exporter: string) => `
import { NodeTracerProvider } from ${pkg("@opentelemetry/sdk-trace-node")};
import { SimpleSpanProcessor } from ${pkg("@opentelemetry/sdk-trace-base")};
import { OTLPTraceExporter } from ${pkg(exporter)};
import { resourceFromAttributes } from ${pkg("@opentelemetry/resources")};
import { SpanKind, SpanStatusCode, context, trace } from ${pkg("@opentelemetry/api")};
const provider = new NodeTracerProvider({ resource: resourceFromAttributes({ "service.name": "crew" }), spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: process.argv[1] }))] });
const tracer = provider.getTracer("demo-framework");
const agent = tracer.startSpan("invoke_agent planner", { attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "planner", "gen_ai.conversation.id": "conv-9" } });
const inside = trace.setSpan(context.active(), agent);
const chat = tracer.startSpan("chat gpt-4o", { kind: SpanKind.CLIENT, attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", "gen_ai.provider.name": "openai", "gen_ai.usage.input_tokens": 812, "gen_ai.usage.output_tokens": 96 } }, inside);
const tool = tracer.startSpan("execute_tool search", { attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "search", "gen_ai.tool.call.id": "call-1" } }, trace.setSpan(inside, chat));
tool.end();
const broken = tracer.startSpan("execute_tool fetch", { attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "fetch" } }, trace.setSpan(inside, chat));
broken.setStatus({ code: SpanStatusCode.ERROR, message: "HTTP 503" });
broken.setAttribute("error.type", "503");
broken.end();
chat.end();
agent.end();
await provider.shutdown();
console.log(JSON.stringify({ traceId: agent.spanContext().traceId }));
`;

for (const exporter of ["@opentelemetry/exporter-trace-otlp-proto", "@opentelemetry/exporter-trace-otlp-http"]) {
  test(`the OpenTelemetry JS SDK (${exporter.split("-").pop()}) exports an agent's spans to trace receive: --agent lists them, --causality draws their tree`, async (t) => {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const receiver = await startReceiver(dir);
    const sent = await nodeScript(AGENT_PROGRAM(exporter), [receiver.url]);
    assert.equal(sent.code, 0, sent.stderr);
    assert.equal(await receiver.stop(), 0, "SIGTERM stops it cleanly");
    type Event = { id: string; primitive: string; event_type: string; agent_id: string; parent_event_id: string | null; metadata: Record<string, unknown> };
    const parse = (out: string): Event[] => lines(out).map((l) => JSON.parse(l) as Event);
    const agent = parse((await trace(["--dir", dir, "--agent", "planner", "--json"])).stdout);
    assert.deepEqual(agent.map((e) => `${e.primitive} ${e.event_type}`), ["spawn invoke_agent"], "the agent span names its agent");
    const calls = parse((await trace(["--dir", dir, "--agent", "crew", "--json"])).stdout);
    assert.deepEqual(calls.map((e) => `${e.primitive} ${e.event_type}`).sort(), ["ai chat", "tool execute_tool", "tool execute_tool"], "spans that name no agent are their service's");
    const events = [...agent, ...calls];
    const chat = events.find((e) => e.primitive === "ai")!;
    assert.deepEqual([chat.metadata.model, chat.metadata.input_tokens, chat.metadata.output_tokens, chat.metadata.provider], ["gpt-4o", 812, 96, "openai"]);
    const failed = events.find((e) => e.metadata.tool_name === "fetch")!;
    assert.deepEqual([failed.metadata.status, failed.metadata.error], ["error", "HTTP 503"]);
    const root = events.find((e) => e.primitive === "spawn")!;
    const tree = lines((await trace(["--dir", dir, "--causality", root.id, "--utc"])).stdout).map(untimed);
    assert.equal(tree.length, 5, tree.join("\n"));
    assert.match(tree[1]!, /^\[root\] spawn /);
    assert.match(tree[2]!, /^  └─> ai /);
    assert.match(tree[3]!, /^      ├─> tool /);
    assert.match((await trace(["--dir", dir, "--causality", root.id])).stdout, /\(fetch error: HTTP 503\)  \S+ · ✗ failed/, "the failure is marked");
    // Sent again (a retry), the same spans are the same events.
    const again = await startReceiver(dir);
    assert.equal((await nodeScript(AGENT_PROGRAM(exporter), [again.url])).code, 0);
    await again.stop();
    assert.equal(stored(dir).length, 8, "a second program run is new spans: new events");
    assert.equal(new Set(stored(dir).map((l) => (JSON.parse(l) as Event).id)).size, 8);
  });
}

test("export → receive → export keeps every span's name, kind, times, parent link and attributes, by protobuf and by JSON, gzipped or not; a span sent twice is one event", async (t) => {
  const exported = JSON.parse((await trace(["export", "--format", "otlp", "--dir", EXAMPLE])).stdout) as Document;
  for (const [type, body, gzip] of [
    ["application/x-protobuf", Buffer.from(toProtobuf(exported)), false],
    ["application/json", Buffer.from(JSON.stringify(exported)), true],
  ] as const) {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const receiver = await startReceiver(dir);
    for (let i = 0; i < 2; i++) {
      const r = await fetch(receiver.url, { method: "POST", headers: { "content-type": type, ...(gzip ? { "content-encoding": "gzip" } : {}) }, body: gzip ? gzipSync(body) : body });
      assert.equal(r.status, 200, await r.text());
    }
    await receiver.stop();
    assert.equal(stored(dir).length, spans(exported).length, "sent twice, written once");
    const again = JSON.parse((await trace(["export", "--format", "otlp", "--dir", dir])).stdout) as Document;
    const key = (d: Document) => spans(d).map((s) => JSON.stringify(s)).sort();
    assert.deepEqual(key(again), key(exported), `${type}${gzip ? ", gzip" : ""}`);
  }
});

test("bad requests get the OTLP answer and write nothing: truncated protobuf 400, wrong content type 415, 100 MB 413, bad spans a partial success", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const receiver = await startReceiver(dir);
  t.after(() => receiver.stop());
  const exported = JSON.parse((await trace(["export", "--format", "otlp", "--dir", EXAMPLE])).stdout) as Document;
  const proto = Buffer.from(toProtobuf(exported));
  const post = (body: Buffer, headers: Record<string, string>) => fetch(receiver.url, { method: "POST", headers, body });
  assert.equal((await post(proto.subarray(0, proto.length - 7), { "content-type": "application/x-protobuf" })).status, 400);
  assert.equal((await post(Buffer.from("{not json"), { "content-type": "application/json" })).status, 400);
  assert.equal((await post(proto, { "content-type": "text/plain" })).status, 415);
  assert.equal((await post(proto, { "content-type": "application/x-protobuf", "content-encoding": "br" })).status, 415);
  assert.equal((await post(Buffer.alloc(100 << 20, 0x0a), { "content-type": "application/x-protobuf" })).status, 413);
  assert.equal((await fetch(receiver.url.replace("/v1/traces", "/v1/logs"), { method: "POST", body: "x" })).status, 404);
  assert.equal((await fetch(receiver.url)).status, 405);
  assert.deepEqual(stored(dir), [], "nothing written");
  const doc = JSON.parse(JSON.stringify(exported)) as Document;
  doc.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId = "xyz";
  const partial = await post(Buffer.from(JSON.stringify(doc)), { "content-type": "application/json" });
  assert.equal(partial.status, 200);
  const said = (await partial.json()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
  assert.equal(said.partialSuccess.rejectedSpans, "1");
  assert.match(said.partialSuccess.errorMessage, /span 1: no valid traceId/);
  assert.equal(stored(dir).length, spans(exported).length - 1, "the other spans are written");
});

test("trace receive: a bad --listen or --max-body is one line and exit 2", async () => {
  for (const [args, said] of [
    [["--listen", "nowhere"], /--listen "nowhere": expected HOST:PORT/],
    [["--listen", "127.0.0.1:99999"], /expected HOST:PORT/],
    [["--max-body", "lots"], /--max-body "lots"/],
  ] as const) {
    const r = await trace(["receive", ...args, "--dir", EXAMPLE]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, said);
    assert.equal(lines(r.stderr).length, 1, r.stderr);
  }
});
