import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { startOfDay, subDays } from "date-fns";
import { describe, expect, it } from "vitest";

import { App, makeQueryClient } from "../../App";
import type { InsightFilter, ReviewQueueFilter } from "../../bindings";
import { Rail } from "../../frame/Rail";
import { Refusal, RouteProbe, mockBackend, renderWithDesk, type Handler } from "../../test/render";
import { deskAs, refund, staffList } from "../../test/reviews";
import { dashboard, scores } from "../../test/supervisor";
import { InsightScreen } from "./InsightScreen";
import { DEFAULT_INSIGHT } from "./insightFilter";

type Calls = ReturnType<typeof mockBackend>;
const insightFilters = (calls: Calls) => calls.filter((c) => c.cmd === "insight").map((c) => c.args.filter as InsightFilter);
const lastInsightFilter = (calls: Calls) => insightFilters(calls).at(-1);
const queueFilters = (calls: Calls) =>
  calls.filter((c) => c.cmd === "review_queue").map((c) => c.args.filter as ReviewQueueFilter);

function supervisorInsight(handlers: Record<string, Handler> = {}) {
  return mockBackend({
    desk_info: () => deskAs("supervisor"),
    list_staff: () => staffList,
    insight: () => dashboard(),
    review_queue: () => [refund],
    ...handlers,
  });
}

const daysAgo = (days: number) => startOfDay(subDays(new Date(), days)).toISOString();

async function choose(name: string, option: string) {
  const user = userEvent.setup();
  await user.click(within(screen.getByTestId(`choice-${name}`)).getByRole("button"));
  await user.click(await screen.findByRole("option", { name: option }));
}

describe("Insight room", () => {
  it("is hidden from frontline staff: no rail item, and the room does not ask for figures", async () => {
    const calls = mockBackend({ desk_info: () => ({ ...deskAs("frontline"), my_open_follow_ups: 1 }) });
    const { unmount } = renderWithDesk(<Rail />);
    await screen.findByLabelText("1 open follow-up");
    expect(screen.queryByTestId("rail-insight")).toBeNull();
    unmount();

    renderWithDesk(<InsightScreen />);
    expect(await screen.findByText("Insight is for supervisors")).toBeInTheDocument();
    expect(screen.queryByTestId("insight-summary")).toBeNull();
    expect(calls.map((c) => c.cmd)).not.toContain("insight");
  });

  it("sits on the rail between Review and Audit for supervisors", async () => {
    supervisorInsight();
    renderWithDesk(<Rail />);
    const insight = await screen.findByTestId("rail-insight");
    expect(insight).toHaveTextContent("Insight");
    const rail = screen.getAllByRole("button").map((b) => b.getAttribute("data-testid"));
    expect(rail.indexOf("rail-review")).toBeLessThan(rail.indexOf("rail-insight"));
    expect(rail.indexOf("rail-insight")).toBeLessThan(rail.indexOf("rail-audit"));
  });

  it("asks for the last 30 days of the whole store first", async () => {
    const calls = supervisorInsight();
    renderWithDesk(<InsightScreen />);
    await screen.findByTestId("insight-summary");
    expect(lastInsightFilter(calls)).toMatchObject({
      from: daysAgo(29),
      store_id: null,
      touch_point_id: null,
      staff_id: null,
    });
  });

  it("asks again for the period and touch point chosen, and shows the new numbers", async () => {
    const calls = supervisorInsight({
      insight: (args) => {
        const f = args.filter as InsightFilter;
        if (f.touch_point_id === "tp-phone") {
          return dashboard({ overall: scores({ interactions: 40, nps: -15, nps_responses: 20, csat: 3.1, csat_responses: 25 }) });
        }
        return dashboard();
      },
    });
    renderWithDesk(<InsightScreen />);
    expect(await screen.findByTestId("summary-nps")).toHaveTextContent("+18");

    await choose("insight_period", "Last 90 days");
    await waitFor(() => expect(lastInsightFilter(calls)).toMatchObject({ from: daysAgo(89), touch_point_id: null }));
    expect(await screen.findByTestId("summary-caption")).toHaveTextContent("My store · last 90 days · 120 conversations");

    await choose("insight_touch_point", "Phone support");
    await waitFor(() => expect(lastInsightFilter(calls)).toMatchObject({ from: daysAgo(89), touch_point_id: "tp-phone" }));
    await waitFor(() => expect(screen.getByTestId("summary-nps")).toHaveTextContent("-15"));
    expect(screen.getByTestId("summary-caption")).toHaveTextContent("My store · Phone support · last 90 days · 40 conversations");

    await choose("insight_staff", "João Silva");
    await waitFor(() => expect(lastInsightFilter(calls)).toMatchObject({ touch_point_id: "tp-phone", staff_id: "staff-joao" }));
  });

  it("narrows to chosen dates, both days included, and says them in every caption", async () => {
    const calls = supervisorInsight();
    renderWithDesk(<InsightScreen />);
    await screen.findByTestId("insight-summary");
    expect(screen.queryByLabelText("From")).toBeNull();

    await choose("insight_period", "Between dates");
    fireEvent.change(await screen.findByLabelText("From"), { target: { value: "2026-03-01" } });
    fireEvent.change(screen.getByLabelText("To"), { target: { value: "2026-03-31" } });
    await waitFor(() =>
      expect(lastInsightFilter(calls)).toMatchObject({
        from: new Date(2026, 2, 1).toISOString(),
        to: new Date(2026, 3, 1).toISOString(),
      }),
    );
    expect(screen.getByTestId("summary-caption")).toHaveTextContent(/My store · Mar 1\s*–\s*31, 2026 · 120 conversations/);
  });

  it("lets a reader of several stores look at one of them, and keeps it when opening the conversations", async () => {
    const calls = supervisorInsight({
      list_stores: () => [
        { id: "store-1", name: "Lisbon" },
        { id: "store-2", name: "Porto" },
      ],
    });
    const user = userEvent.setup();
    renderWithDesk(
      <>
        <InsightScreen />
        <RouteProbe />
      </>,
      { name: "insight" },
    );
    await screen.findByTestId("insight-summary");
    await choose("insight_store", "Porto");
    await waitFor(() => expect(lastInsightFilter(calls)).toMatchObject({ store_id: "store-2" }));
    expect(screen.getByTestId("summary-caption")).toHaveTextContent("Porto · last 30 days");

    const chart = screen.getByTestId("chart-staff");
    await user.click(within(chart).getByRole("button", { name: "Open the conversations: João Silva" }));
    const route = JSON.parse(screen.getByTestId("route").textContent ?? "{}") as { preset?: Record<string, unknown> };
    expect(route.preset).toMatchObject({ store: { id: "store-2", name: "Porto" }, staffId: "staff-joao" });
  });

  it("offers no store choice on a desk that knows one store", async () => {
    supervisorInsight({ list_stores: () => [{ id: "store-1", name: "My store" }] });
    renderWithDesk(<InsightScreen />);
    await screen.findByTestId("insight-summary");
    expect(screen.queryByTestId("choice-insight_store")).toBeNull();
  });

  it("sums up NPS and CSAT with their answers, effort and the feeling mix in words, for the population and period", async () => {
    supervisorInsight();
    renderWithDesk(<InsightScreen />);
    const summary = await screen.findByTestId("insight-summary");
    expect(within(summary).getByTestId("summary-caption")).toHaveTextContent("My store · last 30 days · 120 conversations");
    expect(within(summary).getByTestId("summary-conversations")).toHaveTextContent("120");
    expect(within(summary).getByTestId("summary-nps")).toHaveTextContent("+18");
    expect(within(summary).getByTestId("summary-nps")).toHaveTextContent("50 answers");
    expect(within(summary).getByTestId("summary-csat")).toHaveTextContent("3.9 / 5");
    expect(within(summary).getByTestId("summary-csat")).toHaveTextContent("75 answers");
    expect(within(summary).getByTestId("summary-ces")).toHaveTextContent("lower is better");
    const happy = within(summary).getByTestId("summary-feelings").querySelector("[data-feeling=happy]");
    expect(happy).toHaveTextContent("Happy");
    expect(happy).toHaveTextContent("50");
    expect(happy).toHaveTextContent("43%");
  });

  it("says when nobody answered NPS yet instead of showing a score", async () => {
    supervisorInsight({ insight: () => dashboard({ overall: scores({ interactions: 3, feelings: [0, 0, 1, 2, 0] }) }) });
    renderWithDesk(<InsightScreen />);
    expect(await screen.findByTestId("summary-nps")).toHaveTextContent("No answers yet");
  });

  it("names population, period and conversations on every chart", async () => {
    supervisorInsight();
    renderWithDesk(<InsightScreen />);
    await screen.findByTestId("insight-summary");
    for (const id of ["chart-touch-points", "chart-staff", "chart-weeks", "chart-reasons", "chart-outcomes", "chart-heat-map"]) {
      expect(within(screen.getByTestId(id)).getByTestId("chart-caption")).toHaveTextContent(
        "My store · last 30 days · 120 conversations",
      );
    }
    const touchPoints = screen.getByTestId("chart-touch-points");
    expect(touchPoints).toHaveTextContent("NPS and CSAT by touch point");
    expect(within(touchPoints).getAllByText("Service desk").length).toBeGreaterThan(0);
    expect(within(touchPoints).getAllByText("+40").length).toBeGreaterThan(0);
    expect(within(touchPoints).getAllByText("-15").length).toBeGreaterThan(0);
    const outcomes = screen.getByTestId("chart-outcomes");
    expect(within(outcomes).getAllByText("Resolved").length).toBeGreaterThan(0);
    expect(within(outcomes).getAllByText("90").length).toBeGreaterThan(0);
    // One store: no comparison to make.
    expect(screen.queryByTestId("chart-stores")).toBeNull();
  });

  it("compares stores for an administrator who sees more than one", async () => {
    supervisorInsight({
      desk_info: () => deskAs("admin"),
      insight: () =>
        dashboard({
          by_store: [
            { key: "store-1", label: "Lisbon", scores: scores({ interactions: 70, nps: 30, nps_responses: 20, csat: 4.1, csat_responses: 30 }) },
            { key: "store-2", label: "Porto", scores: scores({ interactions: 50, nps: 5, nps_responses: 15, csat: 3.6, csat_responses: 20 }) },
          ],
        }),
    });
    renderWithDesk(<InsightScreen />);
    const stores = await screen.findByTestId("chart-stores");
    expect(within(stores).getByTestId("chart-caption")).toHaveTextContent("All stores · last 30 days · 120 conversations");
    expect(within(stores).getAllByText("Porto").length).toBeGreaterThan(0);
  });

  it("shows how many conversations felt each way at each touch point", async () => {
    supervisorInsight();
    renderWithDesk(<InsightScreen />);
    const map = await screen.findByTestId("heat-map");
    const cell = (tp: string, feeling: string) =>
      within(map)
        .getAllByTestId("heat-cell")
        .find((c) => c.getAttribute("data-touch-point") === tp && c.getAttribute("data-feeling") === feeling);
    expect(within(map).getAllByTestId("heat-cell")).toHaveLength(10);
    expect(cell("tp-desk", "happy")).toHaveTextContent("40");
    expect(cell("tp-phone", "unhappy")).toHaveTextContent("11");
    expect(cell("tp-phone", "very_happy")).toHaveTextContent("0");
    expect(within(map).getByRole("columnheader", { name: "Delighted" })).toBeInTheDocument();
    expect(within(map).getByRole("button", { name: "Phone support, Unhappy: 11 conversations (31%)" })).toBeInTheDocument();
  });

  it("opens the conversations behind a heat-map cell in Review: that touch point and feeling, reviewed or not", async () => {
    const calls = supervisorInsight();
    const user = userEvent.setup();
    render(<App client={makeQueryClient()} initialRoute={{ name: "insight" }} />);
    const map = await screen.findByTestId("heat-map");
    await user.click(within(map).getByRole("button", { name: /^Phone support, Unhappy/ }));

    expect(await screen.findByTestId("review-screen")).toBeInTheDocument();
    await waitFor(() =>
      expect(queueFilters(calls).at(-1)).toMatchObject({
        touch_point_id: "tp-phone",
        feeling: "unhappy",
        staff_id: null,
        unreviewed_only: false,
        from: daysAgo(29),
        to: startOfDay(subDays(new Date(), -1)).toISOString(),
      }),
    );
    expect(await screen.findByTestId("queue-item")).toHaveTextContent("Ana Souza");

    // Esc comes back to the figures as they were left.
    await user.keyboard("{Escape}");
    expect(await screen.findByTestId("insight-screen")).toBeInTheDocument();
  });

  it("opens a touch point's conversations from its bar", async () => {
    supervisorInsight();
    renderWithDesk(
      <>
        <InsightScreen />
        <RouteProbe />
      </>,
      { name: "insight" },
    );
    const chart = await screen.findByTestId("chart-touch-points");
    // The NPS chart's bars, in the order sent: Service desk, then Phone support.
    const bars = chart.querySelectorAll(".recharts-bar-rectangle path");
    fireEvent.click(bars[1] as Element);
    const route = JSON.parse(screen.getByTestId("route").textContent ?? "{}") as { name: string; preset?: Record<string, unknown> };
    expect(route.name).toBe("review");
    expect(route.preset).toMatchObject({ touchPointId: "tp-phone", feeling: null, unreviewedOnly: false, period: "custom" });
  });

  it("says on every bar how many answers it rests on, greys out the few and names those with none", async () => {
    supervisorInsight({
      insight: () =>
        dashboard({
          by_touch_point: [
            { key: "tp-desk", label: "Service desk", scores: scores({ interactions: 40, nps: 18, nps_responses: 30, csat: 4.2, csat_responses: 25 }) },
            { key: "tp-phone", label: "Phone support", scores: scores({ interactions: 3, nps: -100, nps_responses: 2, csat: 2, csat_responses: 1 }) },
            { key: "tp-web", label: "Web chat", scores: scores({ interactions: 4, nps: null, nps_responses: 0, csat: null, csat_responses: 0 }) },
          ],
        }),
    });
    renderWithDesk(<InsightScreen />, { name: "insight" });
    const chart = await screen.findByTestId("chart-touch-points");
    const labels = [...chart.querySelectorAll('[data-testid="nps-bar-label"]')];
    expect(labels.map((l) => l.textContent?.replace("\u2212", "-"))).toEqual(["+18 · n 30", "-100 · n 2", "No answers yet"]);
    expect(labels[0]).not.toHaveAttribute("fill", labels[1]?.getAttribute("fill") ?? "");
    expect(labels[1]?.getAttribute("fill")).toBe(labels[2]?.getAttribute("fill"));
    const csat = [...chart.querySelectorAll('[data-testid="csat-bar-label"]')].map((l) => l.textContent);
    expect(csat).toEqual(["4.2 · n 25", "2.0 · n 1", "No answers yet"]);
    expect(within(chart).getByTestId("few-answers-note")).toHaveTextContent("fewer than 10 answers, too few to compare");
  });

  it("opens a reason's conversations from its bar, and names the bar of conversations with none", async () => {
    supervisorInsight({
      insight: () =>
        dashboard({
          reasons: [
            { label: "Refund", count: 70 },
            { label: "", count: 12 },
          ],
        }),
    });
    renderWithDesk(
      <>
        <InsightScreen />
        <RouteProbe />
      </>,
      { name: "insight" },
    );
    const chart = await screen.findByTestId("chart-reasons");
    expect(within(chart).getAllByText("No reason given").length).toBeGreaterThan(0);
    const bars = chart.querySelectorAll(".recharts-bar-rectangle path");
    fireEvent.click(bars[1] as Element);
    const route = JSON.parse(screen.getByTestId("route").textContent ?? "{}") as { name: string; preset?: Record<string, unknown> };
    expect(route.name).toBe("review");
    expect(route.preset).toMatchObject({ reason: "", unreviewedOnly: false });
  });

  it("opens a touch point's conversations from the keyboard, through its figures", async () => {
    supervisorInsight();
    const user = userEvent.setup();
    renderWithDesk(
      <>
        <InsightScreen />
        <RouteProbe />
      </>,
      { name: "insight" },
    );
    const chart = await screen.findByTestId("chart-touch-points");
    await user.click(within(chart).getByText("Figures and links to the conversations"));
    within(chart).getByRole("button", { name: "Open the conversations: Phone support" }).focus();
    await user.keyboard("{Enter}");
    const route = JSON.parse(screen.getByTestId("route").textContent ?? "{}") as { name: string; preset?: Record<string, unknown> };
    expect(route).toMatchObject({ name: "review", preset: { touchPointId: "tp-phone" } });
  });

  it("keeps the dashboard's own filters when opening a staff member's conversations", async () => {
    supervisorInsight();
    const user = userEvent.setup();
    renderWithDesk(
      <>
        <InsightScreen initial={{ ...DEFAULT_INSIGHT, period: "7", touchPointId: "tp-desk" }} />
        <RouteProbe />
      </>,
      { name: "insight" },
    );
    const chart = await screen.findByTestId("chart-staff");
    await user.click(within(chart).getByRole("button", { name: "Open the conversations: João Silva" }));
    const route = JSON.parse(screen.getByTestId("route").textContent ?? "{}") as { preset?: Record<string, unknown> };
    expect(route.preset).toMatchObject({ touchPointId: "tp-desk", staffId: "staff-joao" });
  });

  it("exports the figures on screen as CSV and says where the file went", async () => {
    const calls = supervisorInsight({ export_insight: () => ({ path: "/data/exports/insight-2026-01-14.csv", bytes: 4096 }) });
    const user = userEvent.setup();
    renderWithDesk(<InsightScreen />);
    await screen.findByTestId("insight-summary");
    await choose("insight_touch_point", "Service desk");
    await user.click(screen.getByTestId("insight-export"));
    expect(await screen.findByText("Saved to /data/exports/insight-2026-01-14.csv (4 KB)")).toBeInTheDocument();
    const exported = calls.find((c) => c.cmd === "export_insight")?.args.filter as InsightFilter;
    expect(exported).toMatchObject({ from: daysAgo(29), touch_point_id: "tp-desk" });
  });

  it("says why an export was refused", async () => {
    supervisorInsight({ export_insight: () => new Refusal({ kind: "forbidden", message: "Only supervisors can export." }) });
    const user = userEvent.setup();
    renderWithDesk(<InsightScreen />);
    await screen.findByTestId("insight-summary");
    await user.click(screen.getByTestId("insight-export"));
    expect(await screen.findByText("The figures could not be exported: Only supervisors can export.")).toBeInTheDocument();
  });

  it("says what to do when the period has no conversations", async () => {
    supervisorInsight({
      insight: () =>
        dashboard({ overall: scores(), by_touch_point: [], by_staff: [], by_week: [], reasons: [], outcomes: [], heat_map: [] }),
    });
    renderWithDesk(<InsightScreen />);
    const empty = await screen.findByTestId("insight-empty");
    expect(empty).toHaveTextContent("No conversations in this period");
    expect(empty).toHaveTextContent("Choose a longer period");
    expect(screen.queryByTestId("chart-touch-points")).toBeNull();
  });
});
