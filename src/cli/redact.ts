import { policyOf, readStoreConfig, rebuildTombstones, redactEvent, updatePolicy, UsageError } from "../index.js";
import type { Parsed } from "./args.js";
import type { CliContext } from "./context.js";

const list = (text: string | undefined): string[] => (text ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");

/** `trace redact ID --reason TEXT`, or the policy: `--show-policy`, `--add-key`, `--add-pattern`, `--without-defaults`/`--with-defaults`, `--off`/`--on`; `--rebuild`. */
export async function runRedact(p: Parsed, ctx: CliContext): Promise<number> {
  const { values: v, switches: s } = p;
  const policyChange = v["add-key"] !== undefined || v["add-pattern"] !== undefined || s["without-defaults"] || s["with-defaults"] || s.off || s.on;
  if (p.words.length > 1) throw new UsageError(`redact: one event id at a time, got ${p.words.length}`);
  if (p.words.length === 1) {
    if (policyChange || s["show-policy"] || s.rebuild) throw new UsageError("redact: an event id, or the policy flags, not both");
    if (v.reason === undefined) throw new UsageError("redact ID needs --reason TEXT: the tombstone keeps why");
    const tombstone = await redactEvent(p.words[0]!, { dir: ctx.dir, reason: v.reason, agent: v.agent });
    await ctx.out.line(s.json ? JSON.stringify(tombstone) : tombstone.id);
  } else if (s.rebuild) {
    const n = await rebuildTombstones(ctx.dir);
    await ctx.out.line(s.json ? JSON.stringify({ tombstones: n }) : `${n} tombstone${n === 1 ? "" : "s"} in the registry`);
  } else {
    if ((s["with-defaults"] && s["without-defaults"]) || (s.on && s.off)) throw new UsageError("redact: --with-defaults and --without-defaults, or --on and --off, together");
    if (policyChange) updatePolicy(ctx.dir, { addKeys: list(v["add-key"]), addPatterns: v["add-pattern"] === undefined ? [] : [v["add-pattern"]], ...(s["with-defaults"] || s["without-defaults"] ? { defaults: s["with-defaults"] === true } : {}), ...(s.on || s.off ? { off: s.off === true } : {}) });
    else if (!s["show-policy"]) throw new UsageError("redact: name an event id (with --reason), or --show-policy, --add-key, --add-pattern, --without-defaults, --off, --rebuild");
    const config = readStoreConfig(ctx.dir).redact ?? {};
    const policy = policyOf(ctx.dir);
    if (s.json) await ctx.out.line(JSON.stringify({ off: config.off === true, defaults: config.defaults !== false, keys: policy.keys, patterns: policy.patterns }));
    else {
      await ctx.out.line(`masking: ${config.off ? "off (tombstones still apply)" : "on"}${config.defaults === false ? ", without the defaults" : ""}`);
      await ctx.out.line(`keys: ${policy.keys.join(", ") || "(none)"}`);
      for (const pattern of policy.patterns) await ctx.out.line(`pattern: ${pattern}`);
    }
  }
  await ctx.out.flush();
  return 0;
}
