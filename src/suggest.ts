/** "Did you mean": the known names nearest a word that is not one of them, by edit distance. */

/** Edits (insert, delete, replace, swap two neighbours) between two words. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The names within reach of `word` (at most 2 edits, and fewer than a third of its
 * length, or it as a prefix), nearest first, at most `most` of them.
 *
 * @example
 * nearest("agnet", ["agent", "task"]); // ["agent"]
 */
export function nearest(word: string, names: Iterable<string>, most = 3): string[] {
  const reach = Math.min(2, Math.max(1, Math.floor(word.length / 3)));
  const scored: [string, number][] = [];
  for (const name of new Set(names)) {
    if (name === word) continue;
    const d = distance(word.toLowerCase(), name.toLowerCase());
    if (d <= reach || (word.length >= 3 && name.toLowerCase().startsWith(word.toLowerCase()))) scored.push([name, d]);
  }
  return scored.sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0])).slice(0, most).map(([n]) => n);
}

/**
 * `did you mean X?` (or `X or Y`), or `undefined` when no name is near.
 *
 * @example
 * didYouMean("agnet", ["agent"], (n) => `--${n}`); // "did you mean --agent?"
 */
export function didYouMean(word: string, names: Iterable<string>, show: (name: string) => string = (n) => n): string | undefined {
  const near = nearest(word, names, 2);
  return near.length === 0 ? undefined : `did you mean ${near.map(show).join(" or ")}?`;
}
