/** The manual's page of `trace export` (manual.ts holds the rest). */
import { DB_FLAG, DIRS_FLAG } from "./manual-flags.js";
import type { Page } from "./page.js";

/** `trace export --help`. */
export const EXPORT_PAGE: Page = {
    name: "export",
    summary: "the history for OpenTelemetry, Perfetto, Graphviz, Mermaid or a browser",
    usage: ["trace export --format otlp|chrome|dot|mermaid|html [TARGET | --causality X] [filters] [--out FILE]", "trace export --format otlp --follow --endpoint URL [--cursor-file F] [filters]"],
    about: [
      "Writes what a query selects (TARGET's timeline, or every filter of trace: --agent, --task, --channel, --primitive, --since, --until), or the tree around --causality X, in a format another tool opens. otlp and chrome stream any amount; dot and mermaid draw a tree (--causality X, or TARGET as its focus).",
      "otlp: OTLP/JSON traces (resourceSpans → scopeSpans → spans). A tree is a trace, its id from the root event's; each event a span, its parent from parent_event_id; service.name is the agent (the primitive when there is none); metadata as attributes under metadata.*, dotted, types kept; an event with duration_ms is a span that long ending at its time, any other a zero-length span; an --infer edge is a link marked trace.inferred, never a parent. Send it: curl --data-binary @trace.json -H 'Content-Type: application/json' http://localhost:4318/v1/traces Names follow the GenAI semantic conventions 1.45 and OpenInference: a wake is invoke_agent {agent} (until the agent sleeps, holding its parentless events), a tool call execute_tool {tool} with gen_ai.tool.*, an AI call chat {model} (CLIENT) with gen_ai.request.model, gen_ai.provider.name and gen_ai.usage.*; every span of an agent carries gen_ai.agent.name, a failure error.type.",
      "chrome: Chrome trace-event JSON for Perfetto (ui.perfetto.dev, Open trace file) or chrome://tracing: a track per agent, a slice per event (as long as its duration_ms, else 2 µs), an arrow (flow s → f) from each cause to its effect, bound to both slices in either viewer.",
      "dot and mermaid: the tree as the text tree draws it: the asked-about event marked, cut branches as \"… N more\" nodes, inferred edges dashed; in DOT left to right, a colour and a cluster per agent, failures red. Render: trace export --format dot --causality X | dot -Tsvg > tree.svg",
      "html: the page trace view writes (trace view --help).",
      "What leaves the machine is always masked: every tombstone, the default keys and patterns and the store's own, whatever trace redact --off or --without-defaults say (they change only what is printed here).",
    ],
    groups: [
      {
        title: "Flags",
        flags: [
          ["--format F", "otlp, chrome, dot, mermaid or html (required)"],
          ["--out FILE", "write FILE whole or not at all (a temporary name, then renamed); default standard output"],
          ["-f, --follow", "with --format otlp and --endpoint: push each new event as it arrives, in batches, until SIGTERM or Ctrl-C; while the endpoint is down or answers 408, 429 or 5xx, the batch is sent again with backoff (the store is the buffer)"],
          ["--endpoint URL", "the OTLP/HTTP traces URL a push sends to (http://host:4318/v1/traces)"],
          ["--cursor-file F", "a push resumes after the position F holds (everything, when F does not exist yet) and writes each acknowledged round's position there: a restart loses nothing"],
          ["--causality X", "the tree around event X or target X"],
          ["--depth N, --max-children N", "dot and mermaid: levels and children drawn"],
          ["--infer, --infer-window AGE", "with --causality: inferred causes, as links and dashed edges"],
          ["--agent A, --task T, --channel C, --primitive P, --type T, --status S, -g, --grep RE, --since WHEN, --until WHEN", "as for trace"],
          ["--utc", "calendar times in --since and --until are UTC"],
          DIRS_FLAG,
          DB_FLAG,
          ["--space PATH, --space-tz ZONE, --no-sources, --no-index", "as for trace"],
        ],
      },
    ],
    notes: ["Exit: 0 ok, 1 a day file or database that could not be read (the rest exported), 2 bad usage."],
  };
