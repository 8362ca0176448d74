/** The manual's page of `trace view` (manual.ts holds the rest). */
import { DB_FLAG, DIRS_FLAG } from "./manual-flags.js";
import type { Page } from "./page.js";

/** `trace view --help`. */
export const VIEW_PAGE: Page = {
  name: "view",
  summary: "a picture of a run: one offline HTML page with a lane per agent, causes as arrows, the tree beside",
  usage: ["trace view [TARGET | --causality X] [filters] [--out FILE] [--open]"],
  about: [
    "Writes one self-contained HTML file (its script, styles and data inlined; its Content-Security-Policy forbids any request) that any current browser opens from disk. What it holds is what trace would print for the same question: TARGET's timeline, every filter, or the tree around --causality X; masked as every export is.",
    "Lanes: one per agent on a shared time axis (wheel zooms, drag pans, the minimap above moves the window); events as marks shaped by primitive, events with duration_ms as bars; each agent's colour comes from its name, so it is the same in every page; failures are red. Arrows go from each cause to its effect, dashed when inferred. Click an event (or a row of the tree on the left) to light its causes and effects, dim the rest, and see its envelope and metadata, its time to the millisecond and its place in the tree; Esc clears, 0 shows the whole run. The search box narrows the marks to events whose description or metadata holds the text; the checkboxes hide agents and primitives; the table gives each agent's events, time taken, tokens and failures.",
    "A page holds at most 200,000 events: past that it holds the first ones and says how many later ones it left out, and from when.",
  ],
  groups: [
    {
      title: "Flags",
      flags: [
        ["--out FILE", "the page to write, whole or not at all (default trace-view.html; - for standard output)"],
        ["--open", "open the page in the desktop's browser when it is written (xdg-open, open or start)"],
        ["--causality X", "the tree around event X or target X"],
        ["--infer, --infer-window AGE", "with --causality: inferred causes, drawn dashed"],
        ["--agent A, --task T, --channel C, --primitive P, --type T, --status S, -g, --grep RE, --since WHEN, --until WHEN", "as for trace"],
        ["--utc", "times in UTC (default: the browser's zone); calendar times in --since and --until are UTC"],
        DIRS_FLAG,
          DB_FLAG,
        ["--space PATH, --space-tz ZONE, --no-sources, --no-index", "as for trace"],
      ],
    },
  ],
  notes: ["trace view --causality task-abc123 --open", 'trace view --since "1h ago" --out run.html', "Exit: 0 ok, 1 a day file or database that could not be read (the rest shown) or a browser that could not be started, 2 bad usage."],
};
