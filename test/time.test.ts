import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDuration, parseWhen, UsageError } from "../src/index.js";

const now = Date.parse("2026-11-21T15:30:00Z");
const at = (text: string, utc = true): number => {
  const w = parseWhen(text, { now, utc });
  assert.equal(w.kind, "time", text);
  return (w as { ms: number }).ms;
};

test("relative forms count back from now", () => {
  const twoHours = now - 2 * 3_600_000;
  for (const form of ["2h ago", "2 hours ago", "-2h", "2h", "2hr ago", "120m ago", "2 h"]) assert.equal(at(form), twoHours, form);
  assert.equal(at("1h30m ago"), now - 5_400_000);
  assert.equal(at("1h 30m"), now - 5_400_000);
  assert.equal(at("90s ago"), now - 90_000);
  assert.equal(at("2 days ago"), now - 2 * 86_400_000);
  assert.equal(at("1w"), now - 7 * 86_400_000);
});

test("named days and now", () => {
  assert.equal(at("now"), now);
  assert.equal(at("today"), Date.parse("2026-11-21T00:00:00Z"));
  assert.equal(at("yesterday"), Date.parse("2026-11-20T00:00:00Z"));
  assert.equal(at("Yesterday"), Date.parse("2026-11-20T00:00:00Z"));
});

test("calendar forms, in UTC with --utc and in local time without", () => {
  assert.equal(at("2026-11-21"), Date.parse("2026-11-21T00:00:00Z"));
  assert.equal(at("2026-11-21 14:00"), Date.parse("2026-11-21T14:00:00Z"));
  assert.equal(at("2026-11-21 14:00:05"), Date.parse("2026-11-21T14:00:05Z"));
  assert.equal(at("2026-11-21T14:00:00Z", false), Date.parse("2026-11-21T14:00:00Z"));
  assert.equal(at("2026-11-21T14:00:00+02:00", false), Date.parse("2026-11-21T12:00:00Z"));
  assert.equal(at("2026-11-21 14:00", false), new Date(2026, 10, 21, 14, 0).getTime());
  assert.equal(at("@1763733600"), 1_763_733_600_000);
  assert.equal(at("@1763733600.5"), 1_763_733_600_500);
});

test("store-relative forms come back unresolved", () => {
  assert.deepEqual(parseWhen("last wake", { now }), { kind: "last-wake" });
  assert.deepEqual(parseWhen("when task-sub1 created", { now }), { kind: "created", target: "task-sub1" });
});

test("anything else is a usage error that lists the accepted forms", () => {
  for (const bad of ["soon", "2 parsecs ago", "2026-13-01", "2026-02-30", "", "ago", "@x", "14:00"]) {
    assert.throws(
      () => parseWhen(bad, { now }, "--since"),
      (err: unknown) => err instanceof UsageError && err.message.startsWith("--since: cannot read") && err.message.includes("2h ago"),
      bad,
    );
  }
});

test("durations for ages", () => {
  assert.equal(parseDuration("30d"), 30 * 86_400_000);
  assert.equal(parseDuration("2 weeks"), 14 * 86_400_000);
  assert.equal(parseDuration("12h"), 12 * 3_600_000);
  assert.equal(parseDuration("30 parsecs"), undefined);
  assert.equal(parseDuration("30"), undefined);
});
