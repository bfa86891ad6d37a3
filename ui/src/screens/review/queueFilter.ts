import { addDays, isValid, parseISO, startOfDay, subDays } from "date-fns";

import type { Feeling, NameRef, Outcome, QueueItem, ReviewQueueFilter, ScoreSignal } from "../../bindings";

export type Period = "today" | "week" | "month" | "all" | "custom";
export const PERIODS: Period[] = ["today", "week", "month", "all", "custom"];
export const SIGNALS: ScoreSignal[] = ["detractor", "low_csat", "high_effort"];

/** A random sample for a quality check is this many conversations. */
export const SAMPLE_SIZE = 10;
/** The newest this many are listed; narrower filters reach older ones. */
export const QUEUE_LIMIT = 100;

/** What the filter bar holds, as the supervisor set it. */
export type QueueFilters = {
  /** Only one store's conversations (reached from a store's bar in Insight). */
  store: NameRef | null;
  /** Only conversations of one reason ("" for none given), reached from Insight's reasons. */
  reason: string | null;
  touchPointId: string | null;
  staffId: string | null;
  period: Period;
  /** `yyyy-mm-dd`, both ends included; empty for open-ended. */
  customFrom: string;
  customTo: string;
  feeling: Feeling | null;
  signal: ScoreSignal | null;
  outcome: Outcome | null;
  unreviewedOnly: boolean;
  /** The supervisor's own conversations too (the conversations behind an Insight figure are
   * all of them; nobody reviews their own, so those rows only show). */
  includeOwn: boolean;
  sample: boolean;
};

export const DEFAULT_FILTERS: QueueFilters = {
  store: null,
  reason: null,
  touchPointId: null,
  staffId: null,
  period: "week",
  customFrom: "",
  customTo: "",
  feeling: null,
  signal: null,
  outcome: null,
  unreviewedOnly: true,
  includeOwn: false,
  sample: false,
};

/** Filters the Review room opens with when another room sends the supervisor to the
 * conversations behind a figure (Insight's bars and cells); the rest keep their defaults. */
export type ReviewPreset = Partial<Omit<QueueFilters, "sample">>;

export function presetFilters(preset?: ReviewPreset | null): QueueFilters {
  return { ...DEFAULT_FILTERS, ...preset, sample: false };
}

/** Some filter was changed from its default (taking a sample is not a filter). */
export function differsFromDefaults(f: QueueFilters): boolean {
  return (
    f.store !== null ||
    f.reason !== null ||
    f.touchPointId !== null ||
    f.staffId !== null ||
    f.period !== DEFAULT_FILTERS.period ||
    f.feeling !== null ||
    f.signal !== null ||
    f.outcome !== null ||
    f.unreviewedOnly !== DEFAULT_FILTERS.unreviewedOnly ||
    f.includeOwn !== DEFAULT_FILTERS.includeOwn
  );
}

function day(value: string): Date | null {
  if (!value) return null;
  const d = parseISO(value);
  return isValid(d) ? startOfDay(d) : null;
}

/** `yyyy-mm-dd` of a local day, for a date input. */
export function dayInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Filters with `period` chosen; choosing "custom" for the first time starts with the last
 * `days` days (both included), so the fields are never blank. */
export function choosePeriod<P extends string, F extends { period: P; customFrom: string; customTo: string }>(
  f: F,
  period: P,
  days: number,
  now: Date = new Date(),
): F {
  if (period !== "custom" || f.customFrom || f.customTo) return { ...f, period };
  return { ...f, period, customFrom: dayInput(subDays(now, days - 1)), customTo: dayInput(now) };
}

/** The period as local-day bounds: from the start of the first day, to (excluded) the start of
 * the day after the last. Stable within a day, so the query key does not churn. */
export function periodRange(f: QueueFilters, now: Date = new Date()): { from: string | null; to: string | null } {
  switch (f.period) {
    case "today":
      return { from: startOfDay(now).toISOString(), to: null };
    case "week":
      return { from: startOfDay(subDays(now, 6)).toISOString(), to: null };
    case "month":
      return { from: startOfDay(subDays(now, 29)).toISOString(), to: null };
    case "custom": {
      const from = day(f.customFrom);
      const to = day(f.customTo);
      return { from: from ? from.toISOString() : null, to: to ? addDays(to, 1).toISOString() : null };
    }
    default:
      return { from: null, to: null };
  }
}

/** The filter bar as the backend's filter. */
export function toQueueFilter(f: QueueFilters, now?: Date): ReviewQueueFilter {
  const { from, to } = periodRange(f, now);
  return {
    store_id: f.store?.id ?? null,
    reason: f.reason,
    touch_point_id: f.touchPointId,
    staff_id: f.staffId,
    from,
    to,
    feeling: f.feeling,
    signal: f.signal,
    outcome: f.outcome,
    unreviewed_only: f.unreviewedOnly,
    include_own: f.includeOwn,
    sample: f.sample ? SAMPLE_SIZE : null,
    limit: f.sample ? null : QUEUE_LIMIT,
  };
}

/** The row after `current` in the list that was not reviewed in this sitting (wrapping round to
 * the top), or null when every row has been. */
export function nextInQueue(items: QueueItem[], current: QueueItem, done: Set<string>): QueueItem | null {
  const at = items.findIndex((i) => i.interaction_id === current.interaction_id);
  const ordered = at < 0 ? items : [...items.slice(at + 1), ...items.slice(0, at)];
  return ordered.find((i) => i.interaction_id !== current.interaction_id && !done.has(i.interaction_id)) ?? null;
}
