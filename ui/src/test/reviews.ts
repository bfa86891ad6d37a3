import type { DeskInfo, QueueItem, Review, Role, StaffListing } from "../bindings";
import { deskInfo } from "./render";

/** Sample data for the review screens. */
export function deskAs(role: Role): DeskInfo {
  return { ...deskInfo, staff: { id: `staff-${role}`, name: role === "frontline" ? "Maria Lopes" : "Priya Shah", role } };
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

export const staffList: StaffListing[] = [
  { id: "staff-maria", name: "Maria Lopes", role: "frontline", has_pin: false },
  { id: "staff-joao", name: "João Silva", role: "frontline", has_pin: false },
  { id: "staff-supervisor", name: "Priya Shah", role: "supervisor", has_pin: true },
];

export const refund: QueueItem = {
  interaction_id: "int-refund",
  occurred_at: minutesAgo(40),
  store: "My store",
  touch_point: "Service desk",
  channel: "in_person",
  staff: { id: "staff-maria", name: "Maria Lopes" },
  customer: { id: "cust-ana", name: "Ana Souza" },
  reason: "Refund",
  summary: "Kettle arrived damaged; refund refused at first",
  outcome: "escalated",
  feeling: "unhappy",
  csat: 2,
  nps: 3,
  ces: null,
  reviews: 0,
};

export const exchange: QueueItem = {
  ...refund,
  interaction_id: "int-exchange",
  occurred_at: minutesAgo(90),
  staff: { id: "staff-joao", name: "João Silva" },
  customer: null,
  reason: "Exchange",
  summary: "Swapped a size",
  outcome: "resolved",
  feeling: "happy",
  csat: 5,
  nps: null,
  reviews: 1,
};

export const coaching: Review = {
  id: "rev-coaching",
  interaction_id: "int-refund",
  kind: "coaching",
  comment: "Offer the refund first, then check the policy.",
  scores: [{ name: "Listening", score: 3 }],
  reviewer: { id: "staff-supervisor", name: "Priya Shah" },
  staff: { id: "staff-maria", name: "Maria Lopes" },
  recorded_at: minutesAgo(20),
  acknowledged_at: null,
  conversation: {
    occurred_at: minutesAgo(40),
    touch_point: "Service desk",
    customer: { id: "cust-ana", name: "Ana Souza" },
    reason: "Refund",
    summary: "Kettle arrived damaged",
  },
};

export const praise: Review = {
  ...coaching,
  id: "rev-praise",
  interaction_id: "int-exchange",
  kind: "praise",
  comment: "Lovely, calm exchange.",
  scores: [],
  recorded_at: minutesAgo(60 * 24 * 3),
  acknowledged_at: minutesAgo(60 * 24 * 2),
  conversation: { ...coaching.conversation, reason: "Exchange", customer: null, summary: null },
};
