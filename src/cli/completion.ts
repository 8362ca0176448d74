/**
 * Shell completion: `trace completion bash|zsh|fish` prints a script that asks
 * `trace __complete INDEX WORD…` for the candidates of the word being typed — commands,
 * flags, and the agents, targets, channels and primitives of the store's latest days.
 */
import { EXPORT_FORMATS, recentValues, resolveStoreDir, UsageError, type RecentValues } from "../index.js";
import { OUTPUT_MODES } from "../api/render.js";
import type { FlagSpec, Parsed } from "./args.js";
import type { CliContext } from "./context.js";
import { COMMAND_FLAGS, QUERY_FLAGS, SHELLS } from "./flags.js";

const SCRIPTS: Record<(typeof SHELLS)[number], string> = {
  bash: `# trace completion for bash: source <(trace completion bash)
_trace() {
  local IFS=$'\\n'
  COMPREPLY=($(trace __complete "$COMP_CWORD" "\${COMP_WORDS[@]:1}" 2>/dev/null))
  if [ \${#COMPREPLY[@]} -eq 0 ]; then COMPREPLY=($(compgen -f -- "\${COMP_WORDS[COMP_CWORD]}")); fi
}
complete -F _trace trace
`,
  zsh: `#compdef trace
# trace completion for zsh: source <(trace completion zsh)
_trace() {
  local -a reply
  reply=("\${(@f)$(trace __complete $((CURRENT - 1)) "\${(@)words[2,-1]}" 2>/dev/null)}")
  if (( \${#reply} )); then compadd -- "\${reply[@]}"; else _files; fi
}
compdef _trace trace
`,
  fish: `# trace completion for fish: trace completion fish | source
complete -c trace -f -a '(set -l w (commandline -opc) (commandline -ct); trace __complete (math (count $w) - 1) $w[2..-1] 2>/dev/null)'
`,
};

/** `trace completion SHELL`: the script. */
export async function runCompletion(p: Parsed, ctx: CliContext): Promise<number> {
  const shell = p.words[0];
  if (p.words.length !== 1 || !(SHELLS as readonly string[]).includes(shell!)) throw new UsageError(`completion: name one shell: ${SHELLS.join(", ")}`);
  await ctx.out.text(SCRIPTS[shell as (typeof SHELLS)[number]]);
  await ctx.out.flush();
  return 0;
}

/** WHEN forms, offered after --since and --until. */
const WHEN_FORMS = ["2h ago", "30m ago", "yesterday", "today", "now", "last wake", "when "];

/** Flags whose values are a fixed list. */
const WORDS: Record<string, readonly string[]> = {
  format: EXPORT_FORMATS,
  output: OUTPUT_MODES,
  since: WHEN_FORMS,
  until: WHEN_FORMS,
  status: ["error"],
  "space-tz": ["local", "UTC"],
};

/** Flags that take a value, and which values the store can offer for them. */
const VALUES: Record<string, "agents" | "targets" | "channels" | "primitives"> = {
  agent: "agents",
  task: "targets",
  target: "targets",
  causality: "targets",
  channel: "channels",
  primitive: "primitives",
};

/**
 * `trace __complete INDEX WORD…`: one candidate per line for word INDEX (1-based, the
 * words after `trace`), those that start with what is typed. Always exits 0.
 */
export async function runComplete(argv: string[], io: { stdout: { write(s: string): unknown }; env: NodeJS.ProcessEnv }): Promise<number> {
  const index = Number(argv[0]);
  const words = argv.slice(1);
  const typed = words[index - 1] ?? "";
  const candidates = complete(words, index, io.env);
  const out = candidates.filter((c) => c.startsWith(typed));
  if (out.length > 0) io.stdout.write(out.join("\n") + "\n");
  return 0;
}

/** The candidates for word `index` of `words`, before filtering by what is typed. */
function complete(words: string[], index: number, env: NodeJS.ProcessEnv): string[] {
  const command = words[0] !== undefined && words[0] in COMMAND_FLAGS && index > 1 ? words[0] : undefined;
  const spec = command ? COMMAND_FLAGS[command]! : QUERY_FLAGS;
  const typed = words[index - 1] ?? "";
  const previous = words[index - 2];
  if (command === "completion") return [...SHELLS];
  if (previous?.startsWith("-")) {
    const short = previous.replace(/^--?/, "");
    const flag = spec.alias?.[short] ?? short;
    if (spec.strings.includes(flag)) {
      const fixed = WORDS[flag];
      if (fixed) return [...fixed];
      const kind = VALUES[flag];
      return kind ? storeValues(words, env)[kind] : [];
    }
  }
  if (typed.startsWith("-")) return flagsOf(spec);
  if (index === 1) return [...Object.keys(COMMAND_FLAGS), ...storeValues(words, env).targets];
  return command ? [] : storeValues(words, env).targets;
}

/** Every flag of a spec, spelled as typed. */
function flagsOf(spec: FlagSpec): string[] {
  return [...spec.strings, ...spec.booleans].map((f) => (f.length === 1 ? `-${f}` : `--${f}`)).concat(Object.keys(spec.alias ?? {}).map((a) => `-${a}`));
}

/** The values the latest days of the store hold (the library reads them). */
function storeValues(words: string[], env: NodeJS.ProcessEnv): RecentValues {
  const dirAt = words.indexOf("--dir");
  return recentValues(resolveStoreDir({ dir: dirAt !== -1 ? words[dirAt + 1] : undefined, env }));
}
