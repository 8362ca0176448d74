// A command line that never answers a question it was not asked: subcommands after global
// flags, slips told with the names nearest them, negative numbers refused by flag, -f --since.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { EXAMPLE, lines, tempDir, trace } from "../helpers/cli.js";

const E = ["--dir", EXAMPLE];

/** Asserts exit `code` and one stderr line matching `message`. */
async function fails(args: string[], code: number, message: RegExp): Promise<void> {
  const r = await trace(args);
  assert.equal(r.code, code, `${args.join(" ")}: ${r.stderr}`);
  assert.equal(lines(r.stderr).length, 1, `${args.join(" ")}: one line, got ${JSON.stringify(r.stderr)}`);
  assert.match(r.stderr, message, args.join(" "));
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack");
}

test("a subcommand after global flags is that subcommand", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  cpSync(EXAMPLE, dir, { recursive: true });
  const validate = await trace(["--dir", dir, "validate"]);
  assert.equal(validate.code, 0, validate.stderr);
  assert.match(validate.stdout, /^trace schema v1: /);
  const index = await trace(["--dir", dir, "index", "--json"]);
  assert.equal(index.code, 0, index.stderr);
  assert.match(index.stdout, /"state":"(built|fresh)"/);
  const sources = await trace(["--dir", dir, "sources"]);
  assert.match(sources.stderr, /no sources: no space-os database/);
  const dot = await trace(["--dir", dir, "export", "--format", "dot", "--causality", "task-abc123"]);
  assert.equal(dot.code, 0, dot.stderr);
  assert.match(dot.stdout, /^digraph /);
  // A value that is a command's name is that flag's value; after -- a word is a TARGET.
  const agent = await trace(["--dir", dir, "--agent", "index"]);
  assert.equal(agent.code, 0);
  assert.match(agent.stderr, /no matching events/);
  const target = await trace(["--dir", dir, "--", "index"]);
  assert.equal(target.code, 0);
  assert.equal(target.stdout, "");
});

test("slips exit 2 with the nearest known names: subcommands, flags, formats", async () => {
  await fails([...E, "valdate"], 2, /^trace: unknown command valdate; did you mean validate\? \(a target spelled like one: trace -- valdate\)$/m);
  await fails([...E, "exprot", "--format", "dot"], 2, /^trace: unknown command exprot; did you mean export\?$/m);
  await fails([...E, "--agnet", "haiku-1"], 2, /^trace: unknown flag --agnet; did you mean --agent\?$/m);
  await fails([...E, "--json", "--revers"], 2, /did you mean --reverse\?/);
  await fails(["export", ...E, "--format", "dto", "--causality", "task-abc123"], 2, /^trace: --format "dto": did you mean dot\?$/m);
  await fails([...E, "--frobnicate"], 2, /^trace: unknown flag --frobnicate; see trace --help$/m);
  // With no store to look in, a slip is still a slip; after --, the word is a TARGET.
  await fails(["--dir", "/nonexistent/store", "valdate"], 2, /^trace: unknown command valdate; did you mean validate\?/m);
  await fails(["--dir", "/nonexistent/store", "--", "valdate"], 2, /^trace: \/nonexistent\/store: no such store folder/m);
  const quoted = await trace([...E, "--", "valdate"]);
  assert.equal(quoted.code, 0, quoted.stderr);
  assert.deepEqual(lines(quoted.stderr), ["trace: no matching events"]);
});

test("a name that matches nothing: exit 0, and on stderr the names the store holds nearest it", async () => {
  const agent = await trace([...E, "--agent", "haiku1"]);
  assert.equal(agent.code, 0);
  assert.equal(agent.stdout, "");
  assert.deepEqual(lines(agent.stderr), ["trace: no matching events (--agent haiku1: did you mean haiku-1 or haiku-2?)"]);
  const json = await trace([...E, "--json", "--channel", "#paymnts"]);
  assert.equal(json.code, 0);
  assert.deepEqual(lines(json.stderr), ["trace: no matching events (--channel paymnts: did you mean payments?)"]);
  const target = await trace([...E, "task-abc12"]);
  assert.deepEqual(lines(target.stderr), ["trace: no matching events (TARGET task-abc12: did you mean task-abc123?)"]);
  const nothing = await trace([...E, "--agent", "nobody-at-all"]);
  assert.deepEqual(lines(nothing.stderr), ["trace: no matching events"]);
});

test("numeric flags refuse negative values by name", async () => {
  await fails([...E, "--causality", "task-abc123", "--depth", "-1"], 2, /^trace: --depth: expected a whole number, got "-1"$/m);
  await fails([...E, "--causality", "task-abc123", "--max-children", "-5"], 2, /^trace: --max-children: expected a whole number, got "-5"$/m);
  await fails([...E, "-n", "-3"], 2, /^trace: -n: expected a whole number, got "-3"$/m);
  // A WHEN that starts with a minus is a WHEN.
  const since = await trace([...E, "--since", "-2h"]);
  assert.equal(since.code, 0, since.stderr);
});

test("a word that looks like a number stays as typed: an id's last digits, leading zeros, an exponent", async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  // The last 12 characters of a UUID can read as a number: 5e9234567890 is Infinity, 000123456789 loses its zeros.
  for (const id of ["5e9234567890", "000123456789", "1e5"]) {
    await fails(["redact", id, "--reason", "x", "--dir", dir], 2, new RegExp(`^trace: redact ${id}: no event with that id`, "m"));
  }
  const timeline = await trace([...E, "000042", "--json"]);
  assert.equal(timeline.code, 0, timeline.stderr);
  assert.equal(timeline.stdout, "");
});

test("-f --since WHEN starts the follow from WHEN: every event since then, not the last 10", async () => {
  const r = await trace([...E, "-f", "--since", "2025-10-22 14:00", "--until", "now", "--utc"]);
  assert.equal(r.code, 0, r.stderr);
  const rows = lines(r.stdout);
  assert.ok(rows.length > 10);
  assert.deepEqual(rows, lines((await trace([...E, "--since", "2025-10-22 14:00", "--utc"])).stdout), "what the query since then answers");
  const backlog = await trace([...E, "-f", "--until", "now", "--utc"]);
  assert.equal(lines(backlog.stdout).length, 10, "without --since: the last 10");
});
