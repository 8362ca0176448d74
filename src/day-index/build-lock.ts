/** One builder of a store's indexes at a time: the project's pid-lock at `.index/.building`. */
import { join } from "node:path";
import { UsageError } from "../errors.js";
import { lockHolder, tryPidLock } from "../store/pid-lock.js";
import { indexFolderOf, makeFolder } from "./files.js";

const LOCK = ".building";
/** How often a builder waiting for another looks again (ms). */
const WAIT_MS = 100;

function lockPath(dir: string): string {
  return join(indexFolderOf(dir), LOCK);
}

/**
 * Takes the store's build lock: waits while another builder holds it (`busy: "wait"`),
 * or gives up at once (`"skip"`: undefined). A store whose `.index/` cannot be made or
 * written is built unlocked: its writes fail day by day, and say so.
 *
 * @example
 * const release = await takeBuildLock(dir, "skip");
 */
export async function takeBuildLock(dir: string, busy: "wait" | "skip"): Promise<(() => void) | undefined> {
  for (;;) {
    try {
      makeFolder(indexFolderOf(dir));
      const release = tryPidLock(lockPath(dir));
      if (release) return release;
    } catch (err) {
      // .index a symbolic link: refused, as a day file that is one is.
      if (err instanceof UsageError) throw err;
      return () => undefined;
    }
    if (busy === "skip") return undefined;
    await new Promise((resolve) => setTimeout(resolve, WAIT_MS));
  }
}

/**
 * True while a live builder holds the store's lock.
 *
 * @example
 * if (!builderRunning(dir)) startBuilder(dir);
 */
export function builderRunning(dir: string): boolean {
  return lockHolder(lockPath(dir)) !== undefined;
}
