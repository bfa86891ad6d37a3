import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { Rail } from "../../frame/Rail";
import { Refusal, RouteProbe, mockBackend, renderWithDesk } from "../../test/render";
import { deskAs } from "../../test/reviews";
import { atRisk, hoursFromNow } from "../../test/supervisor";
import { HomeScreen } from "./HomeScreen";

const ana = atRisk({
  reasons: [
    { kind: "unhappy_visits", count: 2, days: 30 },
    { kind: "detractor", nps: 3, at: hoursFromNow(-24 * 3) },
  ],
  open_follow_up: "Call back about the refund",
  open_follow_up_due: hoursFromNow(0.5),
});
const rui = atRisk({
  customer_id: "cust-rui",
  name: "Rui Costa",
  reasons: [{ kind: "last_visit_unresolved", outcome: "escalated", at: hoursFromNow(-5) }],
});

describe("Customers at risk on Today", () => {
  it("shows supervisors each customer at risk with the reasons in words and their open follow-up, or none yet", async () => {
    mockBackend({ desk_info: () => deskAs("supervisor"), at_risk_customers: () => [ana, rui] });
    renderWithDesk(<HomeScreen />);
    const panel = await screen.findByTestId("at-risk-list");
    expect(within(panel).getByRole("heading", { name: /Customers at risk/ })).toBeInTheDocument();
    const [first, second] = (await within(panel).findAllByTestId("at-risk-item")) as [HTMLElement, HTMLElement];

    expect(first).toHaveTextContent("Ana Souza");
    expect(first).toHaveTextContent("2 unhappy visits in 30 days");
    expect(first).toHaveTextContent("Detractor: NPS 3");
    expect(within(first).getByTestId("at-risk-follow-up")).toHaveTextContent("“Call back about the refund”");
    expect(within(first).getByTestId("at-risk-follow-up")).toHaveTextContent(/due in \d+ min/);

    expect(second).toHaveTextContent("Rui Costa");
    expect(second).toHaveTextContent("Last visit ended escalated, no follow-up");
    expect(within(second).getByTestId("at-risk-follow-up")).toHaveTextContent("No follow-up yet");
  });

  it("opens the customer from their name", async () => {
    mockBackend({ desk_info: () => deskAs("admin"), at_risk_customers: () => [rui] });
    const user = userEvent.setup();
    renderWithDesk(
      <>
        <HomeScreen />
        <RouteProbe />
      </>,
    );
    await user.click(await screen.findByRole("button", { name: "Rui Costa" }));
    expect(JSON.parse(screen.getByTestId("route").textContent ?? "{}")).toEqual({ name: "customer", id: "cust-rui" });
  });

  it("says when nobody is at risk", async () => {
    mockBackend({ desk_info: () => deskAs("supervisor"), at_risk_customers: () => [] });
    renderWithDesk(<HomeScreen />);
    expect(await screen.findByTestId("at-risk-empty")).toHaveTextContent("No one is at risk right now.");
  });

  it("is not on frontline staff's Today, and is not asked for", async () => {
    const calls = mockBackend({ desk_info: () => ({ ...deskAs("frontline"), my_open_follow_ups: 1 }) });
    renderWithDesk(
      <>
        <Rail />
        <HomeScreen />
      </>,
    );
    // The follow-up count comes with the desk: once it shows, Today knows the role.
    await screen.findByLabelText("1 open follow-up");
    expect(screen.queryByTestId("at-risk-list")).toBeNull();
    expect(calls.map((c) => c.cmd)).not.toContain("at_risk_customers");
  });

  it("exports the list as CSV for supervisors and says where the file went", async () => {
    const calls = mockBackend({
      desk_info: () => deskAs("supervisor"),
      at_risk_customers: () => [ana, rui],
      export_at_risk: () => ({ path: "/data/exports/at-risk-2026-01-14.csv", bytes: 2048 }),
    });
    const user = userEvent.setup();
    renderWithDesk(<HomeScreen />);
    const panel = await screen.findByTestId("at-risk-list");
    await within(panel).findAllByTestId("at-risk-item");
    await user.click(within(panel).getByRole("button", { name: "Export CSV" }));
    expect(await within(panel).findByText("Saved to /data/exports/at-risk-2026-01-14.csv (2 KB)")).toBeInTheDocument();
    expect(calls.filter((c) => c.cmd === "export_at_risk")).toEqual([{ cmd: "export_at_risk", args: {} }]);
  });

  it("says why exporting the list was refused", async () => {
    mockBackend({
      desk_info: () => deskAs("supervisor"),
      at_risk_customers: () => [ana],
      export_at_risk: () => new Refusal({ kind: "storage", message: "The disk is full." }),
    });
    const user = userEvent.setup();
    renderWithDesk(<HomeScreen />);
    await user.click(await screen.findByTestId("at-risk-export"));
    expect(await screen.findByText("The list could not be exported: The disk is full.")).toBeInTheDocument();
  });

  it("offers no export when nobody is at risk", async () => {
    mockBackend({ desk_info: () => deskAs("supervisor"), at_risk_customers: () => [] });
    renderWithDesk(<HomeScreen />);
    await screen.findByTestId("at-risk-empty");
    expect(screen.queryByTestId("at-risk-export")).toBeNull();
  });
});
