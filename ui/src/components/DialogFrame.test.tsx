import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { NewFollowUpDialog } from "../screens/customer/NewFollowUpDialog";
import { mockBackend, renderWithDesk } from "../test/render";

function openNewFollowUp(handlers: Parameters<typeof mockBackend>[0] = {}) {
  const calls = mockBackend({
    list_staff: () => [{ id: "staff-1", name: "Store manager", role: "admin", active: true, has_pin: false }],
    create_follow_up: () => ({ id: "fu-1" }),
    ...handlers,
  });
  let closed = 0;
  renderWithDesk(<NewFollowUpDialog customerId="c1" contact={{ phone: null, email: null, sms: null }} onClose={() => (closed += 1)} />, { name: "customer", id: "c1" });
  return { calls, closed: () => closed };
}

describe("Dialogs", () => {
  it("open with the focus in their first field, so what is typed lands in it, and Ctrl+Enter saves", async () => {
    const { calls, closed } = openNewFollowUp();
    const user = userEvent.setup();
    const promise = await screen.findByRole("textbox", { name: "What was promised" });
    await waitFor(() => expect(promise).toHaveFocus());
    await user.keyboard("Call back with the refund");
    expect(promise).toHaveValue("Call back with the refund");

    await user.keyboard("{Control>}{Enter}{/Control}");
    await waitFor(() => expect(calls.some((c) => c.cmd === "create_follow_up")).toBe(true));
    const sent = calls.find((c) => c.cmd === "create_follow_up")?.args.input as { promise: string };
    expect(sent.promise).toBe("Call back with the refund");
    await waitFor(() => expect(closed()).toBe(1));
  });

  it("send a key typed before the focus reaches the first field into it, not to the page", async () => {
    openNewFollowUp();
    const user = userEvent.setup();
    const promise = await screen.findByRole("textbox", { name: "What was promised" });
    await waitFor(() => expect(promise).toHaveFocus());
    // As when the key comes before the dialog has taken the focus: it is on the page behind.
    promise.blur();
    expect(promise).not.toHaveFocus();
    await user.keyboard("Ring back");
    expect(promise).toHaveFocus();
    expect(promise).toHaveValue("Ring back");
  });

  it("ask before Esc drops what was typed, and keep it when asked to", async () => {
    const { closed } = openNewFollowUp();
    const user = userEvent.setup();
    const promise = await screen.findByRole("textbox", { name: "What was promised" });
    await waitFor(() => expect(promise).toHaveFocus());
    await user.keyboard("Order the part");
    await user.keyboard("{Escape}");
    expect(await screen.findByTestId("dialog-discard")).toHaveTextContent("Drop what you typed?");
    expect(closed()).toBe(0);
    await user.click(screen.getByTestId("dialog-keep-editing"));
    expect(screen.queryByTestId("dialog-discard")).toBeNull();
    expect(promise).toHaveValue("Order the part");
    await waitFor(() => expect(promise).toHaveFocus());

    await user.keyboard("{Escape}");
    await user.click(await screen.findByTestId("dialog-discard-confirm"));
    expect(closed()).toBe(1);
  });

  it("close on Esc at once when nothing was typed", async () => {
    const { closed } = openNewFollowUp();
    const user = userEvent.setup();
    await screen.findByRole("textbox", { name: "What was promised" });
    await user.keyboard("{Escape}");
    expect(closed()).toBe(1);
  });
});
