import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { BIN, importBuilt, lines, nodeScript, tempDir, trace } from "../helpers/cli.js";

/** A port free a moment ago, so that a receiver restarted on it keeps its URL. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const ids = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".ndjson"))
        .flatMap((f) => lines(readFileSync(join(dir, f), "utf8")))
        .flatMap((l) => {
          try {
            return [(JSON.parse(l) as { id: string }).id];
          } catch {
            return [];
          }
        })
    : [];

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test("a live push to trace receive while writers append: the receiver and the pusher killed (SIGKILL) and restarted, nothing lost, nothing doubled", { timeout: 120_000 }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const source = join(dir, "source");
  const received = join(dir, "received");
  const cursor = join(dir, "push.cursor");
  const stopFile = join(dir, "stop");
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}/v1/traces`;
  const env = { ...process.env, TRACE_DIR: "", TRACE_INDEX: "off" };
  const said: string[] = [];
  const start = (args: string[]): ChildProcess => {
    const child = spawn(BIN, args, { stdio: ["ignore", "ignore", "pipe"], env });
    child.stderr!.setEncoding("utf8").on("data", (d: string) => said.push(`${args[0]}: ${d.trim()}`));
    return child;
  };
  const receiverArgs = ["receive", "--listen", `127.0.0.1:${port}`, "--dir", received];
  const pusherArgs = ["export", "--format", "otlp", "--follow", "--endpoint", endpoint, "--cursor-file", cursor, "--dir", source];
  // Two writers append until told to stop, a parent now and then so that trees form.
  const writer = (name: string) =>
    nodeScript(
      `${importBuilt("openWriter")}
       const w = openWriter({ dir: ${JSON.stringify(source)} });
       let last = null;
       for (let i = 0; !(await import("node:fs")).existsSync(${JSON.stringify(stopFile)}); i++) {
         last = w.emit({ primitive: "tool", event_type: "step", agent_id: ${JSON.stringify(name)}, parent_event_id: i % 5 === 0 ? null : last?.id ?? null, metadata: { i } });
         await new Promise((r) => setTimeout(r, 4));
       }
       w.close();`,
    );
  const writers = [writer("w1"), writer("w2")];
  let receiver = start(receiverArgs);
  let pusher = start(pusherArgs);
  const kill = async (child: ChildProcess): Promise<void> => {
    if (child.exitCode !== null) return;
    const gone = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await gone;
  };
  for (let round = 0; round < 8; round++) {
    await pause(500);
    if (round % 2 === 0) {
      await kill(receiver);
      await pause(300);
      receiver = start(receiverArgs);
    } else {
      await kill(pusher);
      pusher = start(pusherArgs);
    }
  }
  writeFileSync(stopFile, "");
  for (const w of writers) assert.equal((await w).code, 0);
  const written = ids(source);
  assert.ok(written.length > 500, `${written.length} events written`);
  for (let waited = 0; waited < 30_000 && new Set(ids(received)).size < written.length; waited += 200) await pause(200);
  await kill(pusher);
  await kill(receiver);
  const got = ids(received);
  const lost = written.filter((id) => !got.includes(id)).length;
  const doubled = got.length - new Set(got).size;
  assert.deepEqual({ lost, doubled }, { lost: 0, doubled: 0 }, `${written.length} written, ${got.length} received\n${said.join("\n")}`);
  const r = await trace(["--dir", received, "--agent", "w1", "--json"]);
  assert.equal(lines(r.stdout).length, written.length - lines((await trace(["--dir", source, "--agent", "w2", "--json"])).stdout).length, "the received events answer questions as the sent ones");
});

test("a push: a bad endpoint or a flag it cannot take is one line and exit 2", async () => {
  const { dir, cleanup } = tempDir();
  try {
    for (const [args, said] of [
      [["--endpoint", "not a url", "--follow"], /--endpoint "not a url": not a URL/],
      [["--endpoint", "ftp://x/v1/traces", "--follow"], /an http:\/\/ or https:\/\/ URL/],
      [["--follow"], /--follow needs --endpoint/],
      [["--endpoint", "http://127.0.0.1:1/v1/traces"], /add --follow/],
      [["--cursor-file", join(dir, "c")], /--cursor-file goes with --follow/],
    ] as const) {
      const r = await trace(["export", "--format", "otlp", ...args, "--dir", dir]);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, said);
      assert.equal(lines(r.stderr).length, 1, r.stderr);
    }
    const chrome = await trace(["export", "--format", "chrome", "--follow", "--endpoint", "http://127.0.0.1:1/v1/traces", "--dir", dir]);
    assert.equal(chrome.code, 2);
    assert.match(chrome.stderr, /--follow pushes OTLP/);
  } finally {
    cleanup();
  }
});
