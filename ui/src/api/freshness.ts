// What to refresh when something changed: after a write on this desk, and when a sync event
// says what arrived from other desks. Every feature's query keys start with one of these
// families (see `customerKeys`, `followUpKeys`…), so a change refreshes whole families.
import type { QueryClient } from "@tanstack/react-query";

import type { ChangeKind, Changed } from "../bindings";

export const family = {
  desk: "desk",
  stores: "stores",
  touchPoints: "touch-points",
  reasons: "reasons",
  staff: "staff",
  search: "search",
  customer: "customer",
  timeline: "timeline",
  history: "history",
  conflicts: "conflicts",
  serverSearch: "server-search",
  followUps: "follow-ups",
  sync: "sync",
  reviewCriteria: "review-criteria",
  reviewQueue: "review-queue",
  reviews: "reviews",
  myReviews: "my-reviews",
  audit: "audit",
  storeConflicts: "store-conflicts",
  atRisk: "at-risk",
  insight: "insight",
  duplicates: "duplicates",
} as const;

type Family = (typeof family)[keyof typeof family];

/** After any write, these views may show something new. */
export function refreshAfterWrite(qc: QueryClient, customerId?: string | null) {
  if (customerId) {
    for (const f of [family.customer, family.timeline, family.history]) {
      void qc.invalidateQueries({ queryKey: [f, customerId] });
    }
  }
  for (const f of [
    family.search,
    family.followUps,
    family.atRisk,
    family.insight,
    family.audit,
    family.desk,
    family.sync,
    family.duplicates,
  ]) {
    void qc.invalidateQueries({ queryKey: [f] });
  }
}

/** Everything but the sync status itself: what other desks recorded may show anywhere. A
 * random sample being worked through is kept as drawn (`meta.keep`): it must not reshuffle. */
export function refreshAllButSync(qc: QueryClient) {
  void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== family.sync && q.meta?.keep !== true });
}

/** The families that show each kind of record changed elsewhere. */
const shownBy: Record<ChangeKind, Family[]> = {
  customers: [
    family.search,
    family.serverSearch,
    family.atRisk,
    family.followUps,
    family.insight,
    family.reviewQueue,
    family.audit,
    family.storeConflicts,
    family.duplicates,
  ],
  interactions: [family.search, family.atRisk, family.followUps, family.insight, family.reviewQueue],
  // A follow-up's change need not name its customer: every customer's page that is open asks
  // again (only the one on screen is fetched).
  follow_ups: [family.followUps, family.atRisk, family.insight, family.customer, family.timeline],
  reviews: [family.reviews, family.myReviews, family.reviewQueue, family.reviewCriteria, family.insight],
  audit: [family.audit, family.storeConflicts],
  catalogue: [family.stores, family.touchPoints, family.reasons, family.staff, family.reviewCriteria],
};

/** The query families to refresh for what arrived (each once), and the customers whose pages
 * changed; `null` when everything may have changed. */
export function refreshPlan(changed: Changed): { families: Family[]; customers: string[] } | null {
  if (changed.everything) return null;
  const families = new Set<Family>();
  for (const kind of changed.kinds) for (const f of shownBy[kind]) families.add(f);
  // What counts on the desk (my open follow-ups, waiting changes) may move with anything.
  if (changed.kinds.length > 0) families.add(family.desk);
  return { families: [...families], customers: changed.customers };
}

/** Refreshes only what `changed` names (a random sample being worked through stays as drawn). */
export function refreshChanged(qc: QueryClient, changed: Changed) {
  const plan = refreshPlan(changed);
  if (plan === null) return refreshAllButSync(qc);
  const kept = (q: { meta?: Record<string, unknown> }) => q.meta?.keep !== true;
  for (const f of plan.families) {
    void qc.invalidateQueries({ queryKey: [f], predicate: kept });
  }
  for (const id of plan.customers) {
    for (const f of [family.customer, family.timeline, family.history, family.conflicts]) {
      void qc.invalidateQueries({ queryKey: [f, id] });
    }
  }
}
