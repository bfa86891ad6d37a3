import { addDays, isValid, max, min, parseISO, startOfDay, startOfYear, subDays } from "date-fns";

import type { Feeling, InsightFilter, NameRef, Outcome } from "../../bindings";
import { lastDays } from "../follow-ups/LoopFigures";
import { dayInput, type ReviewPreset } from "../review/queueFilter";

export type InsightPeriod = "7" | "30" | "90" | "year";
export const INSIGHT_PERIODS: InsightPeriod[] = ["7", "30", "90", "year"];

/** What the filter bar holds: the population (all, a touch point, a person) and the period. */
export type InsightFilters = {
  period: InsightPeriod;
  touchPointId: string | null;
  staffId: string | null;
};

export const DEFAULT_INSIGHT: InsightFilters = { period: "30", touchPointId: null, staffId: null };

/** The period as local-day bounds: from the start of its first day to the start of tomorrow,
 * so the query key stays the same all day. */
export function insightRange(period: InsightPeriod, now: Date = new Date()): { from: string; to: string } {
  if (period === "year") return { from: startOfYear(now).toISOString(), to: startOfDay(addDays(now, 1)).toISOString() };
  return lastDays(Number(period), now);
}

/** The filter bar as the backend's filter. A supervisor's figures are their store's anyway. */
export function toInsightFilter(f: InsightFilters, now?: Date): InsightFilter {
  const { from, to } = insightRange(f.period, now);
  return { from, to, store_id: null, touch_point_id: f.touchPointId, staff_id: f.staffId };
}

/** What a bar, point or cell stands for, on top of the dashboard's own population. */
export type Drill = {
  touchPointId?: string;
  staffId?: string;
  store?: NameRef;
  feeling?: Feeling;
  outcome?: Outcome;
  /** The Monday of a week (`yyyy-mm-dd`). */
  week?: string;
};

/** The Review room's filters for the conversations behind a figure: the same population and
 * period (a week's days for a weekly point), reviewed or not. */
export function reviewPresetFor(filters: InsightFilters, drill: Drill, now: Date = new Date()): ReviewPreset {
  const range = insightRange(filters.period, now);
  let first = startOfDay(new Date(range.from));
  // `to` is the start of the day after the last one.
  let last = subDays(startOfDay(new Date(range.to)), 1);
  if (drill.week) {
    const monday = parseISO(drill.week);
    if (isValid(monday)) {
      first = max([first, startOfDay(monday)]);
      last = min([last, addDays(startOfDay(monday), 6)]);
    }
  }
  return {
    store: drill.store ?? null,
    touchPointId: drill.touchPointId ?? filters.touchPointId,
    staffId: drill.staffId ?? filters.staffId,
    period: "custom",
    customFrom: dayInput(first),
    customTo: dayInput(last),
    feeling: drill.feeling ?? null,
    signal: null,
    outcome: drill.outcome ?? null,
    unreviewedOnly: false,
  };
}
