// The README's picture of `trace view`: the example store's page, opened in Debian's
// headless Chromium (or TRACE_CHROMIUM) by puppeteer-core, with haiku-1's first claim
// selected, saved as docs/view.png. Run by `npm run examples`.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";

const root = join(dirname(new URL(import.meta.url).pathname), "..");
const chromium = [process.env.TRACE_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find((p) => p && existsSync(p));
if (!chromium) {
  console.error("screenshot: no Chromium here: apt-get install chromium (or set TRACE_CHROMIUM)");
  process.exit(1);
}
const scratch = mkdtempSync(join(tmpdir(), "trace-shot-"));
const page = join(scratch, "view.html");
const store = join(root, "logs/payments");
const made = spawnSync(join(root, "bin/trace"), ["view", "--dir", store, "--utc", "--out", page], { encoding: "utf8" });
if (made.status !== 0) throw new Error(`trace view failed: ${made.stderr}`);
const claim = spawnSync(join(root, "bin/trace"), ["--dir", store, "--json", "--agent", "haiku-1", "--type", "claim_task", "-n", "2"], { encoding: "utf8" }).stdout.split("\n")[0];
const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ["--no-sandbox", "--disable-gpu", "--no-first-run"] });
try {
  const tab = await browser.newPage();
  await tab.setViewport({ width: 1400, height: 640, deviceScaleFactor: 1 });
  await tab.goto(pathToFileURL(page).href);
  await tab.waitForFunction("window.traceView !== undefined && window.traceView.ready === true");
  await tab.evaluate(`traceView.select(${JSON.stringify(JSON.parse(claim).id)})`);
  await new Promise((r) => setTimeout(r, 300));
  await tab.screenshot({ path: join(root, "docs/view.png") });
} finally {
  await browser.close();
  rmSync(scratch, { recursive: true, force: true });
}
console.log("wrote docs/view.png");
