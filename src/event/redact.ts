/**
 * Private payloads. An event is never dropped: what can be hidden is its metadata, and
 * its skeleton (id, time, primitive, type, agent, target, parent) always stays, so that
 * timelines, trees and counts stay true. At write time the metadata, or some of its
 * keys, is stored as a digest of the original (a holder of the original can prove it);
 * on the way out a policy masks keys and values that look like secrets, and a
 * tombstone (`trace redact`) hides an event's metadata after the fact.
 */
import { isPlainObject, type TraceEvent } from "./envelope.js";

/** What a masked value becomes. */
export const MASK = "[redacted]";

/** `sha256:` and the hex digest of a value's JSON. */
export function digestOf(value: unknown): string {
  return `sha256:${process.getBuiltinModule("node:crypto").createHash("sha256").update(JSON.stringify(value) ?? "null").digest("hex")}`;
}

/**
 * Metadata as a private event stores it: only that it was hidden, why, and the digest.
 *
 * @example
 * privateMetadata({ prompt: "…" }, "customer data"); // { redacted: true, reason: "customer data", digest: "sha256:…" }
 */
export function privateMetadata(metadata: Record<string, unknown>, reason: string | undefined): Record<string, unknown> {
  return { redacted: true, ...(reason !== undefined ? { reason } : {}), digest: digestOf(metadata) };
}

/**
 * Metadata with the values of `keys` (at any depth) stored as `{redacted, digest}`.
 *
 * @example
 * redactKeys({ user: "a", auth: { api_key: "sk-1" } }, ["api_key"]); // auth.api_key → { redacted: true, digest: "sha256:…" }
 */
export function redactKeys(metadata: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const wanted = new Set(keys.map((k) => k.toLowerCase()));
  return mapTree(metadata, (key, value) => (wanted.has(key.toLowerCase()) ? { redacted: true, digest: digestOf(value) } : undefined)) as Record<string, unknown>;
}

/** Rewrites a JSON tree: `replace` may give a key's new value; strings go through `text`. Iterative: no depth overflows it. */
function mapTree(root: unknown, replace: (key: string, value: unknown) => unknown, text: (s: string) => string = (s) => s): unknown {
  const out = { value: root as unknown };
  const stack: { holder: Record<string, unknown> | unknown[]; key: string | number }[] = [{ holder: out as unknown as Record<string, unknown>, key: "value" }];
  while (stack.length > 0) {
    const { holder, key } = stack.pop()!;
    const value = (holder as Record<string | number, unknown>)[key];
    if (typeof value === "string") {
      (holder as Record<string | number, unknown>)[key] = text(value);
    } else if (Array.isArray(value)) {
      const copy = [...value];
      (holder as Record<string | number, unknown>)[key] = copy;
      for (let i = 0; i < copy.length; i++) stack.push({ holder: copy, key: i });
    } else if (isPlainObject(value)) {
      const copy: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const replaced = replace(k, v);
        copy[k] = replaced === undefined ? v : replaced;
        if (replaced === undefined) stack.push({ holder: copy, key: k });
      }
      (holder as Record<string | number, unknown>)[key] = copy;
    }
  }
  return out.value;
}

/** What the policy masks on the way out. */
export interface RedactPolicy {
  /** Metadata keys (any depth, any case) whose values are masked whole. */
  keys: readonly string[];
  /** Regular expressions (source text): the parts of string values they match are masked. */
  patterns: readonly string[];
}

/** The policy every store starts with. */
export const DEFAULT_POLICY: RedactPolicy = {
  keys: ["password", "passwd", "secret", "client_secret", "token", "access_token", "refresh_token", "api_key", "apikey", "authorization", "cookie", "private_key", "aws_secret_access_key"],
  patterns: [
    "Bearer\\s+[A-Za-z0-9._~+/-]+=*",
    "\\bsk-[A-Za-z0-9_-]{16,}",
    "\\bgh[pousr]_[A-Za-z0-9]{30,}",
    "\\bAKIA[0-9A-Z]{16}\\b",
    "\\bxox[abprs]-[A-Za-z0-9-]{10,}",
    "\\beyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}",
    "-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?-----END [A-Z ]*PRIVATE KEY-----",
  ],
};

/** A tombstone's overlay: who hid an event's metadata after the fact, and why. */
export interface Tombstone {
  /** The tombstone event's id. */
  id: string;
  by: string | null;
  reason: string | null;
  at: number;
}

/** A policy made ready: the keys as a set, the patterns as one expression, and a quick test for raw lines. */
export interface Masker {
  /** The event as shown: masked by the policy, and by its tombstone if it has one; the same object when nothing changes. */
  event(e: TraceEvent, tombstone?: Tombstone): TraceEvent;
  /** False when a stored line can hold nothing the policy masks: then its bytes go out as they are. */
  mayHold(text: string): boolean;
  /** A message about a stored value of `key` as it may be shown: a secret key's value, and what the patterns match, masked. */
  message(key: string, text: string): string;
}

/** A message that begins with the value it is about, as the schema's findings do. */
const LEADING_VALUE = /^("(?:[^"\\]|\\.)*"|\S+)(?= is )/;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Compiles a policy. A line may hold a masked key only if it spells the key in quotes
 * before a colon, or escapes a character (`"api\u005fkey"`): the quick test looks for those.
 *
 * @example
 * createMasker(DEFAULT_POLICY).event(e).metadata; // api_key → "[redacted]"
 */
export function createMasker(policy: RedactPolicy): Masker {
  const keys = new Set(policy.keys.map((k) => k.toLowerCase()));
  const values = policy.patterns.length > 0 ? new RegExp(policy.patterns.map((p) => `(?:${p})`).join("|"), "g") : undefined;
  // Two tests, not one: the keys' alternation factored and case-insensitive, the patterns as
  // the masking applies them; a third less time than one case-insensitive alternation of all.
  const quickKeys = new RegExp([...(keys.size > 0 ? [`"(?:${[...keys].map(escapeRegExp).join("|")})"\\s*:`] : []), "\\\\u"].join("|"), "i");
  const quickValues = values ? new RegExp(values.source) : undefined;
  return {
    mayHold: (text) => quickKeys.test(text) || (quickValues !== undefined && quickValues.test(text)),
    message: (key, text) => {
      const named = keys.has(key.toLowerCase()) ? text.replace(LEADING_VALUE, JSON.stringify(MASK)) : text;
      return values ? named.replace(values, MASK) : named;
    },
    event(e, tombstone) {
      if (tombstone) return { ...e, metadata: { redacted: true, reason: tombstone.reason, by: tombstone.by, tombstone: tombstone.id } };
      let changed = false;
      const byKey = (key: string): string | undefined => (keys.has(key.toLowerCase()) ? ((changed = true), MASK) : undefined);
      const byValue = (s: string): string => {
        if (!values) return s;
        const out = s.replace(values, MASK);
        if (out !== s) changed = true;
        return out;
      };
      const masked = mapTree(e.metadata, byKey, byValue) as Record<string, unknown>;
      return changed ? { ...e, metadata: masked } : e;
    },
  };
}
