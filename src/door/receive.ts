/** The library's door for `trace receive`: OTLP/HTTP spans in, events out. */
import { UsageError } from "../errors.js";
import { resolveStoreDir } from "../store/layout.js";
import type { Receiver } from "../receive/server.js";

export type { Receiver } from "../receive/server.js";

/** Where and how to receive. */
export interface ReceiveOptions {
  /** `HOST:PORT` to listen on (default `127.0.0.1:4318`, OTLP/HTTP's port); port 0 lets the system choose. */
  listen?: string | undefined;
  /** The store written (default as `resolveStoreDir()` finds it). */
  dir?: string | undefined;
  /** The largest body taken, before and after gzip (default 16 MiB). */
  maxBodyBytes?: number | undefined;
  /** Told of each request taken. */
  onBatch?: ((done: { written: number; present: number; rejected: number }) => void) | undefined;
}

/** OTLP/HTTP's default address. */
export const DEFAULT_LISTEN = "127.0.0.1:4318";

/**
 * Starts an OTLP/HTTP receiver that appends every span it is sent as an event of the
 * store; resolves once it listens. `close()` stops it after the requests it took.
 *
 * @example
 * const receiver = await receive({ listen: "127.0.0.1:0", dir: ".space/trace" });
 * console.log(`http://${receiver.host}:${receiver.port}/v1/traces`);
 * await receiver.close();
 */
export async function receive(options: ReceiveOptions = {}): Promise<Receiver> {
  const listen = options.listen ?? DEFAULT_LISTEN;
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+):(\d{1,5})$/.exec(listen);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new UsageError(`--listen ${JSON.stringify(listen)}: expected HOST:PORT, such as 127.0.0.1:4318 or 0.0.0.0:4318`);
  const { startReceiver } = await import("../receive/server.js");
  try {
    return await startReceiver({ dir: resolveStoreDir({ dir: options.dir }), host: m[1]!.replace(/^\[|\]$/g, ""), port, maxBodyBytes: options.maxBodyBytes, onBatch: options.onBatch });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new UsageError(`--listen ${listen}: ${code === "EADDRINUSE" ? "the address is in use" : code === "EACCES" ? "not allowed to listen there" : "no such address here"}`);
    throw err;
  }
}
