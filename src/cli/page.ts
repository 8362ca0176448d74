/** The shape of a page of the manual (manual.ts). */

/** A group of flags under a heading. */
export interface FlagGroup {
  title: string;
  flags: readonly (readonly [flag: string, text: string])[];
}

/** One command's page. */
export interface Page {
  /** `trace`, or the subcommand's name. */
  name: string;
  /** One line of what it does. */
  summary: string;
  usage: readonly string[];
  /** Paragraphs before the flags. */
  about: readonly string[];
  groups: readonly FlagGroup[];
  /** Paragraphs after the flags. */
  notes: readonly string[];
}
