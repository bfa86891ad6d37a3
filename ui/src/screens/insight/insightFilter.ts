import { addDays, isValid, max, min, parseISO, startOfDay, startOfYear, subDays } from "date-fns";

import type { Feeling, InsightFilter, NameRef, Outcome } from "../../bindings";
import { lastDays } from "../follow-ups/LoopFigures";
import { dayInput, type ReviewPreset } from "../review/queueFilter";

export type InsightPeriod = "7" | "30" | "90" | "year" | "custom";
export const INSIGHT_PERIODS: InsightPeriod[] = ["7", "30", "90", "year", "custom"];

/** What the filter bar holds: the population (the store(s), a touch point, a person) and the
 * period. */
export type InsightFilters = {
  period: InsightPeriod;
  /** `yyyy-mm-dd`, both ends included, when the period is "custom". */
  customFrom: string;
  customTo: string;
  /** One store of several (an administrator's, or a supervisor's who reads more than one). */
  store: NameRef | null;
  touchPointId: string | null;
  staffId: string | null;
};

export const DEFAULT_INSIGHT: InsightFilters = {
  period: "30",
  customFrom: "",
  customTo: "",
  store: null,
  touchPointId: null,
  staffId: null,
};

function day(value: string): Date | null {
  if (!value) return null;
  const d = parseISO(value);
  return isValid(d) ? startOfDay(d) : null;
}

/** The period as local-day bounds: from the start of its first day to the start of the day
 * after its last (tomorrow for the presets), so the query key stays the same all day. Chosen
 * dates left empty reach back to the first conversation and forward to today; two dates in
 * the wrong order are taken the right way round. */
export function insightRange(filters: Pick<InsightFilters, "period" | "customFrom" | "customTo">, now: Date = new Date()): { from: string; to: string } {
  const tomorrow = startOfDay(addDays(now, 1));
  switch (filters.period) {
    case "year":
      return { from: startOfYear(now).toISOString(), to: tomorrow.toISOString() };
    case "custom": {
      const a = day(filters.customFrom) ?? new Date(2000, 0, 1);
      const b = day(filters.customTo) ?? startOfDay(now);
      const [first, last] = a <= b ? [a, b] : [b, a];
      return { from: first.toISOString(), to: addDays(last, 1).toISOString() };
    }
    default:
      return lastDays(Number(filters.period), now);
  }
}

/** The filter bar as the backend's filter. A supervisor's figures are their store's anyway. */
export function toInsightFilter(f: InsightFilters, now?: Date): InsightFilter {
  const { from, to } = insightRange(f, now);
  return { from, to, store_id: f.store?.id ?? null, touch_point_id: f.touchPointId, staff_id: f.staffId };
}

/** What a bar, point or cell stands for, on top of the dashboard's own population. */
export type Drill = {
  touchPointId?: string;
  staffId?: string;
  store?: NameRef;
  feeling?: Feeling;
  outcome?: Outcome;
  /** A reason as the chart groups it ("" for none given). */
  reason?: string;
  /** The Monday of a week (`yyyy-mm-dd`). */
  week?: string;
};

/** The Review room's filters for the conversations behind a figure: the same population and
 * period (a week's days for a weekly point), reviewed or not. */
export function reviewPresetFor(filters: InsightFilters, drill: Drill, now: Date = new Date()): ReviewPreset {
  const range = insightRange(filters, now);
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
    store: drill.store ?? filters.store,
    touchPointId: drill.touchPointId ?? filters.touchPointId,
    staffId: drill.staffId ?? filters.staffId,
    period: "custom",
    customFrom: dayInput(first),
    customTo: dayInput(last),
    feeling: drill.feeling ?? null,
    signal: null,
    outcome: drill.outcome ?? null,
    reason: drill.reason ?? null,
    unreviewedOnly: false,
    includeOwn: true,
  };
}
