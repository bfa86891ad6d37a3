import { isValid, parseISO } from "date-fns";

import { MIN_SAMPLE, type Feeling, type Scores } from "../../bindings";
import { FEELINGS } from "../../components/FeelingScale";
import { shortDate } from "../../format";
import { intlLocale } from "../../i18n";

/** "+32", "−12", "0": an NPS always shows its sign. */
export function npsText(nps: number | null): string {
  if (nps === null) return "—";
  return new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: 0, signDisplay: "exceptZero" }).format(nps);
}

/** "4.2" (CSAT 1–5, CES 1–7): one decimal. */
export function averageText(value: number | null): string {
  if (value === null) return "—";
  return new Intl.NumberFormat(intlLocale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
}

/** Too few answers to compare (`insight::MIN_SAMPLE` in the core): drawn grey, said so. */
export function fewAnswers(n: number): boolean {
  return n < MIN_SAMPLE;
}

export function countText(value: number): string {
  return new Intl.NumberFormat(intlLocale()).format(value);
}

/** "38%" of a whole, to the nearest; nothing to share when the whole is empty. Never 0% when
 * some are, never 100% when not all are (the core's `insight::percent`). */
export function shareText(part: number, whole: number): string {
  if (whole <= 0) return "—";
  let percent = Math.round((part * 100) / whole);
  if (percent === 0 && part > 0) percent = 1;
  if (percent === 100 && part < whole) percent = 99;
  return new Intl.NumberFormat(intlLocale(), { style: "percent", maximumFractionDigits: 0 }).format(percent / 100);
}

/** The five feelings with their counts, in scale order. */
export function feelingCounts(scores: Scores): { feeling: Feeling; count: number }[] {
  return FEELINGS.map((feeling, i) => ({ feeling, count: scores.feelings[i] ?? 0 }));
}

/** How many conversations have a feeling recorded. */
export function withFeeling(scores: Scores): number {
  return scores.feelings.reduce((sum, n) => sum + n, 0);
}

/** "10 Nov": a week by its Monday (`yyyy-mm-dd`, a local day). */
export function weekText(key: string): string {
  const day = parseISO(key);
  return isValid(day) ? shortDate(day.toISOString()) : key;
}

/** The three scores, in the order every view shows them (summary, tables, tooltips): the
 * words for each, its figure as text and how many answers it rests on. */
export type ScoreFigure = {
  key: "nps" | "csat" | "ces";
  /** Its short name (a tooltip's line, a bar chart's title, a table's column). */
  title: string;
  /** Its column in a table of groups. */
  column: string;
  /** Its name in the summary. */
  label: string;
  value: (s: Scores) => number | null;
  text: (s: Scores) => string;
  answers: (s: Scores) => number;
  /** The top of its scale, said after the figure in the summary ("out of 5"). */
  outOf: number | null;
  /** What the summary adds under it after the answers. */
  note: string | null;
};

export const SCORE_FIGURES: ScoreFigure[] = [
  {
    key: "nps",
    title: "insight.npsTitle",
    column: "insight.npsTitle",
    label: "insight.npsLabel",
    value: (s) => s.nps,
    text: (s) => npsText(s.nps),
    answers: (s) => s.nps_responses,
    outOf: null,
    note: null,
  },
  {
    key: "csat",
    title: "insight.csatTitle",
    column: "insight.csatTitle",
    label: "insight.csatLabel",
    value: (s) => s.csat,
    text: (s) => averageText(s.csat),
    answers: (s) => s.csat_responses,
    outOf: 5,
    note: null,
  },
  {
    key: "ces",
    title: "insight.cesTitle",
    column: "insight.columns.ces",
    label: "insight.cesLabel",
    value: (s) => s.ces,
    text: (s) => averageText(s.ces),
    answers: (s) => s.ces_responses,
    outOf: 7,
    note: "insight.lowerIsBetter",
  },
];
