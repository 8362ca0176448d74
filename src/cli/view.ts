import { exportTo, exportToFile, UsageError } from "../index.js";
import type { Parsed } from "./args.js";
import { badLines, questionOf, readingOf, requireStores, type CliContext } from "./context.js";
import { indexUseOf } from "./index-background.js";

/** Where `trace view` writes without --out. */
const DEFAULT_PAGE = "trace-view.html";

/** `trace view [TARGET | --causality X] [filters] [--out FILE] [--open]`: the run as one offline page. */
export async function runView(p: Parsed, ctx: CliContext): Promise<number> {
  if (p.words.length > 1) throw new UsageError(`one TARGET at most, got ${p.words.length}: ${p.words.join(" ")}`);
  const out = p.values.out ?? DEFAULT_PAGE;
  if (out === "") throw new UsageError("--out: name a file");
  if (out === "-" && p.switches.open) throw new UsageError("--open needs a file: drop --out - or name one");
  const bad = badLines(ctx);
  requireStores(p, ctx);
  const indexUse = indexUseOf(p, ctx);
  const question = questionOf(p);
  const reading = readingOf(p, ctx, bad, indexUse.option);
  if (out === "-") {
    for await (const chunk of exportTo("html", question, reading)) {
      if (ctx.out.closed) break;
      await ctx.out.text(chunk);
    }
    await ctx.out.flush();
    await indexUse.done();
    return bad.code;
  }
  const bytes = await exportToFile("html", question, reading, out);
  await indexUse.done();
  ctx.warn(`wrote ${out} (${bytes < 1 << 20 ? `${Math.ceil(bytes / 1024)} KiB` : `${(bytes / (1 << 20)).toFixed(1)} MiB`})`);
  if (p.switches.open && !(await openInBrowser(out, ctx))) return Math.max(bad.code, 1);
  return bad.code;
}

/** Hands the page to the desktop's opener; false (said on stderr) when there is none. */
async function openInBrowser(path: string, ctx: CliContext): Promise<boolean> {
  const { spawn } = process.getBuiltinModule("node:child_process");
  const [command, ...args] = process.platform === "darwin" ? ["open", path] : process.platform === "win32" ? ["cmd", "/c", "start", "", path] : ["xdg-open", path];
  return new Promise((resolve) => {
    const child = spawn(command!, args, { stdio: "ignore", detached: true });
    child.once("error", (err) => {
      ctx.warn(`--open: ${command} could not be started (${(err as NodeJS.ErrnoException).code ?? err.message}); open ${path} in a browser`);
      resolve(false);
    });
    child.once("spawn", () => {
      child.unref();
      resolve(true);
    });
  });
}
