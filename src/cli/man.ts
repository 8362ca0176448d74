/** The man page `trace.1`, in roff, from the same manual as `--help` (manual.ts). */
import { PAGES, type Page } from "./manual.js";
import { ENVIRONMENT, EXAMPLES } from "./manual-examples.js";

/** Text made safe for roff: backslashes, hyphens, and a leading dot or quote. */
function roff(text: string): string {
  return text.replace(/\\/g, "\\e").replace(/-/g, "\\-").replace(/^([.'])/gm, "\\&$1");
}

function section(page: Page, main: boolean): string[] {
  const out: string[] = [];
  if (!main) out.push(`.SH "TRACE ${page.name.toUpperCase()}"`, roff(`${page.summary}.`), ".PP", ".nf", ...page.usage.map(roff), ".fi");
  for (const p of page.about) out.push(".PP", ...(p.includes("\n") || p.startsWith("p=$(") ? [".nf", ...p.split("\n").map(roff), ".fi"] : [roff(p)]));
  for (const group of page.groups) {
    out.push(`.SS ${roff(group.title)}`);
    for (const [flag, text] of group.flags) out.push(".TP", `\\fB${roff(flag)}\\fR`, roff(text));
  }
  for (const p of page.notes) out.push(".PP", roff(p));
  return out;
}

/**
 * The whole manual as the man page `trace.1`.
 *
 * @example
 * writeFileSync("trace.1", manPage("0.1.0"));
 */
export function manPage(version: string): string {
  const [main, ...commands] = PAGES;
  return [
    `.TH TRACE 1 "" "swarm-trace ${version}" "User Commands"`,
    ".SH NAME",
    `trace \\- ${roff(main!.summary)}`,
    ".SH SYNOPSIS",
    ".nf",
    ...main!.usage.map(roff),
    ".fi",
    ".SH DESCRIPTION",
    ...section(main!, true),
    ...commands.flatMap((page) => section(page, false)),
    ".SH EXAMPLES",
    ...EXAMPLES.flatMap(([what, command]) => [".TP", `\\fB${roff(command)}\\fR`, roff(what)]),
    ".SH ENVIRONMENT",
    ...ENVIRONMENT.flatMap(([name, what]) => [".TP", `\\fB${roff(name)}\\fR`, roff(what)]),
    "",
  ].join("\n");
}
