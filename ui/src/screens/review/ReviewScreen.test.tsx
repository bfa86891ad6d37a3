import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { QueueItem, ReviewQueueFilter } from "../../bindings";
import { setLanguage } from "../../i18n";
import { Refusal, mockBackend, renderWithDesk, type Handler } from "../../test/render";
import { coaching, deskAs, exchange, refund, staffList } from "../../test/reviews";
import { ReviewScreen } from "./ReviewScreen";

const criteria = [
  { id: "crit-listen", name: "Listening" },
  { id: "crit-policy", name: "Follows policy" },
];

function supervisorDesk(handlers: Record<string, Handler> = {}) {
  return mockBackend({
    desk_info: () => deskAs("supervisor"),
    list_staff: () => staffList,
    review_queue: () => [refund, exchange],
    review_criteria: () => criteria,
    interaction_reviews: () => [],
    ...handlers,
  });
}

type Calls = ReturnType<typeof mockBackend>;
const queueFilters = (calls: Calls) =>
  calls.filter((c) => c.cmd === "review_queue").map((c) => c.args.filter as ReviewQueueFilter);
const lastQueueFilter = (calls: Calls) => queueFilters(calls).at(-1);

describe("Review queue", () => {
  it("lists this week's conversations nobody has reviewed yet, densely, newest first", async () => {
    const calls = supervisorDesk();
    renderWithDesk(<ReviewScreen />);
    const rows = await screen.findAllByTestId("queue-item");
    expect(rows).toHaveLength(2);
    const first = rows[0] as HTMLElement;
    expect(first).toHaveTextContent("Ana Souza");
    expect(first).toHaveTextContent("with Maria Lopes");
    expect(first).toHaveTextContent("Refund — Kettle arrived damaged; refund refused at first");
    expect(first).toHaveTextContent("Service desk · In person");
    expect(first).toHaveTextContent("Escalated");
    expect(first).toHaveTextContent("Unhappy");
    expect(first).toHaveTextContent("CSAT 2");
    expect(first).toHaveTextContent("NPS 3");
    expect(first).toHaveTextContent("Not reviewed");
    expect(rows[1]).toHaveTextContent("Walk-in");
    expect(rows[1]).toHaveTextContent("1 review");

    const filter = lastQueueFilter(calls);
    expect(filter).toMatchObject({ unreviewed_only: true, sample: null, signal: null, staff_id: null });
    const sevenDaysAgo = Date.now() - 7 * 24 * 3600 * 1000;
    expect(new Date(filter?.from ?? 0).getTime()).toBeGreaterThanOrEqual(sevenDaysAgo);
    expect(filter?.to).toBeNull();
  });

  it("asks the queue again with the score signal chosen (detractors)", async () => {
    const calls = supervisorDesk();
    const user = userEvent.setup();
    renderWithDesk(<ReviewScreen />);
    await screen.findAllByTestId("queue-item");
    await user.click(screen.getByRole("button", { name: /Score/ }));
    await user.click(await screen.findByRole("option", { name: "Detractors (NPS 0–6)" }));
    await waitFor(() => expect(lastQueueFilter(calls)).toMatchObject({ signal: "detractor", unreviewed_only: true }));
  });

  it("offers the stores this desk reads when it reads more than one, and asks for the one chosen", async () => {
    const calls = supervisorDesk({
      list_stores: () => [
        { id: "store-1", name: "Lisbon" },
        { id: "store-2", name: "Porto" },
      ],
    });
    const user = userEvent.setup();
    renderWithDesk(<ReviewScreen />);
    await screen.findAllByTestId("queue-item");
    await user.click(within(await screen.findByTestId("choice-queue_store")).getByRole("button"));
    await user.click(await screen.findByRole("option", { name: "Porto" }));
    await waitFor(() => expect(lastQueueFilter(calls)).toMatchObject({ store_id: "store-2" }));
    await user.click(within(screen.getByTestId("choice-queue_store")).getByRole("button"));
    await user.click(await screen.findByRole("option", { name: "All stores" }));
    await waitFor(() => expect(lastQueueFilter(calls)).toMatchObject({ store_id: null }));
  });

  it("asks for a staff member's conversations, reviewed or not", async () => {
    const calls = supervisorDesk();
    const user = userEvent.setup();
    renderWithDesk(<ReviewScreen />);
    await screen.findAllByTestId("queue-item");
    await user.click(screen.getByRole("button", { name: /Staff member/ }));
    await user.click(await screen.findByRole("option", { name: "João Silva" }));
    await user.click(screen.getByRole("checkbox", { name: "Not yet reviewed" }));
    await waitFor(() => expect(lastQueueFilter(calls)).toMatchObject({ staff_id: "staff-joao", unreviewed_only: false }));
  });

  it("takes a random sample of ten for a quality check, and another on request", async () => {
    const calls = supervisorDesk();
    const user = userEvent.setup();
    renderWithDesk(<ReviewScreen />);
    await screen.findAllByTestId("queue-item");
    await user.click(screen.getByTestId("queue-sample"));
    await waitFor(() => expect(lastQueueFilter(calls)).toMatchObject({ sample: 10 }));
    expect(await screen.findByTestId("queue-count")).toHaveTextContent("Random sample · 2 conversations");
    const before = queueFilters(calls).length;
    await user.click(screen.getByTestId("queue-new-sample"));
    await waitFor(() => expect(queueFilters(calls).length).toBe(before + 1));
    await user.click(screen.getByTestId("queue-newest"));
    await waitFor(() => expect(lastQueueFilter(calls)).toMatchObject({ sample: null }));
  });

  it("tells a supervisor at a frontline desk that reviews are written on a supervisor's desk", async () => {
    const calls = supervisorDesk({
      desk_info: () => ({ ...deskAs("supervisor"), connected: true, device_role: "frontline" }),
    });
    const user = userEvent.setup();
    renderWithDesk(<ReviewScreen />);
    const rows = await screen.findAllByTestId("queue-item");
    expect(screen.getByTestId("frontline-desk-note")).toHaveTextContent("reviews are written on a supervisor's desk");
    // The conversation can be read; the review cannot be sent from here.
    await user.click(rows[0] as HTMLElement);
    expect(await screen.findByTestId("review-save")).toBeDisabled();
    expect(screen.getByTestId("review-save-hint")).toHaveTextContent("supervisor's desk");
    await user.keyboard("{Control>}{Enter}{/Control}");
    expect(calls.map((c) => c.cmd)).not.toContain("record_review");
  });

  it("says nothing of the kind on a supervisor's own desk", async () => {
    supervisorDesk({ desk_info: () => ({ ...deskAs("supervisor"), connected: true, device_role: "supervisor" }) });
    renderWithDesk(<ReviewScreen />);
    await screen.findAllByTestId("queue-item");
    expect(screen.queryByTestId("frontline-desk-note")).toBeNull();
  });

  it("explains that a supervisor's own conversations are reviewed by someone else", async () => {
    supervisorDesk({ review_queue: () => [] });
    const user = userEvent.setup();
    const me = deskAs("supervisor").staff.id;
    renderWithDesk(<ReviewScreen preset={{ staffId: me, unreviewedOnly: false }} />);
    expect(await screen.findByTestId("queue-empty")).toHaveTextContent("Your own conversations are not in your queue");
    await user.click(screen.getByRole("button", { name: "All staff" }));
    await waitFor(() => expect(screen.getByTestId("queue-empty")).not.toHaveTextContent("Your own conversations"));
  });

  it("lists the supervisor's own conversations behind a figure, marked as theirs and not opened for review", async () => {
    const me = deskAs("supervisor").staff.id;
    const mine = { ...refund, interaction_id: "int-mine", staff: { id: me, name: "Priya Shah" } };
    const calls = supervisorDesk({ review_queue: () => [mine, exchange] });
    const user = userEvent.setup();
    renderWithDesk(<ReviewScreen preset={{ includeOwn: true, unreviewedOnly: false }} />);
    const rows = await screen.findAllByTestId("queue-item");
    expect(lastQueueFilter(calls)).toMatchObject({ include_own: true });
    expect(rows[0]).toHaveTextContent("Yours: another supervisor reviews it");
    expect(screen.getByTestId("queue-own-filter")).toHaveTextContent("Including your own");
    await user.click(rows[0] as HTMLElement);
    expect(screen.queryByRole("dialog")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Leave out your own conversations" }));
    await waitFor(() => expect(lastQueueFilter(calls)).toMatchObject({ include_own: false }));
  });

  it("says what to do when nothing is waiting for review", async () => {
    supervisorDesk({ review_queue: () => [] });
    renderWithDesk(<ReviewScreen />);
    const empty = await screen.findByTestId("queue-empty");
    expect(empty).toHaveTextContent("Nothing waiting for review");
    expect(empty).toHaveTextContent("Untick “Not yet reviewed”");
  });

  it("tells frontline staff the queue is for supervisors, without asking for it", async () => {
    const calls = mockBackend({ desk_info: () => deskAs("frontline") });
    renderWithDesk(<ReviewScreen />);
    expect(await screen.findByText("Review is for supervisors")).toBeInTheDocument();
    expect(screen.queryByTestId("queue-item")).toBeNull();
    expect(calls.map((c) => c.cmd)).not.toContain("review_queue");
  });

  it("moves through the list with the arrow keys and opens the focused row with Enter", async () => {
    supervisorDesk();
    const user = userEvent.setup();
    renderWithDesk(<ReviewScreen />);
    await screen.findAllByTestId("queue-item");
    await user.keyboard("{ArrowDown}");
    const rows = screen.getAllByTestId("queue-item");
    expect(rows[0]).toHaveFocus();
    await user.keyboard("{ArrowDown}");
    expect(rows[1]).toHaveFocus();
    await user.keyboard("{Enter}");
    const dialog = await screen.findByTestId("review-dialog");
    expect(within(dialog).getByTestId("review-conversation")).toHaveTextContent("Walk-in");
    expect(within(dialog).getByTestId("review-conversation")).toHaveTextContent("Swapped a size");
  });
});

describe("Review dialog", () => {
  async function openReviewOf(item: QueueItem, handlers: Record<string, Handler> = {}) {
    const calls = supervisorDesk({ review_queue: () => [item], ...handlers });
    const user = userEvent.setup();
    renderWithDesk(<ReviewScreen />);
    await user.click(await screen.findByTestId("queue-item"));
    const dialog = await screen.findByTestId("review-dialog");
    return { calls, user, dialog };
  }

  it("shows the conversation and its earlier reviews", async () => {
    const { dialog } = await openReviewOf(refund, { interaction_reviews: () => [coaching] });
    const conversation = within(dialog).getByTestId("review-conversation");
    expect(conversation).toHaveTextContent("Ana Souza");
    expect(conversation).toHaveTextContent("with Maria Lopes");
    expect(conversation).toHaveTextContent("Kettle arrived damaged");
    expect(conversation).toHaveTextContent("Unhappy");
    const earlier = await within(dialog).findByTestId("previous-review");
    expect(earlier).toHaveTextContent("Coaching");
    expect(earlier).toHaveTextContent("by Priya Shah");
    expect(earlier).toHaveTextContent("Offer the refund first");
    expect(earlier).toHaveTextContent("Listening 3/5");
    expect(earlier).toHaveTextContent("Maria Lopes has not acknowledged it yet");
  });

  it("saves the kind, comment and scores, says so, and back on the list the row shows its new review count", async () => {
    const { calls, user, dialog } = await openReviewOf(refund, {
      record_review: (args) => ({ ...coaching, id: "rev-new", interaction_id: (args.input as { interaction_id: string }).interaction_id }),
    });
    await user.click(within(dialog).getByRole("radio", { name: /Praise/ }));
    await user.type(within(dialog).getByRole("textbox", { name: "Comment" }), "Calm and kind under pressure.");
    const listening = await within(dialog).findByRole("radiogroup", { name: "Listening" });
    await user.click(within(listening).getByRole("radio", { name: "5" }));
    await user.keyboard("{Control>}{Enter}{/Control}");

    const done = await screen.findByTestId("review-saved");
    await waitFor(() => expect(screen.queryByTestId("review-dialog")).toBeNull());
    expect(within(done).getByTestId("review-saved-what")).toHaveTextContent("Your review of Ana Souza's conversation with Maria Lopes is saved");
    expect(within(done).getByTestId("review-next")).toHaveTextContent("That was the last conversation in this list.");
    await user.keyboard("{Enter}");
    await waitFor(() => expect(screen.queryByTestId("review-saved")).toBeNull());
    const sent = calls.find((c) => c.cmd === "record_review")?.args.input;
    expect(sent).toEqual({
      interaction_id: "int-refund",
      kind: "praise",
      comment: "Calm and kind under pressure.",
      scores: [{ criterion_id: "crit-listen", score: 5 }],
    });
    expect(screen.getByTestId("queue-item")).toHaveTextContent("1 review");
  });

  it("after a save offers the next conversation in the queue, and Enter opens its review", async () => {
    const user = userEvent.setup();
    supervisorDesk({
      review_queue: () => [refund, exchange],
      record_review: (args) => ({ ...coaching, id: "rev-new", interaction_id: (args.input as { interaction_id: string }).interaction_id }),
    });
    renderWithDesk(<ReviewScreen />);
    const [first] = await screen.findAllByTestId("queue-item");
    await user.click(first as HTMLElement);
    const dialog = await screen.findByTestId("review-dialog");
    await user.click(within(dialog).getByRole("radio", { name: /Praise/ }));
    await user.type(within(dialog).getByRole("textbox", { name: "Comment" }), "Good.");
    await user.keyboard("{Control>}{Enter}{/Control}");

    const done = await screen.findByTestId("review-saved");
    expect(within(done).getByTestId("review-next")).toHaveTextContent("Next in the queue: Walk-in · Exchange · with João Silva.");
    await waitFor(() => expect(within(done).getByTestId("review-next-button")).toHaveFocus());
    await user.keyboard("{Enter}");
    const nextDialog = await screen.findByTestId("review-dialog");
    expect(within(nextDialog).getByTestId("review-conversation")).toHaveTextContent("Swapped a size");
    expect(screen.queryByTestId("review-saved")).toBeNull();
  });

  it("shows a refused comment next to the comment and keeps everything typed", async () => {
    const { calls, user, dialog } = await openReviewOf(refund, {
      record_review: () =>
        new Refusal({
          kind: "validation",
          message: "Keep the comment under 2000 characters.",
          fields: [{ field: "comment", message: "Keep the comment under 2000 characters." }],
        }),
    });
    await user.click(within(dialog).getByRole("radio", { name: /Coaching/ }));
    await user.type(within(dialog).getByRole("textbox", { name: "Comment" }), "Far too long a story");
    const policy = await within(dialog).findByRole("radiogroup", { name: "Follows policy" });
    await user.click(within(policy).getByRole("radio", { name: "2" }));
    await user.click(within(dialog).getByTestId("review-save"));

    const comment = within(dialog).getByRole("textbox", { name: "Comment" });
    await waitFor(() => expect(comment).toHaveAttribute("aria-invalid", "true"));
    const error = within(dialog).getByText("Keep the comment under 2000 characters.");
    expect(comment.closest(".text-field")).toContainElement(error);
    expect(comment).toHaveValue("Far too long a story");
    expect(within(dialog).getByRole("radio", { name: /Coaching/ })).toBeChecked();
    expect(within(policy).getByRole("radio", { name: "2" })).toBeChecked();
    expect(screen.getByTestId("review-dialog")).toBeInTheDocument();
    expect(calls.filter((c) => c.cmd === "record_review")).toHaveLength(1);
  });

  it("asks for praise, coaching or a compliance flag before sending anything", async () => {
    const { calls, user, dialog } = await openReviewOf(refund);
    await user.type(within(dialog).getByRole("textbox", { name: "Comment" }), "Good");
    await user.click(within(dialog).getByTestId("review-save"));
    expect(await within(dialog).findByText("Choose praise, coaching or a compliance flag.")).toBeInTheDocument();
    expect(calls.map((c) => c.cmd)).not.toContain("record_review");
  });

  it("keeps a half-written review when the dialog is closed and opened again", async () => {
    const { user, dialog } = await openReviewOf(refund);
    await user.click(within(dialog).getByRole("radio", { name: /Compliance flag/ }));
    await user.type(within(dialog).getByRole("textbox", { name: "Comment" }), "Card details read aloud");
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByTestId("review-dialog")).toBeNull());
    await user.click(screen.getByTestId("queue-item"));
    const again = await screen.findByTestId("review-dialog");
    expect(within(again).getByRole("textbox", { name: "Comment" })).toHaveValue("Card details read aloud");
    expect(within(again).getByRole("radio", { name: /Compliance flag/ })).toBeChecked();
  });
});

describe("Review queue opened from a figure", () => {
  it("asks for one reason's conversations when sent from Insight's reasons, and can drop it", async () => {
    const calls = supervisorDesk();
    const user = userEvent.setup();
    renderWithDesk(<ReviewScreen preset={{ reason: "", unreviewedOnly: false }} />);
    await screen.findAllByTestId("queue-item");
    expect(lastQueueFilter(calls)).toMatchObject({ reason: "" });
    expect(screen.getByTestId("queue-reason-filter")).toHaveTextContent("Reason: No reason given");
    await user.click(screen.getByRole("button", { name: "Show every reason" }));
    await waitFor(() => expect(lastQueueFilter(calls)).toMatchObject({ reason: null }));
    expect(screen.queryByTestId("queue-reason-filter")).toBeNull();
  });

  it("starts from the filters it was sent with, reviewed or not, and can widen back to every store", async () => {
    const calls = supervisorDesk();
    const user = userEvent.setup();
    renderWithDesk(
      <ReviewScreen
        preset={{
          store: { id: "store-2", name: "Porto" },
          touchPointId: "tp-phone",
          feeling: "unhappy",
          period: "custom",
          customFrom: "2026-01-05",
          customTo: "2026-01-11",
          unreviewedOnly: false,
        }}
      />,
    );
    await screen.findAllByTestId("queue-item");
    const filter = lastQueueFilter(calls);
    expect(filter).toMatchObject({
      store_id: "store-2",
      touch_point_id: "tp-phone",
      feeling: "unhappy",
      unreviewed_only: false,
      sample: null,
    });
    expect(filter?.from).toBe(new Date(2026, 0, 5).toISOString());
    expect(filter?.to).toBe(new Date(2026, 0, 12).toISOString());
    expect(screen.getByTestId("queue-store-filter")).toHaveTextContent("Store: Porto");
    expect(screen.getByRole("checkbox", { name: "Not yet reviewed" })).not.toBeChecked();

    await user.click(screen.getByRole("button", { name: "Show every store, not only Porto" }));
    await waitFor(() => expect(lastQueueFilter(calls)).toMatchObject({ store_id: null, touch_point_id: "tp-phone" }));
  });
});

describe("Review queue in Portuguese", () => {
  it("calls a conversation with nobody named a walk-in ('De passagem'), not a nameless one", async () => {
    setLanguage("pt");
    try {
      supervisorDesk();
      renderWithDesk(<ReviewScreen />);
      const rows = await screen.findAllByTestId("queue-item");
      expect(rows[1]).toHaveTextContent("De passagem");
      expect(rows[1]).not.toHaveTextContent("Sem nome");
    } finally {
      setLanguage("en");
    }
  });
});
