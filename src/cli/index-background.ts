/**
 * The index builder a query leaves behind: when a store it read has sealed days of
 * 1 MiB or more without a fresh index, a detached `trace index --auto` builds them at
 * a low priority after the query has gone, so no query waits for a build. One builder
 * per store at a time, by a lock file naming its pid.
 */
import { spawn } from "node:child_process";
import { accessSync, constants, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { setPriority } from "node:os";
import { join } from "node:path";
import { indexFolderOf, makeFolder, unindexedDays } from "../day-index/facade.js";
import type { IndexOption } from "../query/indexed.js";
import type { Parsed } from "./args.js";
import type { CliContext } from "./context.js";

const LOCK = ".building";

function lockPath(dir: string): string {
  return join(indexFolderOf(dir), LOCK);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pid in a store's build lock when that process still runs. */
function builderOf(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(lockPath(dir), "utf8"));
    return Number.isSafeInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the store's build lock; undefined when another builder holds it. Returns its release. */
export function holdBuildLock(dir: string): (() => void) | undefined {
  const path = lockPath(dir);
  try {
    makeFolder(indexFolderOf(dir));
  } catch {
    return undefined;
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: "wx" });
      return () => {
        try {
          unlinkSync(path);
        } catch {
          // gone with the store
        }
      };
    } catch {
      // A lock its holder left when it died is taken over once.
      if (builderOf(dir) !== undefined) return undefined;
      try {
        unlinkSync(path);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * Starts `trace index --auto` for each store that needs it, detached, unless
 * `TRACE_INDEX=off`, the store may not be written, or a builder runs there already.
 * `command` is how this CLI was started (node and its script).
 */
export function startBackgroundIndex(dirs: readonly string[], env: NodeJS.ProcessEnv, command: readonly string[] = [process.execPath, process.argv[1] ?? ""]): void {
  if (env.TRACE_INDEX === "off" || command[1] === "") return;
  for (const dir of dirs) {
    try {
      accessSync(dir, constants.W_OK);
      if (builderOf(dir) !== undefined || unindexedDays(dir).length === 0) continue;
      const child = spawn(command[0]!, [...command.slice(1), "index", "--auto", "--dir", dir], { detached: true, stdio: "ignore", env });
      child.on("error", () => undefined);
      if (child.pid !== undefined) {
        try {
          setPriority(child.pid, 10);
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
export function indexUseOf(p: Parsed, ctx: CliContext): { option: IndexOption; done(): void } {
  if (p.switches["no-index"]) return { option: false, done: () => undefined };
  let missed = false;
  const told = new Set<string>();
  return {
    option: { onNote: (m) => void (told.has(m) || (told.add(m), ctx.warn(m))), onMissing: () => void (missed = true) },
    done: () => {
      if (missed) startBackgroundIndex(ctx.dirs, ctx.env);
    },
  };
}
