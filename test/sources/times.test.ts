import { test } from "node:test";
import assert from "node:assert/strict";
import { createTimeReader } from "../../src/sources/times.js";

test("naive local text in a named zone lands on the instant, on both sides of a change of offset", () => {
  const sydney = createTimeReader("Australia/Sydney");
  // Summer (+11) and winter (+10).
  assert.equal(sydney("2026-12-05T00:55:18.627711", "local-text"), Date.parse("2026-12-04T13:55:18.627Z"));
  assert.equal(sydney("2026-07-01 09:00:00", "local-text"), Date.parse("2026-06-30T23:00:00Z"));
  // A UTC column never moves, whatever the zone; a time with its own offset is read with it.
  assert.equal(sydney("2026-12-04T13:55:18.298", "utc-text"), Date.parse("2026-12-04T13:55:18.298Z"));
  assert.equal(sydney("2026-12-04T13:55:18+02:00", "local-text"), Date.parse("2026-12-04T11:55:18Z"));
  const york = createTimeReader("America/New_York");
  // The hour after clocks went back (2026-11-01, 01:30 happens twice): read as the first; the hour skipped in spring reads forward.
  assert.equal(york("2026-11-01T01:30:00", "local-text"), Date.parse("2026-11-01T05:30:00Z"));
  assert.equal(york("2026-11-01T03:00:00", "local-text"), Date.parse("2026-11-01T08:00:00Z"));
  assert.equal(york("2026-03-08T02:30:00", "local-text"), Date.parse("2026-03-08T07:30:00Z"));
  assert.equal(createTimeReader("-05:00")("2026-11-01T01:30:00", "local-text"), Date.parse("2026-11-01T06:30:00Z"));
  assert.throws(() => createTimeReader("Mars/Base"), /--space-tz "Mars\/Base": not a time zone/);
});
