import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import "../i18n";
import type { Group, OrgConversation, OrgInsight, OrgStore } from "../api-types";
import { InsightPage } from "./Insight";

const stores: OrgStore[] = [
  { store_id: "st-1", name: "Porto Baixa", timezone: "Europe/Lisbon", staff: 2, devices: 1 },
  { store_id: "st-2", name: "Braga", timezone: null, staff: 1, devices: 1 },
];

const scores = (interactions: number) => ({
  interactions,
  nps: 20,
  nps_responses: interactions,
  csat: 4.2,
  csat_responses: interactions,
  ces: null,
  ces_responses: 0,
  feelings: [0, 1, 1, interactions - 2, 0],
});
const group = (key: string, label: string, n: number): Group => ({ key, label, scores: scores(n) });

function dashboard(): OrgInsight {
  return {
    from: "2026-11-07",
    to: "2026-12-06",
    overall: scores(30),
    by_store: [group("st-1", "Porto Baixa", 18), group("st-2", "Braga", 12)],
    by_touch_point: [group("tp-1", "Service desk", 30)],
    by_staff: [group("p-1", "Rui Santos", 30)],
    by_week: [group("2026-11-30", "2026-11-30", 30)],
    reasons: [{ label: "Returns", count: 30 }],
    outcomes: [{ label: "resolved", count: 30 }],
    heat_map: [{ touch_point_id: "tp-1", touch_point: "Service desk", feeling: "happy", count: 28 }],
  };
}

const conversation = (id: string, store: string): OrgConversation => ({
  interaction_id: id,
  occurred_at: "2026-12-05T10:00:00Z",
  store_id: "st-1",
  store,
  staff_id: "p-1",
  staff: "Rui Santos",
  touch_point_id: "tp-1",
  touch_point: "Service desk",
  reason: "Returns",
  outcome: "resolved",
  feeling: "happy",
  nps: 9,
  csat: 5,
  ces: null,
  has_customer: true,
});

let asked: URL[] = [];

beforeEach(() => {
  asked = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string) => {
      const u = new URL(url, "http://console.test");
      asked.push(u);
      const path = u.pathname.replace("/v1/org/", "");
      const body =
        path === "stores"
          ? stores
          : path === "insight"
            ? dashboard()
            : path === "insight/conversations"
              ? [conversation("i-1", "Porto Baixa"), conversation("i-2", "Porto Baixa")]
              : null;
      return new Response(JSON.stringify(body), { status: body === null ? 404 : 200 });
    }),
  );
});

afterEach(() => vi.unstubAllGlobals());

function renderPage() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <InsightPage />
    </QueryClientProvider>,
  );
}

describe("the organisation's insight", () => {
  it("asks the server for the last 30 days of every store, then for the store chosen", async () => {
    renderPage();
    expect(await screen.findByTestId("summary-conversations")).toHaveTextContent("30");
    const first = asked.find((u) => u.pathname === "/v1/org/insight");
    expect(first?.searchParams.get("store_id")).toBeNull();
    const from = new Date(first?.searchParams.get("from") ?? "");
    const to = new Date(first?.searchParams.get("to") ?? "");
    expect(Math.round((to.getTime() - from.getTime()) / 86_400_000)).toBe(29);

    await userEvent.selectOptions(screen.getByTestId("insight-store"), "st-2");
    await vi.waitFor(() =>
      expect(asked.some((u) => u.pathname === "/v1/org/insight" && u.searchParams.get("store_id") === "st-2")).toBe(
        true,
      ),
    );
    expect(screen.getByTestId("summary-caption")).toHaveTextContent("Braga");
  });

  it("opens the conversations behind a store's figures, for that store and period", async () => {
    renderPage();
    const stores = await screen.findByTestId("chart-stores");
    await userEvent.click(within(stores).getByText(/Figures/));
    await userEvent.click(within(stores).getByRole("button", { name: /Porto Baixa/ }));
    const drill = await screen.findByTestId("drill");
    expect(within(drill).getByRole("heading")).toHaveTextContent("Conversations behind Porto Baixa");
    expect(await within(drill).findAllByText("Rui Santos")).toHaveLength(2);
    const call = asked.find((u) => u.pathname === "/v1/org/insight/conversations");
    expect(call?.searchParams.get("store_id")).toBe("st-1");
    expect(call?.searchParams.get("limit")).toBe("50");
    expect(within(drill).queryByTestId("drill-more")).toBeNull();
    await userEvent.click(within(drill).getByTestId("drill-close"));
    expect(screen.queryByTestId("drill")).toBeNull();
  });
});
