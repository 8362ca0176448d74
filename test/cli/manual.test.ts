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

test("every flag the parser takes is on its command's page", () => {
  const onPage = (name: string): string => PAGES.find((p) => p.name === name)!.groups.flatMap((g) => g.flags.map(([f]) => f)).join(" ");
  for (const [name, spec] of [["trace", QUERY_FLAGS], ...Object.entries(COMMAND_FLAGS)] as const) {
    for (const flag of [...spec.strings, ...spec.booleans]) {
      if (flag === "help" && name !== "trace") continue;
      const spelled = flag.length === 1 ? `-${flag}` : `--${flag}`;
      assert.ok(onPage(name).includes(spelled), `trace ${name}: ${spelled} is not documented`);
    }
  }
});
