import { api } from "./api/commands";
import type { Role } from "./bindings";
import type { Navigation } from "./navigation";

/** Every app action with its shortcut: one list feeds the keyboard handler, the command
 * palette and the shortcuts overlay, so they cannot disagree. */
export type AppAction = {
  id: string;
  /** i18n key of the label. */
  label: string;
  /** Shown as typed: "N", "Ctrl+K"; absent for palette-only actions. */
  keys?: string;
  /** Key handled by the global keyboard handler (others are handled where they live). */
  key?: string;
  ctrl?: boolean;
  inFields?: boolean;
  run?: (nav: Navigation) => void;
  /** Only on a customer's page. */
  customerOnly?: boolean;
  /** Only for supervisors and administrators. */
  supervisorOnly?: boolean;
};

export const ACTIONS: AppAction[] = [
  { id: "search", label: "actions.search", keys: "/", key: "/", run: (n) => n.focusSearch() },
  { id: "palette", label: "actions.palette", keys: "Ctrl+K", key: "k", ctrl: true, inFields: true, run: (n) => n.setOverlay("palette") },
  { id: "new-customer", label: "actions.newCustomer", keys: "N", key: "n", run: (n) => n.newCustomer("") },
  { id: "walk-in", label: "actions.walkIn", keys: "W", key: "w", run: (n) => n.go({ name: "walk-in" }) },
  { id: "today", label: "actions.today", keys: "Ctrl+1", key: "1", ctrl: true, inFields: true, run: (n) => n.go({ name: "home" }) },
  {
    id: "follow-ups",
    label: "actions.followUps",
    keys: "Ctrl+2",
    key: "2",
    ctrl: true,
    inFields: true,
    run: (n) => n.go({ name: "follow-ups" }),
  },
  {
    id: "review",
    label: "actions.review",
    keys: "Ctrl+4",
    key: "4",
    ctrl: true,
    inFields: true,
    supervisorOnly: true,
    run: (n) => n.go({ name: "review" }),
  },
  {
    id: "my-reviews",
    label: "actions.myReviews",
    keys: "Ctrl+3",
    key: "3",
    ctrl: true,
    inFields: true,
    run: (n) => n.go({ name: "my-reviews" }),
  },
  {
    id: "store-board",
    label: "actions.storeBoard",
    supervisorOnly: true,
    run: (n) => n.go({ name: "follow-ups", view: "store" }),
  },
  {
    id: "insight",
    label: "actions.insight",
    keys: "Ctrl+5",
    key: "5",
    ctrl: true,
    inFields: true,
    supervisorOnly: true,
    run: (n) => n.go({ name: "insight" }),
  },
  {
    id: "audit",
    label: "actions.audit",
    keys: "Ctrl+6",
    key: "6",
    ctrl: true,
    inFields: true,
    supervisorOnly: true,
    run: (n) => n.go({ name: "audit" }),
  },
  {
    id: "duplicates",
    label: "actions.duplicates",
    supervisorOnly: true,
    run: (n) => n.go({ name: "duplicates" }),
  },
  { id: "switch-user", label: "actions.switchUser", keys: "U", key: "u", run: (n) => n.setStaffDialog("switch") },
  { id: "sync-status", label: "actions.syncStatus", keys: "S", key: "s", run: (n) => n.setOverlay("sync") },
  { id: "connect", label: "actions.connect", run: (n) => n.setOverlay("connect") },
  // Starts a round and shows the panel, where its progress and any failure are told.
  {
    id: "sync-now",
    label: "actions.syncNow",
    run: (n) => {
      n.setOverlay("sync");
      void api.syncNow().catch(() => undefined);
    },
  },
  { id: "help", label: "actions.help", keys: "?", key: "?", run: (n) => n.setOverlay("help") },
  { id: "back", label: "actions.back", keys: "Esc", key: "Escape", run: (n) => n.back() },
  { id: "log", label: "actions.log", keys: "L", customerOnly: true },
  { id: "hand-over", label: "actions.handOver", keys: "H", customerOnly: true },
  { id: "follow-up", label: "actions.newFollowUp", keys: "F", customerOnly: true },
  { id: "edit", label: "actions.editProfile", keys: "E", customerOnly: true },
  { id: "save", label: "actions.save", keys: "Ctrl+Enter", customerOnly: true },
  { id: "take-back", label: "actions.takeBack", keys: "Ctrl+Shift+K", customerOnly: true },
];

/** Supervisors and administrators review others' work; frontline staff do not. */
export function canReview(role: Role | undefined): boolean {
  return role === "supervisor" || role === "admin";
}

/** A desk the server enrolled as a till: it sends no reviews, deletions or erasures, whoever
 * is signed in (the core and the server refuse them). */
export function isFrontlineDesk(deviceRole: Role | null | undefined): boolean {
  return deviceRole === "frontline";
}

/** The actions the signed-in person may use (an unknown role gets the frontline set). */
export function actionsFor(role: Role | undefined): AppAction[] {
  return ACTIONS.filter((a) => !a.supervisorOnly || canReview(role));
}
