import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";

import type { BoardFilter, FollowUp } from "../../bindings";
import i18n from "../../i18n";
import { Refusal, mockBackend, renderWithDesk, type Handler } from "../../test/render";
import { deskAs, staffList } from "../../test/reviews";
import { followUp, hoursFromNow, loopMetrics } from "../../test/supervisor";
import { FollowUpsScreen } from "./FollowUpsScreen";
import { LoopFigures, lastDays, recoveryTime, type LoopPeriod } from "./LoopFigures";

const upcoming = followUp({ id: "fu-upcoming", promise: "Send the care guide", due_at: hoursFromNow(30), due_state: "upcoming" });
const dueToday = followUp({
  id: "fu-today",
  promise: "Confirm the delivery slot",
  due_at: hoursFromNow(2),
  due_state: "due_today",
  customer: { id: "cust-rui", name: "Rui Costa" },
});
const overdueLong = followUp({
  id: "fu-old",
  promise: "Refund the kettle",
  due_at: hoursFromNow(-72),
  due_state: "overdue",
  owner: { id: "staff-joao", name: "João Silva" },
});
const overdueShort = followUp({ id: "fu-late", promise: "Call about the sofa", due_at: hoursFromNow(-2), due_state: "overdue" });

function supervisorBoard(board: FollowUp[], handlers: Record<string, Handler> = {}) {
  return mockBackend({
    desk_info: () => deskAs("supervisor"),
    list_staff: () => staffList,
    my_follow_ups: () => [],
    my_closed_follow_ups: () => [],
    follow_up_board: () => board,
    loop_metrics: () => loopMetrics(),
    ...handlers,
  });
}

const boardFilters = (calls: { cmd: string; args: Record<string, unknown> }[]) =>
  calls.filter((c) => c.cmd === "follow_up_board").map((c) => c.args.filter as BoardFilter);

/** The loop figures on their own, holding the period as the board does. */
function LoopWithPeriod() {
  const [period, setPeriod] = useState<LoopPeriod>("30");
  return <LoopFigures period={period} onPeriodChange={setPeriod} />;
}

async function openBoard() {
  const user = userEvent.setup();
  renderWithDesk(<FollowUpsScreen />);
  await user.click(await screen.findByTestId("board-tab"));
  await screen.findByTestId("follow-up-board");
  return user;
}

describe("Store board", () => {
  it("keeps frontline staff on their own follow-ups, without a store board", async () => {
    const calls = mockBackend({
      desk_info: () => deskAs("frontline"),
      my_follow_ups: () => [overdueShort],
      my_closed_follow_ups: () => [],
    });
    renderWithDesk(<FollowUpsScreen />);
    expect(await screen.findByText("“Call about the sofa”")).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "My follow-ups" })).toBeInTheDocument();
    expect(screen.queryByTestId("board-tab")).toBeNull();
    expect(calls.map((c) => c.cmd)).not.toContain("follow_up_board");
  });

  it("lists the store's follow-ups most overdue first, with customer, promise, owner and the due state in words", async () => {
    supervisorBoard([upcoming, dueToday, overdueShort, overdueLong]);
    await openBoard();
    const rows = await screen.findAllByTestId("board-item");
    expect(rows.map((r) => r.getAttribute("data-state"))).toEqual(["overdue", "overdue", "due_today", "upcoming"]);
    const [first, second, third, fourth] = rows as [HTMLElement, HTMLElement, HTMLElement, HTMLElement];
    expect(first).toHaveTextContent("Overdue");
    expect(first).toHaveTextContent("Ana Souza");
    expect(first).toHaveTextContent("Refund the kettle");
    expect(within(first).getByTestId("reassign")).toHaveTextContent("João Silva");
    expect(second).toHaveTextContent("Call about the sofa");
    expect(third).toHaveTextContent("Due soon");
    expect(third).toHaveTextContent("Rui Costa");
    expect(fourth).toHaveTextContent("Upcoming");
    expect(screen.getByTestId("board-count")).toHaveTextContent("4 open · 2 overdue");
  });

  it("hands a follow-up to the owner chosen once the reason is given", async () => {
    let board = [overdueShort];
    const calls = supervisorBoard([], {
      follow_up_board: () => board,
      reassign_follow_up: ({ input }) => {
        const { owner_staff_id, reason } = input as { owner_staff_id: string; reason: string };
        const moved: FollowUp = {
          ...overdueShort,
          owner: { id: owner_staff_id, name: "João Silva" },
          last_change: { kind: "reassigned", at: hoursFromNow(0), by: "Store manager", note: reason, due_at: null, owner: "João Silva" },
        };
        board = [moved];
        return moved;
      },
    });
    const user = await openBoard();
    const row = await screen.findByTestId("board-item");
    await user.click(within(row).getByTestId("reassign"));
    await user.click(await screen.findByRole("option", { name: "João Silva" }));
    const dialog = await screen.findByTestId("hand-over-follow-up");
    // Typing goes into "Why it changes hands" at once.
    await user.keyboard("Maria is on leave");
    await user.keyboard("{Control>}{Enter}{/Control}");
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "reassign_follow_up")?.args).toEqual({
        input: { follow_up_id: "fu-late", owner_staff_id: "staff-joao", reason: "Maria is on leave" },
      }),
    );
    await waitFor(() => expect(dialog).not.toBeInTheDocument());
    const moved = screen.getByTestId("board-item");
    expect(within(moved).getByTestId("reassign")).toHaveTextContent("João Silva");
    expect(within(moved).getByTestId("follow-up-change")).toHaveTextContent("Handed to João Silva by Store manager");
    expect(within(moved).getByTestId("follow-up-change")).toHaveTextContent("“Maria is on leave”");
  });

  it("says why a hand-over was refused, in the dialog, and keeps the reason typed", async () => {
    supervisorBoard([overdueShort], {
      reassign_follow_up: () =>
        new Refusal({
          kind: "validation",
          message: "Priya Shah cannot own follow-ups.",
          fields: [{ field: "owner_staff_id", message: "Priya Shah cannot own follow-ups." }],
        }),
    });
    const user = await openBoard();
    await user.click(within(await screen.findByTestId("board-item")).getByTestId("reassign"));
    await user.click(await screen.findByRole("option", { name: "Priya Shah" }));
    await screen.findByTestId("hand-over-follow-up");
    await user.keyboard("Cover for Maria");
    await user.click(screen.getByTestId("hand-over-save"));
    expect(await screen.findByText("Priya Shah cannot own follow-ups.")).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Why it changes hands" })).toHaveValue("Cover for Maria");
    expect(within(screen.getByTestId("board-item")).getByTestId("reassign")).toHaveTextContent("Maria Lopes");
  });

  it("shows how to reach the customer and snoozes to a new time with a reason", async () => {
    const calls = supervisorBoard([overdueShort], {
      snooze_follow_up: ({ input }) => {
        const { due_at, reason } = input as { due_at: string; reason: string };
        if (reason.trim() === "")
          return new Refusal({
            kind: "validation",
            message: "Say why it waits.",
            fields: [{ field: "reason", message: "Say why it waits, for whoever picks it up." }],
          });
        return { ...overdueShort, due_at, due_state: "upcoming" };
      },
    });
    const user = await openBoard();
    const row = await screen.findByTestId("board-item");
    expect(within(row).getByTestId("follow-up-contact")).toHaveTextContent("+351 912 345 678");
    expect(within(row).getByRole("link", { name: "ana@example.com" })).toHaveAttribute("href", "mailto:ana@example.com");
    expect(within(row).getByTestId("follow-up-contact")).toHaveTextContent("No offers");
    await user.click(within(row).getByTestId("board-snooze"));
    await screen.findByTestId("snooze-follow-up");
    await user.click(screen.getByTestId("snooze-save"));
    const why = screen.getByRole("textbox", { name: "Why it waits" });
    expect(await screen.findByText("Say why it waits, for whoever picks it up.")).toBeInTheDocument();
    await user.type(why, "Away until Friday");
    expect(screen.queryByText("Say why it waits, for whoever picks it up.")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("snooze-three"));
    await user.click(screen.getByTestId("snooze-save"));
    await waitFor(() => expect(screen.queryByTestId("snooze-follow-up")).not.toBeInTheDocument());
    const sent = calls.filter((c) => c.cmd === "snooze_follow_up").at(-1)?.args.input as { reason: string; due_at: string };
    expect(sent.reason).toBe("Away until Friday");
    const due = new Date(sent.due_at);
    expect(due.getHours()).toBe(10);
    expect(Math.round((due.getTime() - Date.now()) / 86_400_000)).toBeGreaterThanOrEqual(2);
  });

  it("asks the board again for the owner and the due state chosen", async () => {
    const calls = supervisorBoard([overdueShort, upcoming]);
    const user = await openBoard();
    await user.click(within(screen.getByTestId("choice-board_owner")).getByRole("button"));
    await user.click(await screen.findByRole("option", { name: "João Silva" }));
    await waitFor(() => expect(boardFilters(calls).at(-1)).toEqual({ owner_staff_id: "staff-joao", due_state: null }));
    await user.click(within(screen.getByTestId("choice-board_state")).getByRole("button"));
    await user.click(await screen.findByRole("option", { name: "Overdue" }));
    await waitFor(() => expect(boardFilters(calls).at(-1)).toEqual({ owner_staff_id: "staff-joao", due_state: "overdue" }));
  });

  it("closes a follow-up from the board with the close dialog, done and re-measured", async () => {
    const calls = supervisorBoard([overdueShort], {
      close_follow_up: () => ({ ...overdueShort, status: "done", due_state: "closed" }),
    });
    const user = await openBoard();
    await user.click(within(await screen.findByTestId("board-item")).getByTestId("board-complete"));
    const dialog = await screen.findByTestId("complete-follow-up");
    await user.type(within(dialog).getByRole("textbox", { name: "What happened" }), "Sofa collected Friday");
    await user.click(within(dialog).getByRole("radio", { name: "Happy" }));
    await user.click(within(dialog).getByTestId("complete-save"));
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "close_follow_up")?.args.input).toEqual({
        follow_up_id: "fu-late",
        status: "done",
        resolution: "Sofa collected Friday",
        feeling_after: "happy",
      }),
    );
  });
});

describe("Exporting the store board", () => {
  it("exports the loop figures' period and the board's filter as CSV, and says where the file went", async () => {
    const calls = supervisorBoard([overdueShort, upcoming], {
      export_follow_ups: () => ({ path: "/data/exports/follow-ups-2026-01-14.csv", bytes: 3000 }),
    });
    const user = await openBoard();
    await user.click(within(screen.getByTestId("loop-metrics")).getByRole("button", { name: /Period/ }));
    await user.click(await screen.findByRole("option", { name: "Last 7 days" }));
    await user.click(within(screen.getByTestId("choice-board_owner")).getByRole("button"));
    await user.click(await screen.findByRole("option", { name: "João Silva" }));
    await user.click(within(screen.getByTestId("choice-board_state")).getByRole("button"));
    await user.click(await screen.findByRole("option", { name: "Overdue" }));

    await user.click(screen.getByTestId("follow-ups-export"));
    expect(await screen.findByText("Saved to /data/exports/follow-ups-2026-01-14.csv (3 KB)")).toBeInTheDocument();
    const exported = calls.filter((c) => c.cmd === "export_follow_ups");
    expect(exported).toHaveLength(1);
    expect(exported[0]?.args).toEqual({
      ...lastDays(7),
      filter: { owner_staff_id: "staff-joao", due_state: "overdue" },
    });
  });

  it("exports the last 30 days and the whole board when nothing was chosen", async () => {
    const calls = supervisorBoard([overdueShort], {
      export_follow_ups: () => ({ path: "/data/exports/follow-ups.csv", bytes: 100 }),
    });
    const user = await openBoard();
    await user.click(screen.getByTestId("follow-ups-export"));
    expect(await screen.findByText("Saved to /data/exports/follow-ups.csv (1 KB)")).toBeInTheDocument();
    expect(calls.find((c) => c.cmd === "export_follow_ups")?.args).toEqual({
      ...lastDays(30),
      filter: { owner_staff_id: null, due_state: null },
    });
  });

  it("says why the export was refused", async () => {
    supervisorBoard([overdueShort], {
      export_follow_ups: () => new Refusal({ kind: "forbidden", message: "Only supervisors can export." }),
    });
    const user = await openBoard();
    await user.click(screen.getByTestId("follow-ups-export"));
    expect(await screen.findByText("The follow-ups could not be exported: Only supervisors can export.")).toBeInTheDocument();
    expect(screen.getByTestId("follow-ups-export")).toHaveTextContent("Export CSV");
  });
});

describe("Loop figures", () => {
  it("read a period's LoopMetrics as plain sentences with the five feelings after", async () => {
    mockBackend({
      loop_metrics: () =>
        loopMetrics({
          unhappy: 12,
          followed_up: 10,
          within_sla: 9,
          within_sla_percent: 75,
          median_hours_to_recover: 30.4,
          feeling_after: [
            { feeling: "happy", count: 4 },
            { feeling: "neutral", count: 2 },
            { feeling: "very_happy", count: 1 },
          ],
          overdue_now: 3,
        }),
    });
    renderWithDesk(<LoopWithPeriod />);
    const loop = await screen.findByTestId("loop-metrics");
    expect(await within(loop).findByTestId("loop-within-sla")).toHaveTextContent(
      "9 of 12 unhappy conversations followed up within 48 h (75%)",
    );
    expect(within(loop).getByTestId("loop-within-sla")).toHaveTextContent("10 followed up at all");
    expect(within(loop).getByTestId("loop-median")).toHaveTextContent("Median time to recover30 hours");
    const feelings = within(loop).getByTestId("loop-feelings");
    const count = (f: string) => feelings.querySelector(`[data-feeling=${f}]`)?.textContent;
    expect(count("very_unhappy")).toBe("Very unhappy0");
    expect(count("unhappy")).toBe("Unhappy0");
    expect(count("neutral")).toBe("Neutral2");
    expect(count("happy")).toBe("Happy4");
    expect(count("very_happy")).toBe("Delighted1");
    expect(within(loop).getByTestId("loop-overdue")).toHaveTextContent("3 follow-ups overdue");
  });

  it("says so when nobody was unhappy, and asks for the period chosen", async () => {
    const calls = mockBackend({ loop_metrics: () => loopMetrics() });
    const user = userEvent.setup();
    renderWithDesk(<LoopWithPeriod />);
    const loop = await screen.findByTestId("loop-metrics");
    expect(await within(loop).findByText("No conversation left a customer unhappy in this period.")).toBeInTheDocument();
    expect(within(loop).getByTestId("loop-median")).toHaveTextContent("No follow-up done yet");
    expect(within(loop).getByTestId("loop-overdue")).toHaveTextContent("None overdue");

    await user.click(within(loop).getByRole("button", { name: /Period/ }));
    await user.click(await screen.findByRole("option", { name: "Last 90 days" }));
    await waitFor(() => expect(calls.filter((c) => c.cmd === "loop_metrics")).toHaveLength(2));
    const { from, to } = calls.filter((c) => c.cmd === "loop_metrics").at(-1)?.args as { from: string; to: string };
    const days = (new Date(to).getTime() - new Date(from).getTime()) / (24 * 3600_000);
    expect(Math.round(days)).toBe(90);
  });

  it("tells the time to recover in hours, then in days", () => {
    const t = i18n.getFixedT("en");
    expect(recoveryTime(0.5, t)).toBe("Under an hour");
    expect(recoveryTime(1, t)).toBe("1 hour");
    expect(recoveryTime(47.6, t)).toBe("48 hours");
    expect(recoveryTime(60, t)).toBe("2.5 days");
    expect(recoveryTime(null, t)).toBe("No follow-up done yet");
  });
});
