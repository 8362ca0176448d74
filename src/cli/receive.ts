import { receive, UsageError } from "../index.js";
import type { Parsed } from "./args.js";
import type { CliContext } from "./context.js";

/** `trace receive [--listen HOST:PORT]`: OTLP/HTTP spans in, until SIGTERM or Ctrl-C. */
export async function runReceive(p: Parsed, ctx: CliContext): Promise<number> {
  if (p.words.length > 0) throw new UsageError(`receive takes no words, got: ${p.words.join(" ")}`);
  const raw = p.values["max-body"];
  const maxBodyBytes = raw === undefined ? undefined : Number(raw);
  if (maxBodyBytes !== undefined && (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1)) throw new UsageError(`--max-body ${JSON.stringify(raw)}: a number of bytes, at least 1`);
  const receiver = await receive({ listen: p.values.listen, dir: ctx.dir, maxBodyBytes });
  const host = receiver.host.includes(":") ? `[${receiver.host}]` : receiver.host;
  ctx.warn(`receiving OTLP/HTTP traces at http://${host}:${receiver.port}/v1/traces into ${ctx.dir}`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      resolve();
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
  await receiver.close();
  return 0;
}
