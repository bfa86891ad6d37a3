import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { Refusal, mockBackend, renderWithDesk } from "../../test/render";
import { Kiosk, type KioskAnswers } from "./Kiosk";

const withPin = { id: "staff-1", name: "Store manager", hasPin: true };
const noPin = { ...withPin, hasPin: false };

describe("Kiosk", () => {
  it("asks the customer in the language of their profile, and staff in the desk's", async () => {
    mockBackend();
    renderWithDesk(<Kiosk storeName="Lisboa" language="pt-PT" staff={withPin} onTakeBack={() => {}} />);
    expect(screen.getByRole("heading", { name: "Como foi a sua visita hoje?" })).toBeInTheDocument();
    expect(screen.getByRole("dialog")).toHaveAttribute("lang", "pt-PT");
    expect(screen.getByRole("button", { name: "Staff: take back" })).toBeInTheDocument();
  });

  it("falls back to the desk's language for a language the app does not speak", () => {
    mockBackend();
    renderWithDesk(<Kiosk storeName="Lisboa" language="ja" staff={withPin} onTakeBack={() => {}} />);
    expect(screen.getByRole("heading", { name: "How was your visit today?" })).toBeInTheDocument();
  });

  it("gives the screen back only after the staff PIN, clearing a wrong one", async () => {
    const calls = mockBackend({
      sign_in: ({ pin }) =>
        pin === "482913"
          ? { id: "staff-1", name: "Store manager", role: "admin" }
          : new Refusal({
              kind: "validation",
              message: "That PIN is not right.",
              fields: [{ field: "pin", message: "That PIN is not right. 2 more before sign-in pauses." }],
            }),
    });
    const taken: KioskAnswers[] = [];
    const user = userEvent.setup();
    renderWithDesk(<Kiosk storeName="Lisboa" language={null} staff={withPin} onTakeBack={(a) => taken.push(a)} />);
    await user.click(screen.getByRole("radio", { name: /Satisfied$/ }));
    await user.click(screen.getByRole("button", { name: "Done" }));
    await user.click(screen.getByRole("button", { name: "Staff: take back" }));

    const pin = await screen.findByLabelText("PIN for Store manager");
    await user.type(pin, "111111");
    await user.click(screen.getByRole("button", { name: "Take back" }));
    expect(await screen.findByText("That PIN is not right. 2 more before sign-in pauses.")).toBeInTheDocument();
    expect(pin).toHaveValue("");
    expect(taken).toEqual([]);

    await user.type(pin, "482913");
    await user.click(screen.getByRole("button", { name: "Take back" }));
    await waitFor(() => expect(taken).toHaveLength(1));
    expect(taken[0]).toMatchObject({ csat: 4 });
    expect(calls.filter((c) => c.cmd === "sign_in").map((c) => c.args.staffId)).toEqual(["staff-1", "staff-1"]);
  });

  it("Ctrl+Shift+K asks for the PIN too, and staff can go back to the customer", async () => {
    mockBackend();
    const taken: KioskAnswers[] = [];
    const user = userEvent.setup();
    renderWithDesk(<Kiosk storeName="Lisboa" language={null} staff={withPin} onTakeBack={(a) => taken.push(a)} />);
    await user.keyboard("{Control>}{Shift>}K{/Shift}{/Control}");
    expect(await screen.findByLabelText("PIN for Store manager")).toBeInTheDocument();
    expect(taken).toEqual([]);
    await user.click(screen.getByRole("button", { name: "Back to the customer" }));
    expect(screen.getByTestId("kiosk-thanks")).toBeInTheDocument();
  });

  it("hands straight back where the staff member has no PIN", async () => {
    mockBackend();
    const taken: KioskAnswers[] = [];
    const user = userEvent.setup();
    renderWithDesk(<Kiosk storeName="Lisboa" language={null} staff={noPin} onTakeBack={(a) => taken.push(a)} />);
    await user.type(screen.getByTestId("kiosk-comment"), "Lovely");
    await user.click(screen.getByRole("button", { name: "Staff: take back" }));
    expect(taken).toEqual([{ csat: null, nps: null, ces: null, verbatim: "Lovely" }]);
  });

  it("times out from a walked-away survey to thanks, then to staff behind their PIN", () => {
    vi.useFakeTimers();
    try {
      mockBackend();
      const taken: KioskAnswers[] = [];
      renderWithDesk(
        <Kiosk storeName="Lisboa" language={null} staff={withPin} onTakeBack={(a) => taken.push(a)} timeouts={{ idleMs: 1_000, thanksMs: 500 }} />,
      );
      expect(screen.queryByTestId("kiosk-thanks")).not.toBeInTheDocument();
      act(() => void vi.advanceTimersByTime(1_000));
      expect(screen.getByTestId("kiosk-thanks")).toBeInTheDocument();
      act(() => void vi.advanceTimersByTime(500));
      expect(screen.getByTestId("kiosk-staff")).toBeInTheDocument();
      // No customer data, no way past the PIN by waiting.
      act(() => void vi.advanceTimersByTime(60_000));
      expect(screen.getByTestId("kiosk-staff")).toBeInTheDocument();
      expect(taken).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("times out straight back to staff where they have no PIN", () => {
    vi.useFakeTimers();
    try {
      mockBackend();
      const taken: KioskAnswers[] = [];
      renderWithDesk(
        <Kiosk storeName="Lisboa" language={null} staff={noPin} onTakeBack={(a) => taken.push(a)} timeouts={{ idleMs: 1_000, thanksMs: 500 }} />,
      );
      act(() => void vi.advanceTimersByTime(1_000));
      expect(taken).toEqual([]);
      act(() => void vi.advanceTimersByTime(500));
      expect(taken).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
