/**
 * The index builder a query leaves behind: when a store it read has sealed days of
 * 1 MiB or more without a fresh index, a detached `trace index --auto` builds them at
 * a low priority after the query has gone, so no query waits for a build. One builder
 * per store at a time: the library's `indexStore` holds the store's build lock.
 */
import { accessSync, constants } from "node:fs";
import { indexWanted, type IndexOption } from "../index.js";
import type { Parsed } from "./args.js";
import type { CliContext } from "./context.js";

/**
 * Starts `trace index --auto` for each store that needs it, detached, unless
 * `TRACE_INDEX=off`, the store may not be written, or a builder runs there already.
 * `command` is how this CLI was started (node and its script).
 */
export async function startBackgroundIndex(dirs: readonly string[], env: NodeJS.ProcessEnv, command: readonly string[] = [process.execPath, process.argv[1] ?? ""]): Promise<void> {
  if (env.TRACE_INDEX === "off" || command[1] === "") return;
  for (const dir of dirs) {
    try {
      accessSync(dir, constants.W_OK);
      if (!(await indexWanted(dir))) continue;
      // Loaded here, not at start: child_process brings net and dgram, and most queries spawn nothing.
      const child = process.getBuiltinModule("node:child_process").spawn(command[0]!, [...command.slice(1), "index", "--auto", "--dir", dir], { detached: true, stdio: "ignore", env });
      child.on("error", () => undefined);
      if (child.pid !== undefined) {
        try {
          process.getBuiltinModule("node:os").setPriority(child.pid, 10);
        } catch {
          // the default priority, then
        }
      }
      child.unref();
    } catch {
      // A store we cannot index is read as before.
    }
  }
}

/**
 * A command's use of the indexes: `--no-index` reads every day whole; otherwise damaged
 * indexes are told on stderr, and `done()` starts a builder for the stores in which the
 * command wanted an index it did not find.
 */
export function indexUseOf(p: Parsed, ctx: CliContext): { option: IndexOption; done(): Promise<void> } {
  if (p.switches["no-index"]) return { option: false, done: async () => undefined };
  let missed = false;
  const told = new Set<string>();
  return {
    option: { onNote: (m) => void (told.has(m) || (told.add(m), ctx.warn(m))), onMissing: () => void (missed = true) },
    done: async () => {
      if (missed) await startBackgroundIndex(ctx.dirs, ctx.env);
    },
  };
}
