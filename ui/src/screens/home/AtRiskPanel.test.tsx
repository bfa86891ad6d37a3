import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { Rail } from "../../components/Rail";
import { RouteProbe, mockBackend, renderWithDesk } from "../../test/render";
import { deskAs } from "../../test/reviews";
import { atRisk, hoursFromNow } from "../../test/supervisor";
import { HomeScreen } from "./HomeScreen";

const ana = atRisk({
  reasons: [
    { kind: "unhappy_visits", count: 2, days: 30 },
    { kind: "detractor", nps: 3, at: hoursFromNow(-24 * 3) },
  ],
  open_follow_up: "Call back about the refund",
  open_follow_up_due: hoursFromNow(3),
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
    expect(within(first).getByTestId("at-risk-follow-up")).toHaveTextContent(/due in 3 hr/);

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
});
