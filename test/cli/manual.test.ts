import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { COMMAND_FLAGS, QUERY_FLAGS } from "../../src/cli/flags.js";
import { helpText } from "../../src/cli/help.js";
import { VERSION } from "../../src/cli/main.js";
import { manPage } from "../../src/cli/man.js";
import { PAGES } from "../../src/cli/manual.js";
import { ROOT, trace } from "../helpers/cli.js";

/** The man page as words, roff taken away. */
function plainMan(text: string): string {
  return text.replace(/\\f[BIR]/g, "").replace(/\\-/g, "-").replace(/\\e/g, "\\").replace(/\\&/g, "").replace(/^\.[A-Z]+ ?/gm, "");
}

test("--help and the man page are written from one manual and never disagree", async () => {
  const shipped = readFileSync(join(ROOT, "build/man/trace.1"), "utf8");
  assert.equal(shipped, manPage(VERSION), "the shipped trace.1 is the manual as built");
  const man = plainMan(shipped);
  for (const page of PAGES) {
    const r = await trace(page.name === "trace" ? ["--help"] : [page.name, "--help"]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, helpText(page), `trace ${page.name} --help is its page`);
    for (const usage of page.usage) assert.ok(man.includes(usage), `man: ${usage}`);
    for (const group of page.groups) for (const [flag, text] of group.flags) assert.ok(man.includes(flag) && man.includes(text), `man: ${page.name} ${flag}`);
  }
});

test("the parser and completion take their flags from the manual's pages", async () => {
  for (const page of PAGES) {
    const spec = page.name === "trace" ? QUERY_FLAGS : COMMAND_FLAGS[page.name]!;
    const spelled = page.groups.flatMap((g) => g.flags.flatMap(([f]) => f.split(", "))).filter((f) => f.startsWith("-"));
    for (const spelling of spelled) {
      const [flag, metavar] = spelling.split(" ");
      const name = flag!.startsWith("--") ? flag!.slice(2) : (spec.alias?.[flag!.slice(1)] ?? flag!.slice(1));
      assert.ok(metavar === undefined || spec.strings.includes(name), `trace ${page.name}: ${spelling} takes a value`);
      assert.ok(metavar !== undefined || spec.booleans.includes(name) || spec.strings.includes(name), `trace ${page.name}: ${spelling} is a switch`);
    }
    const r = await trace(["__complete", page.name === "trace" ? "1" : "2", ...(page.name === "trace" ? [] : [page.name]), "-"]);
    const offered = new Set(r.stdout.trim().split("\n"));
    for (const spelling of spelled) assert.ok(offered.has(spelling.split(" ")[0]!), `completion of trace ${page.name} offers ${spelling}`);
  }
  assert.deepEqual(COMMAND_FLAGS.export!.alias, { h: "help", f: "follow", g: "grep" });
  assert.ok(QUERY_FLAGS.repeatable!.includes("dir") && QUERY_FLAGS.strings.includes("n") && QUERY_FLAGS.alias!.f === "follow");
  // A flag that no page names is refused, by the CLI, with the nearest one.
  const r = await trace(["--dri", "x"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^trace: unknown flag --dri; did you mean --dir\?\n$/);
});
