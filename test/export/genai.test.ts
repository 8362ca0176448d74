import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
  GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC,
} from "@opentelemetry/semantic-conventions/incubating";
import { OpenInferenceSpanKind, SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import { openWriter } from "../../src/index.js";
import { tempDir, trace } from "../helpers/cli.js";
import { span16, spans, throughProtobuf, type Document, type Span } from "../helpers/otlp.js";

/** SPAN_KIND_INTERNAL and SPAN_KIND_CLIENT, as opentelemetry-proto numbers them. */
const INTERNAL = 1;
const CLIENT = 3;

const attrs = (s: Span): Record<string, unknown> => Object.fromEntries(s.attributes.map((a) => [a.key, Object.values(a.value)[0]]));

test("OTLP in the GenAI conventions: an agent's wake…sleep is invoke_agent, a tool call execute_tool, an AI call chat (a client), every name from the conventions' own constants", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const w = openWriter({ dir });
  const at = Date.parse("2026-03-01T09:00:00Z");
  const wake = w.emit({ primitive: "spawn", event_type: "wake", agent_id: "coder", target_id: "coder", metadata: { session_id: "s-1" }, timestamp: at });
  const chat = w.emit({ primitive: "ai", event_type: "ai_call", agent_id: "coder", parent_event_id: wake.id, metadata: { model: "claude-haiku-4-5", input_tokens: 1200, output_tokens: 340, duration_ms: 800, session_id: "s-1" }, timestamp: at + 2_000 });
  const tool = w.emit({ primitive: "tool", event_type: "tool_call", agent_id: "coder", parent_event_id: chat.id, metadata: { tool_name: "run_tests", resolved_source: "builtin_pack", pack_id: "core", pack_version: "1.0.0", runner: "local", python_env: "venv", python_path: "/usr/bin/python3", deps_source: "lockfile", timeout_ms: 60000, protocol_version: 1, tool_call_id: "call-7", duration_ms: 1500, status: "error", error: { type: "ExitCode", message: "exit code 1" } }, timestamp: at + 4_000 });
  const loose = w.emit({ primitive: "memory", event_type: "note", agent_id: "coder", metadata: { title: "flaky test" }, timestamp: at + 5_000 });
  const sleep = w.emit({ primitive: "spawn", event_type: "sleep", agent_id: "coder", target_id: "coder", parent_event_id: wake.id, metadata: { session_id: "s-1" }, timestamp: at + 9_000 });
  w.close();
  const r = await trace(["export", "--format", "otlp", "--dir", dir]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Document;
  assert.deepEqual(throughProtobuf(doc), doc, "OpenTelemetry's protobuf definitions hold every field");
  const byId = new Map(spans(doc).map((s) => [s.spanId, s]));
  const agent = byId.get(span16(wake.id))!;
  assert.equal(agent.name, "invoke_agent coder");
  assert.equal(agent.kind, INTERNAL);
  assert.equal(agent.startTimeUnixNano, `${at}000000`);
  assert.equal(agent.endTimeUnixNano, `${sleep.timestamp}000000`, "the invocation lasts until the agent sleeps");
  assert.equal(attrs(agent)[ATTR_GEN_AI_OPERATION_NAME], GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT);
  assert.equal(attrs(agent)[ATTR_GEN_AI_AGENT_NAME], "coder");
  assert.equal(attrs(agent)[ATTR_GEN_AI_CONVERSATION_ID], "s-1");
  assert.equal(attrs(agent)[SemanticConventions.OPENINFERENCE_SPAN_KIND], OpenInferenceSpanKind.AGENT);

  const model = byId.get(span16(chat.id))!;
  assert.equal(model.name, "chat claude-haiku-4-5");
  assert.equal(model.kind, CLIENT);
  assert.equal(model.parentSpanId, agent.spanId);
  assert.deepEqual(
    [ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_REQUEST_MODEL, ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_USAGE_INPUT_TOKENS, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, ATTR_GEN_AI_AGENT_NAME, SemanticConventions.OPENINFERENCE_SPAN_KIND].map((k) => attrs(model)[k]),
    [GEN_AI_OPERATION_NAME_VALUE_CHAT, "claude-haiku-4-5", GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC, "1200", "340", "coder", OpenInferenceSpanKind.LLM],
  );

  const call = byId.get(span16(tool.id))!;
  assert.equal(call.name, "execute_tool run_tests");
  assert.equal(call.kind, INTERNAL);
  assert.deepEqual([ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_TOOL_NAME, ATTR_GEN_AI_TOOL_CALL_ID, ATTR_ERROR_TYPE, SemanticConventions.OPENINFERENCE_SPAN_KIND].map((k) => attrs(call)[k]), [GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL, "run_tests", "call-7", "ExitCode", OpenInferenceSpanKind.TOOL]);
  assert.deepEqual((call as unknown as { status: unknown }).status, { code: 2, message: "exit code 1" });
  assert.equal(attrs(call)["trace.event_id"], tool.id, "the trace.* attributes stay");

  const note = byId.get(span16(loose.id))!;
  assert.equal(note.parentSpanId, agent.spanId, "a parentless event while the agent is awake is held by its invocation");
  assert.equal(note.traceId, agent.traceId);
  assert.equal(attrs(note)[SemanticConventions.OPENINFERENCE_SPAN_KIND], OpenInferenceSpanKind.CHAIN);
  assert.equal(new Set(spans(doc).map((s) => s.traceId)).size, 1, "one invocation, one trace");
});
