/**
 * A fixed set of commands over three stores — the shipped example, a generated store
 * with damage and private values, and space-os's own databases — run through the real
 * CLI, their output, stderr and exit code written as one transcript. A refactoring that
 * changes no behaviour leaves it the same byte for byte (`scripts/golden.mjs`).
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { BIN, EXAMPLE, ROOT } from "../helpers/cli.js";
import { rng } from "../helpers/rng.js";

/** One command of the transcript: its words, and the zone it runs in (UTC unless said). */
interface Step {
  args: string[];
  tz?: string;
}

/** A UUIDv7 of `ms` whose random bits come from `next`. */
function idAt(ms: number, next: () => number): string {
  const hex = ms.toString(16).padStart(12, "0");
  const rand = Array.from({ length: 20 }, () => Math.floor(next() * 16).toString(16)).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8)}-7${rand.slice(0, 3)}-${"89ab"[Math.floor(next() * 4)]}${rand.slice(3, 6)}-${rand.slice(6, 18)}`;
}

/**
 * Two days and a compressed third of agents, tasks and channels, with a torn line, a line
 * that is not JSON, one that is not an object, an API key in metadata and a control
 * character in a title. Returns ids the commands name.
 */
function writeDamagedStore(dir: string): { root: string; leaf: string } {
  mkdirSync(dir, { recursive: true });
  const next = rng(26);
  const days = [Date.UTC(2025, 9, 20, 9), Date.UTC(2025, 9, 21, 9), Date.UTC(2025, 9, 22, 9)];
  const texts: string[] = [];
  let root = "";
  let leaf = "";
  for (const [d, start] of days.entries()) {
    const lines: string[] = [];
    let parent: string | null = null;
    for (let i = 0; i < 24; i++) {
      const ms = start + i * 61_000;
      const id = idAt(ms, next);
      const agent = `a-${i % 3}`;
      const task = i % 4 === 0 ? null : `b-task-${i % 2}`;
      const metadata: Record<string, unknown> = { step: i, day: d };
      if (i === 5) metadata.api_key = "sk-live-0123456789abcdef";
      if (i === 7) metadata.title = "odd\u001b[31m title";
      const primitive = ["ops", "bridge", "tool", "memory"][i % 4]!;
      const event = { id, timestamp: ms, primitive, event_type: i === 0 ? "wake" : "step", agent_id: agent, target_id: primitive === "bridge" ? "general" : task, parent_event_id: i % 3 === 0 ? null : parent, metadata };
      if (d === 0 && i === 0) root = id;
      if (i % 3 !== 0 || d > 0) parent = id;
      if (d === 1 && i === 23) leaf = id;
      lines.push(JSON.stringify(event));
      if (d === 0 && i === 10) lines.push('{"id":"torn-line","timestamp":176');
      if (d === 1 && i === 3) lines.push("not json at all");
      if (d === 1 && i === 12) lines.push("[1,2,3]");
    }
    texts.push(lines.join("\n") + "\n");
  }
  writeFileSync(join(dir, "2025-10-20.ndjson.gz"), gzipSync(texts[0]!));
  writeFileSync(join(dir, "2025-10-21.ndjson"), texts[1]!);
  writeFileSync(join(dir, "2025-10-22.ndjson"), texts[2]!);
  return { root, leaf };
}

/** The commands, over the stores laid out in `tmp`. */
function steps(tmp: string, ids: { root: string; leaf: string }): Step[] {
  const ex = ["--dir", join(tmp, "payments")];
  const dmg = ["--dir", join(tmp, "damaged")];
  const head = ["--dir", join(tmp, "head", "trace"), "--space", join(tmp, "head", "space.db")];
  const legacy = ["--dir", join(tmp, "legacy", "trace"), "--space", join(tmp, "legacy")];
  const task = "01a24156-7cc8-78fa-a4ba-64ba380ff17f";
  const sydney = "Australia/Sydney";
  return [
    { args: [...ex, "task-abc123", "--utc"] },
    { args: [...ex, "task-abc123", "--json"] },
    { args: [...ex, "--utc"] },
    { args: [...ex, "--json"] },
    { args: [...ex, "--agent", "haiku-1", "--utc"] },
    { args: [...ex, "--primitive", "ops", "--json"] },
    { args: [...ex, "--channel", "#payments", "--utc"] },
    { args: [...ex, "--since", "2025-10-22 14:05", "--until", "2025-10-22 14:30", "--utc"] },
    { args: [...ex, "-n", "3", "--utc"] },
    { args: [...ex, "--reverse", "-n", "5", "--json"] },
    { args: [...ex, "--plain", "--utc"] },
    { args: [...ex, "--since", "last wake", "--agent", "zealot-1", "--utc"] },
    { args: [...ex, "--since", "when task-abc123 created", "--utc"] },
    { args: [...ex, "--causality", "task-abc123"] },
    { args: [...ex, "--causality", "task-abc123", "--json"] },
    { args: [...ex, "--causality", "task-abc123", "--depth", "1", "--max-children", "2"] },
    { args: [...ex, "--causality", "task-sub1", "--infer"] },
    { args: ["export", ...ex, "--format", "otlp", "--causality", "task-abc123"] },
    { args: ["export", ...ex, "--format", "chrome", "task-abc123"] },
    { args: ["export", ...ex, "--format", "dot", "--causality", "task-abc123"] },
    { args: ["export", ...ex, "--format", "mermaid", "--causality", "task-abc123"] },
    { args: ["export", ...ex, "--format", "otlp", "--agent", "haiku-1"] },
    { args: ["validate", ...ex] },
    { args: ["validate", ...ex, "--json"] },
    { args: ["prune", ...ex, "--older-than", "10000d", "--dry-run", "--json"] },
    { args: [...ex, "task-abc123", "--utc"], tz: "America/New_York" },
    { args: [...ex, "--help"] },
    { args: ["export", "--help"] },
    { args: [...dmg, "--utc"] },
    { args: [...dmg, "--json", "--agent", "a-1"] },
    { args: [...dmg, "b-task-1", "--utc", "-n", "12"] },
    { args: [...dmg, "--json", "--no-redact", "--primitive", "memory"] },
    { args: [...dmg, "--causality", ids.root] },
    { args: [...dmg, "--causality", ids.leaf.slice(-12), "--json"] },
    { args: [...dmg, "--since", "2025-10-21", "--until", "2025-10-21 09:10", "--json"] },
    { args: [...dmg, "--plain", "--since", "2025-10-20 09:00", "--until", "2025-10-20 09:12", "--utc"] },
    { args: ["validate", ...dmg] },
    { args: ["export", ...dmg, "--format", "otlp", "--primitive", "memory"] },
    { args: ["export", ...dmg, "--format", "mermaid", "--causality", ids.root] },
    { args: [...head, "--utc"], tz: sydney },
    { args: [...head, "--json"], tz: sydney },
    { args: [...head, task, "--utc"], tz: sydney },
    { args: [...head, "--causality", task, "--utc"], tz: sydney },
    { args: [...head, "--agent", "zealot", "--utc"], tz: sydney },
    { args: [...head, "--agent", "zealot", "--since", "last wake", "--utc"], tz: sydney },
    { args: [...head, "--agent", "zealot", "--since", "last wake", "--space-tz", "Australia/Sydney", "--utc"], tz: "America/Los_Angeles" },
    { args: [...head, "--channel", "dev", "--utc"], tz: sydney },
    { args: [...head, "--causality", "01a24156-9754-72cc-a3c1-843206cf1d6d", "--utc"], tz: sydney },
    { args: [...head, "--causality", "01a24156-9754-72cc-a3c1-843206cf1d6d", "--infer", "--utc"], tz: sydney },
    { args: ["sources", ...head, "--utc"], tz: sydney },
    { args: [...head, "--space-tz", "Mars/Base"], tz: sydney },
    { args: ["sources", ...head, "--json"], tz: sydney },
    { args: ["validate", ...head], tz: sydney },
    { args: ["import", ...head, "--dry-run", "--json"], tz: sydney },
    { args: [...legacy, "--utc"], tz: sydney },
    { args: [...ex, "--since", "yesterday-ish"] },
    { args: ["--dir", join(tmp, "nowhere")] },
    { args: [...ex, "--frobnicate"] },
    { args: ["emit", ...ex, "ops", "create_task", "--meta", "{"] },
    { args: ["export", ...ex, "--format", "dot"] },
  ];
}

/**
 * Runs every command in a fresh temporary layout and returns the transcript: for each,
 * its words, exit code, stdout and stderr, with the temporary folder written as `$TMP`.
 *
 * @example
 * const text = goldenTranscript();
 */
export function goldenTranscript(): string {
  const tmp = mkdtempSync(join(tmpdir(), "trace-golden-"));
  try {
    cpSync(EXAMPLE, join(tmp, "payments"), { recursive: true });
    const ids = writeDamagedStore(join(tmp, "damaged"));
    const fixtures = join(ROOT, "test", "fixtures", "space-os");
    mkdirSync(join(tmp, "head", "trace"), { recursive: true });
    cpSync(join(fixtures, "real-head", "space.db"), join(tmp, "head", "space.db"));
    mkdirSync(join(tmp, "legacy", "trace"), { recursive: true });
    cpSync(join(fixtures, "real-2025-10-22"), join(tmp, "legacy"), { recursive: true });
    const out: string[] = [];
    for (const step of steps(tmp, ids)) {
      const r = spawnSync(BIN, step.args, { cwd: tmp, encoding: "utf8", env: { ...process.env, TZ: step.tz ?? "UTC", NO_COLOR: "1", TRACE_DIR: "", TRACE_SPACE: "", TRACE_INDEX: "off" } });
      const words = step.args.map((a) => (/^[\w./:@#$-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
      out.push(`$ ${step.tz ? `TZ=${step.tz} ` : ""}trace ${words}`, `exit ${r.status}`, "--- stdout", r.stdout, "--- stderr", r.stderr, "");
    }
    return out.join("\n").split(tmp).join("$TMP");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
