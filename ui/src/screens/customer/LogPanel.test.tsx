import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { Refusal, mockBackend, renderWithDesk } from "../../test/render";
import { LogPanel } from "./LogPanel";

describe("LogPanel", () => {
  it("sends the feeling, CSAT, outcome and note with the desk's touch point", async () => {
    const calls = mockBackend({ log_interaction: () => ({ interaction_id: "i1", feedback_id: "f1" }) });
    const user = userEvent.setup();
    renderWithDesk(<LogPanel customerId="c1" />);

    await screen.findByRole("button", { name: /Service desk/ });
    await user.type(screen.getByRole("combobox", { name: "Reason" }), "Refund for kettle");
    await user.click(screen.getByRole("radio", { name: "Follow-up needed" }));
    await user.click(screen.getByRole("radio", { name: "Unhappy" }));
    await user.click(within(screen.getByRole("radiogroup", { name: "Their CSAT" })).getByRole("radio", { name: "2" }));
    await user.type(screen.getByRole("textbox", { name: "Note" }), "Promised a call back");
    await user.click(screen.getByRole("button", { name: /Save/ }));

    await screen.findByText(/Logged at/);
    const sent = calls.find((c) => c.cmd === "log_interaction")?.args.input as Record<string, unknown>;
    expect(sent).toMatchObject({
      customer_id: "c1",
      touch_point_id: "tp-desk",
      channel: "in_person",
      reason: "Refund for kettle",
      outcome: "follow_up_needed",
      feeling: "unhappy",
      csat: 2,
      summary: "Promised a call back",
    });
    // Ready for the next conversation.
    expect(screen.getByRole("combobox", { name: "Reason" })).toHaveValue("");
    expect(screen.getByRole("radio", { name: "Unhappy" })).not.toBeChecked();
  });

  it("shows a refusal next to the field and keeps everything typed", async () => {
    mockBackend({
      log_interaction: () =>
        new Refusal({
          kind: "validation",
          message: "The note can be at most 4000 characters.",
          fields: [{ field: "summary", message: "The note can be at most 4000 characters." }],
        }),
    });
    const user = userEvent.setup();
    renderWithDesk(<LogPanel customerId="c1" />);
    await screen.findByRole("button", { name: /Service desk/ });
    await user.click(screen.getByRole("radio", { name: "Delighted" }));
    await user.type(screen.getByRole("textbox", { name: "Note" }), "A long story");
    await user.keyboard("{Control>}{Enter}{/Control}");

    const note = screen.getByRole("textbox", { name: "Note" });
    await waitFor(() => expect(note).toHaveAttribute("aria-invalid", "true"));
    expect(screen.getByText("The note can be at most 4000 characters.")).toBeInTheDocument();
    expect(note).toHaveValue("A long story");
    expect(screen.getByRole("radio", { name: "Delighted" })).toBeChecked();
  });

  it("says at once when a pasted note holds a character that cannot be saved, and keeps it", async () => {
    mockBackend({});
    const user = userEvent.setup();
    renderWithDesk(<LogPanel customerId="c1" />);
    await screen.findByRole("button", { name: /Service desk/ });
    const note = screen.getByRole("textbox", { name: "Note" });
    await user.click(note);
    await user.paste("Refund\u0000 agreed");
    await waitFor(() => expect(note).toHaveAttribute("aria-invalid", "true"));
    expect(screen.getByText(/invisible character \(U\+0000\)/)).toBeInTheDocument();
    expect(note).toHaveValue("Refund\u0000 agreed");

    const reason = screen.getByRole("combobox", { name: "Reason" });
    await user.click(reason);
    await user.paste("Refund\tkettle");
    expect(await screen.findByText(/on one line/)).toBeInTheDocument();
  });

  it("counts a note's characters near its limit and says at the field, as typed, when it is over", async () => {
    mockBackend({});
    const user = userEvent.setup();
    renderWithDesk(<LogPanel customerId="c1" />);
    await screen.findByRole("button", { name: /Service desk/ });
    const note = screen.getByRole("textbox", { name: "Note" });
    await user.click(note);
    await user.paste("a".repeat(3000));
    expect(screen.queryByTestId("summary-counter")).not.toBeInTheDocument();
    await user.paste("b".repeat(999));
    expect(screen.getByTestId("summary-counter")).toHaveTextContent("3,999 of 4,000 characters");
    expect(note).not.toHaveAttribute("aria-invalid", "true");
    await user.type(note, "cd");
    expect(screen.getByTestId("summary-counter")).toHaveTextContent("4,001 of 4,000 characters");
    expect(screen.getByText("At most 4000 characters (4001 now).")).toBeInTheDocument();
    expect(note).toHaveAttribute("aria-invalid", "true");
  });

  it("says minutes must be positive for a negative number, and saves nothing", async () => {
    const calls = mockBackend({});
    const user = userEvent.setup();
    renderWithDesk(<LogPanel customerId="c1" />);
    await screen.findByRole("button", { name: /Service desk/ });
    const minutes = screen.getByRole("textbox", { name: /Minutes/ });
    await user.clear(minutes);
    await user.type(minutes, "-5");
    expect(screen.getByText("Minutes must be positive: how long did it take?")).toBeInTheDocument();
    await user.type(screen.getByRole("textbox", { name: "Note" }), "Asked about hours");
    await user.click(screen.getByRole("button", { name: /Save/ }));
    expect(calls.some((c) => c.cmd === "log_interaction")).toBe(false);
  });

  it("follows the touch point's usual channel until one is picked", async () => {
    const calls = mockBackend({ log_interaction: () => ({ interaction_id: "i1", feedback_id: null }) });
    const user = userEvent.setup();
    renderWithDesk(<LogPanel customerId={null} />);
    await screen.findByRole("button", { name: /Service desk/ });
    await user.click(screen.getByRole("button", { name: /Touch point/ }));
    await user.click(await screen.findByRole("option", { name: "Phone support" }));
    await user.type(screen.getByRole("combobox", { name: "Reason" }), "Opening hours");
    await user.click(screen.getByRole("button", { name: /Save/ }));
    await screen.findByText(/Logged at/);
    const sent = calls.find((c) => c.cmd === "log_interaction")?.args.input as Record<string, unknown>;
    expect(sent).toMatchObject({ customer_id: null, touch_point_id: "tp-phone", channel: "phone", feeling: null });
  });

  it("sends one save for two quick Ctrl+Enter, with the form's key, and holds the form until it lands", async () => {
    let land: (v: unknown) => void = () => {};
    const calls = mockBackend({
      log_interaction: () =>
        new Promise((resolve) => {
          land = resolve;
        }),
    });
    const user = userEvent.setup();
    renderWithDesk(<LogPanel customerId="c1" />);
    await screen.findByRole("button", { name: /Service desk/ });
    await user.type(screen.getByRole("combobox", { name: "Reason" }), "Refund");
    await user.keyboard("{Control>}{Enter}{Enter}{/Control}");

    await waitFor(() => expect(screen.getByTestId("log-fieldset")).toBeDisabled());
    await user.keyboard("{Control>}{Enter}{/Control}");
    const saves = calls.filter((c) => c.cmd === "log_interaction");
    expect(saves).toHaveLength(1);
    const key = (saves[0]?.args.input as { submission_id: string }).submission_id;
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);

    land({ interaction_id: "i1", feedback_id: null, proposal: null });
    await screen.findByText(/Logged at/);
    expect(screen.getByTestId("log-fieldset")).not.toBeDisabled();

    // The next conversation is a new form with a new key.
    await user.type(screen.getByRole("combobox", { name: "Reason" }), "Exchange");
    await user.keyboard("{Control>}{Enter}{/Control}");
    await waitFor(() => expect(calls.filter((c) => c.cmd === "log_interaction")).toHaveLength(2));
    const next = calls.filter((c) => c.cmd === "log_interaction")[1]?.args.input as { submission_id: string };
    expect(next.submission_id).not.toBe(key);
  });
});
