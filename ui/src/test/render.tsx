import { mockIPC } from "@tauri-apps/api/mocks";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";

import { makeQueryClient } from "../App";
import type { CoreError, DeskInfo, SyncStatus, TouchPoint } from "../bindings";
import { NavigationProvider, useNavigation, type Route } from "../navigation";
import { QueryClientProvider } from "@tanstack/react-query";

export type Handler = (args: Record<string, unknown>) => unknown;

/** A command refused by the core: what the backend sends when a `Result` is `Err`. */
export class Refusal {
  constructor(readonly error: CoreError) {}
}

export const touchPoints: TouchPoint[] = [
  { id: "tp-desk", name: "Service desk", default_channel: "in_person" },
  { id: "tp-phone", name: "Phone support", default_channel: "phone" },
];

export const deskInfo: DeskInfo = {
  device_id: "dev-1",
  store: { id: "store-1", name: "My store" },
  staff: { id: "staff-1", name: "Store manager", role: "admin" },
  touch_point: touchPoints[0] ?? null,
  region: "GB",
  database_path: "/tmp/touchpoint.sqlite3",
  outbox: { pending: 0, rejected: 0 },
  must_sign_in: false,
  connected: false,
  device_role: null,
  my_open_follow_ups: 0,
  my_overdue_follow_ups: 0,
};

/** A desk working on its own: no server. */
export const localSync: SyncStatus = {
  connected: false,
  server_url: null,
  device_name: null,
  online: null,
  syncing: false,
  pending: 0,
  rejected: 0,
  last_success_at: null,
  last_attempt_at: null,
  next_attempt_at: null,
  last_error: null,
  blocked: null,
  first_sync_percent: null,
  received: 0,
  secret_kept_in: null,
};

/** A connected desk that synced a minute ago, with nothing waiting. */
export const connectedSync: SyncStatus = {
  ...localSync,
  connected: true,
  server_url: "https://sync.example.com",
  device_name: "Returns desk PC",
  online: true,
  last_success_at: new Date(Date.now() - 60_000).toISOString(),
};

/** Mocks the backend: every command the UI calls is answered by `handlers` (plus a sensible
 * desk), and every call is recorded so tests can assert on what was sent. */
export function mockBackend(handlers: Record<string, Handler> = {}) {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  const all: Record<string, Handler> = {
    startup_status: () => ({ ready: true, demo: null }),
    desk_info: () => deskInfo,
    list_touch_points: () => touchPoints,
    list_reasons: () => [
      { id: "r1", label: "Refund" },
      { id: "r2", label: "Exchange" },
    ],
    search_customers: () => [],
    sync_status: () => localSync,
    search_server: () => [],
    my_reviews: () => [],
    review_criteria: () => [],
    at_risk_customers: () => [],
    follow_up_board: () => [],
    audit_log: () => [],
    possible_duplicates_of: () => [],
    notification_settings: () => ({ enabled: false, language: "en" }),
    ...handlers,
  };
  // Events are mocked too: a test emits what the app would send (`events.syncEvent.emit`).
  mockIPC(
    (cmd, args) => {
      const payload = (args ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args: payload });
      const handler = all[cmd];
      if (!handler) throw new Error(`unexpected command ${cmd}`);
      const result = handler(payload);
      if (result instanceof Refusal) return Promise.reject(result.error);
      return result;
    },
    { shouldMockEvents: true },
  );
  return calls;
}

export function renderWithDesk(ui: ReactElement, initial: Route = { name: "home" }) {
  const client = makeQueryClient();
  return render(
    <QueryClientProvider client={client}>
      <NavigationProvider initial={initial}>{ui}</NavigationProvider>
    </QueryClientProvider>,
  );
}

/** Shows the current route, so a test can see where an action led. */
export function RouteProbe() {
  const nav = useNavigation();
  return <output data-testid="route">{JSON.stringify(nav.route)}</output>;
}
