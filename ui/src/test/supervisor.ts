import type { AtRiskCustomer, AuditEntry, Customer, CustomerPage, FollowUp, LoopMetrics } from "../bindings";

/** Small builders for the supervisor rooms' tests: each gives a plausible record, changed only
 * where a test cares. */
export const hoursFromNow = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

export function followUp(over: Partial<FollowUp> = {}): FollowUp {
  return {
    id: "fu-1",
    customer: { id: "cust-ana", name: "Ana Souza" },
    interaction_id: null,
    owner: { id: "staff-maria", name: "Maria Lopes" },
    due_at: hoursFromNow(24),
    promise: "Call back about the refund",
    status: "open",
    due_state: "upcoming",
    resolution: null,
    feeling_after: null,
    created_at: hoursFromNow(-30),
    created_by: "Maria Lopes",
    closed_at: null,
    closed_by: null,
    ...over,
  };
}

export function loopMetrics(over: Partial<LoopMetrics> = {}): LoopMetrics {
  return {
    from: hoursFromNow(-30 * 24),
    to: hoursFromNow(24),
    unhappy: 0,
    followed_up: 0,
    within_sla: 0,
    within_sla_percent: null,
    median_hours_to_recover: null,
    feeling_after: [],
    overdue_now: 0,
    sla_hours: 48,
    ...over,
  };
}

export function auditEntry(over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    at: hoursFromNow(-1),
    staff: "Maria Lopes",
    action: "view",
    entity: "customer",
    customer_id: "cust-ana",
    customer_name: "Ana Souza",
    detail: null,
    ...over,
  };
}

export function atRisk(over: Partial<AtRiskCustomer> = {}): AtRiskCustomer {
  return {
    customer_id: "cust-ana",
    name: "Ana Souza",
    reasons: [{ kind: "unhappy_visits", count: 2, days: 30 }],
    open_follow_up: null,
    open_follow_up_due: null,
    last_seen_at: hoursFromNow(-48),
    ...over,
  };
}

export function customer(over: Partial<Customer> = {}): Customer {
  return {
    id: "cust-ana",
    name: "Ana Souza",
    phones: [],
    emails: ["ana@example.com"],
    loyalty_id: null,
    external_id: null,
    language: null,
    tags: [],
    consent: {},
    note: null,
    home_store_id: null,
    created_at: hoursFromNow(-24 * 90),
    updated_at: hoursFromNow(-24),
    last_seen_at: hoursFromNow(-24),
    ...over,
  };
}

export function customerPage(c: Customer = customer()): CustomerPage {
  return {
    customer: c,
    summary: {
      visits: 0,
      last_visit: null,
      last_feeling: null,
      feelings: [],
      trend: null,
      latest_csat: null,
      latest_nps: null,
      latest_ces: null,
      open_follow_ups: [],
      risk: [],
    },
    timeline: { entries: [], next: null },
  };
}
