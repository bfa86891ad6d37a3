import type {
  AtRiskCustomer,
  AuditEntry,
  Customer,
  CustomerPage,
  Dashboard,
  FollowUp,
  LoopMetrics,
  Scores,
  StoreConflict,
} from "../bindings";

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
    contact: {
      phone: "+351 912 345 678",
      email: "ana@example.com",
      consent: { marketing_email: false, marketing_sms: false, feedback_requests: true },
      answers: { phone: null, email: null, sms: null },
    },
    last_change: null,
    kind: "recovery",
    route: null,
    why: null,
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

/** A name set on two desks at once: Priya's later edit kept, Maria's recorded as not kept. */
export function storeConflict(
  over: Partial<StoreConflict> = {},
  conflict: Partial<StoreConflict["conflict"]> = {},
): StoreConflict {
  return {
    customer_id: "cust-ana",
    customer_name: "Ana Souza",
    ...over,
    conflict: {
      field: "name",
      kept: "Ana S. Lima",
      kept_by: "Priya Shah",
      not_kept: "Ana Souza Lima",
      not_kept_by: "Maria Lopes",
      at: hoursFromNow(-1),
      ...conflict,
    },
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
    contact: { phone: null, email: null, sms: null },
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
    important_dates: [],
    preferences: [],
    contact: { phone: null, email: null, sms: null },
    keep_in_touch: null,
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
      recovered: [],
    },
    timeline: { entries: [], next: null },
    merged: [],
    redirected_from: null,
    before_you_start: [],
  };
}

export function scores(over: Partial<Scores> = {}): Scores {
  return {
    interactions: 0,
    nps: null,
    nps_responses: 0,
    csat: null,
    csat_responses: 0,
    ces: null,
    ces_responses: 0,
    feelings: [0, 0, 0, 0, 0],
    ...over,
  };
}

/** A month at a store with two touch points and two people: the service desk does well, the
 * phone line less so. */
export function dashboard(over: Partial<Dashboard> = {}): Dashboard {
  const desk = scores({
    interactions: 80,
    nps: 40, nps_responses: 30, csat: 4.4, csat_responses: 50, ces: 2.1, ces_responses: 20,
    feelings: [2, 6, 12, 40, 20],
  });
  const phone = scores({
    interactions: 40,
    nps: -15, nps_responses: 20, csat: 3.1, csat_responses: 25, ces: 4.6, ces_responses: 10,
    feelings: [5, 11, 10, 10, 0],
  });
  const store = scores({
    interactions: 120,
    nps: 18, nps_responses: 50, csat: 3.9, csat_responses: 75, ces: 2.9, ces_responses: 30,
    feelings: [7, 17, 22, 50, 20],
  });
  return {
    from: hoursFromNow(-30 * 24),
    to: hoursFromNow(24),
    overall: store,
    by_touch_point: [
      { key: "tp-desk", label: "Service desk", scores: desk },
      { key: "tp-phone", label: "Phone support", scores: phone },
    ],
    by_staff: [
      { key: "staff-maria", label: "Maria Lopes", scores: desk },
      { key: "staff-joao", label: "João Silva", scores: phone },
    ],
    by_store: [{ key: "store-1", label: "My store", scores: store }],
    by_week: [
      { key: "2026-01-05", label: "2026-01-05", scores: phone },
      { key: "2026-01-12", label: "2026-01-12", scores: desk },
    ],
    reasons: [
      { label: "Refund", count: 70 },
      { label: "Exchange", count: 50 },
    ],
    outcomes: [
      { label: "resolved", count: 90 },
      { label: "escalated", count: 30 },
    ],
    heat_map: [
      { touch_point_id: "tp-desk", touch_point: "Service desk", feeling: "very_unhappy", count: 2 },
      { touch_point_id: "tp-desk", touch_point: "Service desk", feeling: "unhappy", count: 6 },
      { touch_point_id: "tp-desk", touch_point: "Service desk", feeling: "neutral", count: 12 },
      { touch_point_id: "tp-desk", touch_point: "Service desk", feeling: "happy", count: 40 },
      { touch_point_id: "tp-desk", touch_point: "Service desk", feeling: "very_happy", count: 20 },
      { touch_point_id: "tp-phone", touch_point: "Phone support", feeling: "very_unhappy", count: 5 },
      { touch_point_id: "tp-phone", touch_point: "Phone support", feeling: "unhappy", count: 11 },
      { touch_point_id: "tp-phone", touch_point: "Phone support", feeling: "neutral", count: 10 },
      { touch_point_id: "tp-phone", touch_point: "Phone support", feeling: "happy", count: 10 },
    ],
    ...over,
  };
}
