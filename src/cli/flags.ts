/** Each command's flags, as data: what main.ts parses and what completion offers. */
import type { FlagSpec } from "./args.js";

/** The query command's flags (`trace [TARGET] …`, `--causality`, `-f`). */
export const QUERY_FLAGS: FlagSpec = {
  strings: ["dir", "agent", "task", "channel", "primitive", "type", "status", "grep", "output", "output-fields", "since", "until", "n", "causality", "depth", "max-children", "infer-window", "space", "space-tz", "cursor-file", "after-cursor"],
  booleans: ["json", "utc", "reverse", "follow", "plain", "infer", "no-sources", "show-cursor", "no-redact", "no-index", "help", "version"],
  alias: { f: "follow", h: "help", g: "grep", o: "output" },
  repeatable: ["dir"],
};

/** The subcommands' flags, by name. */
export const COMMAND_FLAGS: Readonly<Record<string, FlagSpec>> = {
  emit: { strings: ["dir", "agent", "target", "parent", "meta", "reason", "redact"], booleans: ["fsync", "json", "private", "help"], alias: { h: "help" } },
  validate: { strings: ["dir", "space", "space-tz"], booleans: ["json", "strict", "no-sources", "help"], alias: { h: "help" }, repeatable: ["dir"] },
  prune: {
    strings: ["dir", "older-than", "compress-after", "set-retention"],
    booleans: ["dry-run", "json", "auto", "show-retention", "help"],
    alias: { h: "help" },
  },
  completion: { strings: [], booleans: ["help"], alias: { h: "help" } },
  sources: { strings: ["dir", "space", "space-tz"], booleans: ["json", "utc", "help"], alias: { h: "help" } },
  import: { strings: ["dir", "space", "space-tz"], booleans: ["dry-run", "json", "help"], alias: { h: "help" } },
  redact: {
    strings: ["dir", "reason", "agent", "add-key", "add-pattern"],
    booleans: ["show-policy", "with-defaults", "without-defaults", "on", "off", "rebuild", "json", "help"],
    alias: { h: "help" },
  },
  index: { strings: ["dir"], booleans: ["rebuild", "auto", "json", "help"], alias: { h: "help" }, repeatable: ["dir"] },
  export: {
    strings: ["format", "out", "dir", "agent", "task", "channel", "primitive", "type", "status", "grep", "since", "until", "causality", "depth", "max-children", "infer-window", "space", "space-tz"],
    booleans: ["utc", "infer", "no-sources", "no-index", "help"],
    alias: { h: "help", g: "grep" },
    repeatable: ["dir"],
  },
};

/** The shells `trace completion` writes a script for. */
export const SHELLS = ["bash", "zsh", "fish"] as const;
