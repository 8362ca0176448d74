/**
 * The OpenTelemetry GenAI semantic conventions (v1.45, the `gen_ai.*` registry) and
 * OpenInference's span kinds, for the tools that read agents from spans (Honeycomb,
 * Langfuse, Phoenix, Jaeger): a spawn's wake is `invoke_agent {agent}`, a tool call
 * `execute_tool {tool}`, an AI call `chat {model}` (a client call); every span of an
 * agent carries `gen_ai.agent.name`, of a session `gen_ai.conversation.id`; a failure
 * carries `error.type`.
 */
import type { TraceEvent } from "../event/envelope.js";
import { failureOf } from "../event/status.js";
import { anyValue, type KeyValue } from "./attributes.js";

/** SPAN_KIND_INTERNAL: work inside the workspace. */
export const SPAN_INTERNAL = 1;
/** SPAN_KIND_CLIENT: a call to a model over the wire. */
export const SPAN_CLIENT = 3;

/** What an event is as a GenAI span: its name, kind and the attributes the conventions give it. */
export interface GenAiShape {
  name: string;
  kind: number;
  attributes: KeyValue[];
}

type Meta = Record<string, unknown>;
const text = (m: Meta, ...keys: string[]): string | undefined => {
  for (const k of keys) if (typeof m[k] === "string" && m[k] !== "") return m[k] as string;
  else if (typeof m[k] === "number") return String(m[k]);
  return undefined;
};
const count = (m: Meta, ...keys: string[]): number | undefined => {
  for (const k of keys) if (typeof m[k] === "number" && Number.isSafeInteger(m[k])) return m[k] as number;
  return undefined;
};
const attr = (key: string, v: unknown): KeyValue[] => {
  const value = v === undefined ? undefined : anyValue(v);
  return value ? [{ key, value }] : [];
};

/** A provider, as `gen_ai.provider.name` spells it, from the metadata or the model's name. */
function providerOf(m: Meta, model: string | undefined): string | undefined {
  const said = text(m, "provider", "provider_name", "gen_ai.provider.name");
  if (said !== undefined) return said;
  if (model === undefined) return undefined;
  if (/claude/i.test(model)) return "anthropic";
  if (/^(gpt|o\d|chatgpt|text-embedding)/i.test(model)) return "openai";
  if (/gemini/i.test(model)) return "gcp.gemini";
  if (/mistral|mixtral|codestral/i.test(model)) return "mistral_ai";
  if (/command/i.test(model)) return "cohere";
  return undefined;
}

/** The class of a failure (`error.type`): a type the metadata names, else the status word. */
function errorType(e: TraceEvent): string {
  const m = e.metadata;
  const error = m.error;
  const fromError = typeof error === "object" && error !== null ? text(error as Meta, "type", "code") : undefined;
  return text(m, "error_type") ?? fromError ?? text(m, "status") ?? "_OTHER";
}

/**
 * True for an event that opens an agent's invocation: a spawn's wake of a named agent.
 *
 * @example
 * if (opensAgent(e)) held.set(e.agent_id!, e.id);
 */
export function opensAgent(e: TraceEvent): boolean {
  return e.primitive === "spawn" && e.event_type === "wake" && e.agent_id !== null;
}

/** True for an event that closes its agent's invocation: a spawn's sleep. */
export function closesAgent(e: TraceEvent): boolean {
  return e.primitive === "spawn" && e.event_type === "sleep" && e.agent_id !== null;
}

/** True for a tool call; an AI call. */
const isTool = (e: TraceEvent): boolean => e.event_type === "tool_call" || (e.primitive === "tool" && /call|execute/.test(e.event_type));
const isModel = (e: TraceEvent): boolean => e.event_type === "ai_call" || (e.primitive === "ai" && /call|chat|completion/.test(e.event_type));

/**
 * An event's GenAI shape.
 *
 * @example
 * genAiOf(aiCall).name; // "chat claude-haiku-4-5"
 */
export function genAiOf(e: TraceEvent): GenAiShape {
  const shape = conventionalShape(e);
  // A span `trace receive` took in keeps the name and kind it came with.
  const otel = e.metadata.otel;
  if (otel !== null && typeof otel === "object" && typeof (otel as Meta).name === "string" && (otel as Meta).name !== "") {
    const kind = (otel as Meta).kind;
    return { ...shape, name: (otel as Meta).name as string, kind: typeof kind === "number" && kind >= 1 && kind <= 5 ? kind : shape.kind };
  }
  return shape;
}

/** The shape the conventions give an event. */
function conventionalShape(e: TraceEvent): GenAiShape {
  const m = e.metadata;
  const common: KeyValue[] = [...attr("gen_ai.agent.name", e.agent_id ?? undefined), ...attr("gen_ai.conversation.id", text(m, "session_id", "conversation_id"))];
  const failed = failureOf(e) !== undefined ? attr("error.type", errorType(e)) : [];
  if (opensAgent(e)) {
    return {
      name: `invoke_agent ${e.agent_id}`,
      kind: SPAN_INTERNAL,
      attributes: [...attr("gen_ai.operation.name", "invoke_agent"), ...attr("gen_ai.agent.id", e.agent_id), ...common, ...attr("openinference.span.kind", "AGENT"), ...failed]
    };
  }
  if (isTool(e)) {
    const tool = text(m, "tool_name", "tool", "name");
    return {
      name: tool === undefined ? "execute_tool" : `execute_tool ${tool}`,
      kind: SPAN_INTERNAL,
      attributes: [...attr("gen_ai.operation.name", "execute_tool"), ...attr("gen_ai.tool.name", tool), ...attr("gen_ai.tool.call.id", text(m, "tool_call_id", "call_id")), ...common, ...attr("openinference.span.kind", "TOOL"), ...failed]
    };
  }
  if (isModel(e)) {
    const model = text(m, "model", "request_model");
    return {
      name: model === undefined ? "chat" : `chat ${model}`,
      kind: SPAN_CLIENT,
      attributes: [
        ...attr("gen_ai.operation.name", "chat"),
        ...attr("gen_ai.request.model", model),
        ...attr("gen_ai.provider.name", providerOf(m, model)),
        ...attr("gen_ai.usage.input_tokens", count(m, "input_tokens", "prompt_tokens")),
        ...attr("gen_ai.usage.output_tokens", count(m, "output_tokens", "completion_tokens")),
        ...common,
        ...attr("openinference.span.kind", "LLM"),
        ...failed,
      ]
    };
  }
  return { name: `${e.primitive} ${e.event_type}`, kind: SPAN_INTERNAL, attributes: [...common, ...attr("openinference.span.kind", "CHAIN"), ...failed] };
}
