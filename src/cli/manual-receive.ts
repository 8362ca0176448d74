/** The manual's page of `trace receive` (manual.ts holds the rest). */
import { DIR_FLAG } from "./manual-flags.js";
import type { Page } from "./page.js";

/** `trace receive --help`. */
export const RECEIVE_PAGE: Page = {
  name: "receive",
  summary: "an OTLP/HTTP receiver: any agent framework's spans, appended as events",
  usage: ["trace receive [--listen HOST:PORT] [--max-body BYTES] [--dir DIR]"],
  about: [
    "Listens for OpenTelemetry traces (POST /v1/traces, application/x-protobuf or application/json, gzip or not) and appends every span as an event of the store, so that trace answers about the agents that frameworks describe in spans (OpenAI and Anthropic SDK instrumentations, OpenLLMetry, OpenInference, AutoGen, CrewAI, LangGraph). Point a framework at it with OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318.",
    "A span becomes an event by the GenAI conventions and OpenInference's kinds: invoke_agent (AGENT) a spawn invoke_agent, execute_tool (TOOL) a tool execute_tool, chat (LLM) an ai chat with its model and tokens, anything else an otel event; the agent is gen_ai.agent.name, else the resource's service.name; the target the conversation (gen_ai.conversation.id); the time the span's end and duration_ms its length; the id derived from traceId and spanId (a span sent again is one event), the parent from parentSpanId; the span's name, kind, ids and attributes under metadata.otel. A span trace export wrote is the event it was.",
    "A request is answered after its events are written: 200 (with a partial success naming the spans that could not be events), 400 a body that is not a request, 413 past the body limit, 415 another content type or encoding, 503 a store that cannot be written. SIGTERM or Ctrl-C stop it after the requests it took.",
  ],
  groups: [
    {
      title: "Flags",
      flags: [
        ["--listen HOST:PORT", "where to listen (default 127.0.0.1:4318; 0.0.0.0:4318 for other hosts; port 0: any free port, told on stderr)"],
        ["--max-body BYTES", "the largest body taken, before and after gzip (default 16777216)"],
        DIR_FLAG,
      ],
    },
  ],
  notes: ["trace receive & OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 python agent.py", "Exit: 0 stopped by a signal, 1 a failure while running, 2 bad usage (a bad or busy --listen)."],
};
