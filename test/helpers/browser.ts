/**
 * A real headless Chromium for the page's tests: Debian's (.ci/run installs it), or the
 * one TRACE_CHROMIUM names, driven by puppeteer-core (which downloads nothing). Without
 * one the tests say what to install; with CI=true they fail instead.
 */
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "puppeteer-core";

/** Where Chromium is, or undefined. */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.TRACE_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];
  return candidates.find((p): p is string => p !== undefined && p !== "" && existsSync(p));
}

/** A test's `skip`: false with a browser (or in CI, where its absence fails the test), else why. */
export const noBrowser: string | false = chromiumPath() !== undefined || process.env.CI === "true" ? false : "no Chromium here: apt-get install chromium (or set TRACE_CHROMIUM)";

/** A page opened from a file, with everything it logged and asked for. */
export interface Opened {
  browser: Browser;
  page: Page;
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Every request but the page's own file. */
  requests: string[];
}

/**
 * Opens `file` from its file URL at 1500 × 850 and waits for the page's first frame.
 *
 * @example
 * const { page, browser } = await openPage("/tmp/view.html"); …; await browser.close();
 */
export async function openPage(file: string): Promise<Opened> {
  const executablePath = chromiumPath();
  if (executablePath === undefined) throw new Error("no Chromium: apt-get install chromium (or set TRACE_CHROMIUM)");
  const { default: puppeteer } = await import("puppeteer-core");
  const browser = await puppeteer.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-gpu", "--no-first-run"] });
  const page = await browser.newPage();
  await page.setViewport({ width: 1500, height: 850 });
  const errors: string[] = [];
  const requests: string[] = [];
  const url = pathToFileURL(file).href;
  page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
  page.on("pageerror", (e) => void errors.push(String(e)));
  page.on("request", (r) => void (r.url() !== url && requests.push(r.url())));
  await page.goto(url);
  await page.waitForFunction("window.traceView !== undefined && window.traceView.ready === true", { timeout: 30_000 });
  return { browser, page, errors, requests };
}

/** A value of the page's `window.traceView` (or any expression), as JSON. */
export async function inPage<T>(page: Page, expression: string): Promise<T> {
  return JSON.parse((await page.evaluate(`JSON.stringify(${expression})`)) as string) as T;
}
