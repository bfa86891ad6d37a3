import { startOfDay, subDays } from "date-fns";

import type { AuditAction, AuditFilter, NameRef } from "../../bindings";

export const AUDIT_ACTIONS: AuditAction[] = ["view", "change", "export", "erase", "import", "sign_in_locked", "merge", "unmerge"];

export type AuditPeriod = "today" | "week" | "month" | "quarter" | "all";
export const AUDIT_PERIODS: AuditPeriod[] = ["today", "week", "month", "quarter", "all"];
const PERIOD_DAYS: Record<Exclude<AuditPeriod, "all">, number> = { today: 1, week: 7, month: 30, quarter: 90 };

/** The newest this many are listed (the most the desk gives); narrower filters reach older ones. */
export const AUDIT_LIMIT = 500;

/** What the filter bar holds. */
export type AuditFilters = {
  action: AuditAction | null;
  staffId: string | null;
  period: AuditPeriod;
  /** Set when the room was opened from a customer's page. */
  customer: NameRef | null;
};

/** A customer's whole trail by default; otherwise the last 30 days. */
export function defaultFilters(customer: NameRef | null): AuditFilters {
  return { action: null, staffId: null, period: customer ? "all" : "month", customer };
}

/** The period starts at the beginning of its first local day, so the query key is stable all day. */
export function toAuditFilter(f: AuditFilters, now: Date = new Date()): AuditFilter {
  const from = f.period === "all" ? null : startOfDay(subDays(now, PERIOD_DAYS[f.period] - 1)).toISOString();
  return {
    customer_id: f.customer?.id ?? null,
    staff_id: f.staffId,
    action: f.action,
    from,
    to: null,
    limit: AUDIT_LIMIT,
  };
}
