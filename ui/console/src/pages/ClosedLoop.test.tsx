import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import "../i18n";
import type { LoopFigures, OrgAtRiskCustomer, OrgClosedLoop, OrgStore } from "../api-types";
import { ClosedLoopPage } from "./ClosedLoop";

const stores: OrgStore[] = [
  { store_id: "st-1", name: "Porto Baixa", timezone: "Europe/Lisbon", staff: 2, devices: 1 },
  { store_id: "st-2", name: "Braga", timezone: null, staff: 1, devices: 1 },
];

const figures = (unhappy: number, within: number, overdue: number): LoopFigures => ({
  unhappy,
  followed_up: within + 1,
  within_sla: within,
  within_sla_percent: Math.round((within / unhappy) * 100),
  median_hours_to_recover: 30,
  feelings_after: [0, 1, 0, 2, 1],
  overdue_now: overdue,
});

function loop(storeId: string | null): OrgClosedLoop {
  const porto = { store_id: "st-1", store: "Porto Baixa", figures: figures(12, 9, 2) };
  const braga = { store_id: "st-2", store: "Braga", figures: figures(4, 1, 0) };
  return {
    from: "2026-11-07",
    to: "2026-12-06",
    sla_hours: 48,
    overall: storeId === "st-2" ? braga.figures : figures(16, 10, 2),
    by_store: storeId === "st-2" ? [braga] : [porto, braga],
  };
}

const atRisk: OrgAtRiskCustomer[] = [
  {
    customer_id: "c-1",
    name: "Ana Costa",
    home_store_id: "st-1",
    home_store: "Porto Baixa",
    reasons: [
      { kind: "unhappy_visits", count: 2, days: 30 },
      { kind: "detractor", nps: 3, at: "2026-12-01T10:00:00Z" },
    ],
    open_follow_up: null,
    open_follow_up_due: null,
    last_seen_at: "2026-12-05T10:00:00Z",
    refused: ["phone", "sms"],
  },
];

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
          : path === "insight/closed-loop"
            ? loop(u.searchParams.get("store_id"))
            : path === "insight/at-risk"
              ? atRisk
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
      <ClosedLoopPage />
    </QueryClientProvider>,
  );
}

describe("the organisation's closed loop", () => {
  it("puts the stores side by side and says who is at risk, why, and how not to contact them", async () => {
    renderPage();
    const table = await screen.findByTestId("loop-stores");
    const porto = within(table).getByRole("row", { name: /Porto Baixa/ });
    expect(porto).toHaveTextContent("12");
    expect(porto).toHaveTextContent("9 (75%)");
    expect(porto).toHaveTextContent("30 hours");
    expect(screen.getByTestId("loop-overall")).toHaveTextContent("10 of 16 unhappy conversations followed up within 48 h");
    const risk = await screen.findByTestId("at-risk");
    const ana = within(risk).getByRole("row", { name: /Ana Costa/ });
    expect(ana).toHaveTextContent("2 unhappy visits in 30 days");
    expect(ana).toHaveTextContent("Detractor: NPS 3");
    expect(within(ana).getByTestId("do-not-contact")).toHaveTextContent("Do not contact by phone, SMS");
    expect(ana).toHaveTextContent("No follow-up yet");
  });

  it("opens one store from its row, for the figures and the customers at risk", async () => {
    renderPage();
    const table = await screen.findByTestId("loop-stores");
    await userEvent.click(within(table).getByRole("button", { name: "Show Braga alone" }));
    await vi.waitFor(() =>
      expect(asked.some((u) => u.pathname === "/v1/org/insight/at-risk" && u.searchParams.get("store_id") === "st-2")).toBe(true),
    );
    const call = asked.find((u) => u.pathname === "/v1/org/insight/closed-loop" && u.searchParams.get("store_id") === "st-2");
    expect(call?.searchParams.get("from")).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await screen.findByTestId("loop-overall")).toHaveTextContent("1 of 4 unhappy conversations");
    expect(screen.queryByTestId("loop-stores")).toBeNull();
    expect((screen.getByTestId("loop-store") as HTMLSelectElement).value).toBe("st-2");
  });
});
