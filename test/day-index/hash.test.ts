import { test } from "node:test";
import assert from "node:assert/strict";
import { INDEXED_FIELDS } from "../../src/engine/facade.js";
import { keyOf, keyOfBytes } from "../../src/day-index/hash.js";
import { rng } from "../helpers/rng.js";

test("a value's key is the key of its UTF-8 bytes, whether its characters are hashed as they stand or as bytes", () => {
  const pick = rng(7);
  const alphabet = ["a", "Z", "-", "0", '"', "\\", "é", "агент", "🚀", "\u0000", "\u007f", "\u0080", "\ud800", "￿"];
  const values = ["", "haiku-1", "task-42", "01a00000-0000-7000-8000-00000000late", "ünïcødé-агент", "агент-0000-0000-1234abcd", "01a00000-0000-7000-8000-0000000éé", "emoji-🚀", "x".repeat(300)];
  for (let i = 0; i < 500; i++) values.push(Array.from({ length: Math.floor(pick() * 24) }, () => alphabet[Math.floor(pick() * alphabet.length)]!).join(""));
  for (const field of INDEXED_FIELDS) {
    for (const value of values) {
      const bytes = Buffer.from(value, "utf8");
      assert.equal(keyOf(field, value), keyOfBytes(field, bytes, 0, bytes.length), `${field} ${JSON.stringify(value)}`);
    }
  }
});
