import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { App, makeQueryClient } from "./App";
import { mockBackend } from "./test/render";
import { deskAs, refund, staffList } from "./test/reviews";
import { dashboard } from "./test/supervisor";

function renderApp() {
  render(<App client={makeQueryClient()} />);
}

describe("Review rooms from the keyboard", () => {
  it("Ctrl+4 opens Review for a supervisor, and the shortcuts list it", async () => {
    mockBackend({ desk_info: () => deskAs("supervisor"), list_staff: () => staffList, review_queue: () => [refund] });
    const user = userEvent.setup();
    renderApp();
    await screen.findByTestId("rail-review");
    await user.keyboard("{Control>}4{/Control}");
    expect(await screen.findByTestId("review-screen")).toBeInTheDocument();
    expect(await screen.findByTestId("queue-item")).toHaveTextContent("Ana Souza");

    await user.keyboard("{Control>}3{/Control}");
    expect(await screen.findByTestId("my-reviews-screen")).toBeInTheDocument();

    await user.keyboard("?");
    const help = await screen.findByTestId("help");
    expect(within(help).getByText("Review conversations")).toBeInTheDocument();
    expect(within(help).getByText("Ctrl+4")).toBeInTheDocument();
    expect(within(help).getByText("My reviews")).toBeInTheDocument();
  });

  it("Ctrl+4 does nothing for frontline staff, and the shortcuts do not offer it", async () => {
    const calls = mockBackend({ desk_info: () => ({ ...deskAs("frontline"), my_open_follow_ups: 1 }) });
    const user = userEvent.setup();
    renderApp();
    await screen.findByLabelText("1 open follow-up");
    await user.keyboard("{Control>}4{/Control}");
    await user.keyboard("?");
    const help = await screen.findByTestId("help");
    expect(within(help).queryByText("Ctrl+4")).toBeNull();
    expect(within(help).getByText("Ctrl+3")).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByTestId("review-screen")).toBeNull());
    expect(calls.map((c) => c.cmd)).not.toContain("review_queue");
  });
});

describe("Audit room from the keyboard", () => {
  it("Ctrl+6 opens Audit for a supervisor, and the shortcuts list it", async () => {
    mockBackend({ desk_info: () => deskAs("supervisor"), list_staff: () => staffList, audit_log: () => [] });
    const user = userEvent.setup();
    renderApp();
    await screen.findByTestId("rail-audit");
    await user.keyboard("{Control>}6{/Control}");
    expect(await screen.findByTestId("audit-screen")).toBeInTheDocument();
    expect(await screen.findByTestId("audit-empty")).toHaveTextContent("Nothing recorded in this period");

    await user.keyboard("?");
    const help = await screen.findByTestId("help");
    expect(within(help).getByText("Audit trail")).toBeInTheDocument();
    expect(within(help).getByText("Ctrl+6")).toBeInTheDocument();
  });

  it("Ctrl+6 does nothing for frontline staff, and the shortcuts do not offer it", async () => {
    const calls = mockBackend({ desk_info: () => ({ ...deskAs("frontline"), my_open_follow_ups: 1 }) });
    const user = userEvent.setup();
    renderApp();
    await screen.findByLabelText("1 open follow-up");
    await user.keyboard("{Control>}6{/Control}");
    await user.keyboard("?");
    const help = await screen.findByTestId("help");
    expect(within(help).queryByText("Ctrl+6")).toBeNull();
    expect(screen.queryByTestId("audit-screen")).toBeNull();
    expect(calls.map((c) => c.cmd)).not.toContain("audit_log");
  });
});

describe("Insight room from the keyboard", () => {
  it("Ctrl+5 opens Insight for a supervisor, and the shortcuts and the palette list it", async () => {
    mockBackend({ desk_info: () => deskAs("supervisor"), list_staff: () => staffList, insight: () => dashboard() });
    const user = userEvent.setup();
    renderApp();
    await screen.findByTestId("rail-insight");
    await user.keyboard("{Control>}5{/Control}");
    expect(await screen.findByTestId("insight-screen")).toBeInTheDocument();
    expect(await screen.findByTestId("insight-summary")).toHaveTextContent("120");

    await user.keyboard("?");
    const help = await screen.findByTestId("help");
    expect(within(help).getByText("Insight dashboards")).toBeInTheDocument();
    expect(within(help).getByText("Ctrl+5")).toBeInTheDocument();
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByTestId("help")).toBeNull());

    await user.keyboard("{Control>}k{/Control}");
    const palette = await screen.findByTestId("palette");
    expect(within(palette).getByText("Insight dashboards")).toBeInTheDocument();
  });

  it("Ctrl+5 does nothing for frontline staff, and the shortcuts do not offer it", async () => {
    const calls = mockBackend({ desk_info: () => ({ ...deskAs("frontline"), my_open_follow_ups: 1 }) });
    const user = userEvent.setup();
    renderApp();
    await screen.findByLabelText("1 open follow-up");
    await user.keyboard("{Control>}5{/Control}");
    await user.keyboard("?");
    const help = await screen.findByTestId("help");
    expect(within(help).queryByText("Ctrl+5")).toBeNull();
    expect(screen.queryByTestId("insight-screen")).toBeNull();
    expect(calls.map((c) => c.cmd)).not.toContain("insight");
  });
});

describe("First start with the demo store", () => {
  it("shows how far the demo store has got, then the desk once it is open, asking nothing of the desk before", async () => {
    let step = 0;
    const states = [
      { ready: false, demo: { customers: 0, customers_total: 240, percent: 0 } },
      { ready: false, demo: { customers: 120, customers_total: 240, percent: 46 } },
      { ready: true, demo: null },
    ];
    const calls = mockBackend({ startup_status: () => states[Math.min(step++, states.length - 1)] });
    renderApp();
    expect(await screen.findByRole("heading", { name: "Preparing the demo store…" })).toBeInTheDocument();
    expect(await screen.findByText("120 of 240 customers")).toBeInTheDocument();
    expect(screen.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "46");
    expect(calls.map((c) => c.cmd)).not.toContain("desk_info");
    expect(await screen.findByTestId("rail-today", {}, { timeout: 3000 })).toBeInTheDocument();
    expect(screen.queryByTestId("startup")).toBeNull();
  });
});
