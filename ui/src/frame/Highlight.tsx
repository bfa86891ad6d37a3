/** Where what was typed in search shows in a result, so the eye finds why it matched.
 *
 * The search itself is the core's; this only marks the parts of the shown text that the
 * query's words match, by the same loose rules a person expects: case and accents do not
 * matter ("jose" marks "José"), a name's joining marks do not either ("obrien" marks
 * "O'Brien"), words match at the start of a word, and digits match digits whatever spaces or
 * dashes sit between them ("912345" marks "912 345 678", "48727" marks "LOY-48727"). */

export type Range = [start: number, end: number];

/** How text compares: `words` for names (matched at word starts), `digits` for phone numbers
 * and card numbers, `text` for an email (anywhere, ignoring case). */
export type MatchMode = "words" | "digits" | "text";

/** The text folded for comparison, with where each folded character came from. */
function fold(text: string, keep: (c: string) => boolean): { folded: string; from: number[]; starts: Set<number> } {
  let folded = "";
  const from: number[] = [];
  const starts = new Set<number>();
  let atWordStart = true;
  let i = 0;
  for (const ch of text) {
    const base = ch.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
    if (/\s/u.test(ch)) atWordStart = true;
    else if (base !== "" && keep(base)) {
      if (atWordStart) starts.add(folded.length);
      atWordStart = false;
      for (const b of base) {
        folded += b;
        from.push(i);
      }
    }
    i += ch.length;
  }
  return { folded, from, starts };
}

const letterOrDigit = (c: string) => /[\p{L}\p{N}]/u.test(c);
const digit = (c: string) => /\d/.test(c);

/** The ranges of `text` (UTF-16 offsets, end exclusive, merged and in order) that `query` matches. */
export function matchRanges(text: string, query: string, mode: MatchMode): Range[] {
  const keep = mode === "digits" ? digit : mode === "words" ? letterOrDigit : () => true;
  const { folded, from, starts } = fold(text, keep);
  const words = mode === "text" ? [query.trim().toLowerCase()] : query.split(/\s+/).map((w) => fold(w, keep).folded);
  const found: Range[] = [];
  for (const word of words) {
    if (word === "" || (mode === "digits" && word.length < 3)) continue;
    let at = folded.indexOf(word);
    while (at !== -1 && mode === "words" && !starts.has(at)) at = folded.indexOf(word, at + 1);
    if (at === -1) continue;
    const last = from[at + word.length - 1] ?? 0;
    const lastChar = text.codePointAt(last) ?? 0;
    found.push([from[at] ?? 0, last + (lastChar > 0xffff ? 2 : 1)]);
  }
  found.sort((a, b) => a[0] - b[0]);
  const merged: Range[] = [];
  for (const r of found) {
    const prev = merged[merged.length - 1];
    if (prev && r[0] <= prev[1]) prev[1] = Math.max(prev[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** `text` with the parts `query` matches marked. */
export function Highlight({ text, query, mode }: { text: string; query: string; mode: MatchMode }) {
  const ranges = query.trim() === "" ? [] : matchRanges(text, query, mode);
  if (ranges.length === 0) return <>{text}</>;
  const parts = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) parts.push(text.slice(at, start));
    parts.push(
      <mark key={start} className="match">
        {text.slice(start, end)}
      </mark>,
    );
    at = end;
  }
  if (at < text.length) parts.push(text.slice(at));
  return <>{parts}</>;
}
