import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { ReviewCriterion } from "../bindings";
import { Refusal, deskInfo, mockBackend, renderWithDesk, type Handler } from "../test/render";
import { deskAs } from "../test/reviews";
import { StaffMenu } from "./StaffMenu";

const listening: ReviewCriterion = { id: "crit-listening", name: "Listened to the customer" };
const policy: ReviewCriterion = { id: "crit-policy", name: "Followed the refunds policy" };

/** An administrator's desk whose scorecard changes as the dialog asks. */
function scorecardBackend(start: ReviewCriterion[], handlers: Record<string, Handler> = {}) {
  let criteria = [...start];
  const calls = mockBackend({
    review_criteria: () => criteria,
    add_review_criterion: (args) => {
      const added = { id: `crit-${criteria.length + 1}`, name: String(args.name).trim() };
      criteria = [...criteria, added];
      return added;
    },
    rename_review_criterion: (args) => {
      const renamed = { id: String(args.id), name: String(args.name).trim() };
      criteria = criteria.map((c) => (c.id === renamed.id ? renamed : c));
      return renamed;
    },
    retire_review_criterion: (args) => {
      criteria = criteria.filter((c) => c.id !== args.id);
      return null;
    },
    ...handlers,
  });
  return calls;
}

async function openScorecard() {
  const user = userEvent.setup();
  renderWithDesk(<StaffMenu />);
  await user.click(await screen.findByTestId("staff-menu"));
  await user.click(await screen.findByTestId("menu-scorecard"));
  const dialog = await screen.findByTestId("scorecard-dialog");
  return { user, dialog };
}

const rowNames = () => screen.queryAllByTestId("scorecard-row").map((r) => r.textContent);
const sent = (calls: { cmd: string; args: Record<string, unknown> }[], cmd: string) =>
  calls.filter((c) => c.cmd === cmd).map((c) => c.args);

describe("Review scorecard", () => {
  it("lists the criteria in order and says what the scorecard is for", async () => {
    scorecardBackend([listening, policy]);
    const { dialog } = await openScorecard();
    expect(within(dialog).getByRole("heading", { name: "Review scorecard" })).toBeInTheDocument();
    expect(dialog).toHaveTextContent("Supervisors score each criterion from 1 to 5 when they review a conversation.");
    expect(dialog).toHaveTextContent("A scorecard holds 8 criteria at most.");
    await waitFor(() => expect(rowNames()).toHaveLength(2));
    const list = within(dialog).getByRole("list", { name: "Criteria on the scorecard, in order" });
    const [first, second] = within(list).getAllByRole("listitem") as [HTMLElement, HTMLElement];
    expect(first).toHaveTextContent("1Listened to the customer");
    expect(second).toHaveTextContent("2Followed the refunds policy");
    expect(within(first).getByRole("button", { name: "Edit Listened to the customer" })).toBeInTheDocument();
    expect(within(first).getByRole("button", { name: "Remove Listened to the customer" })).toBeInTheDocument();
  });

  it("adds a criterion at the end when Enter is pressed, then empties the field", async () => {
    const calls = scorecardBackend([listening]);
    const { user, dialog } = await openScorecard();
    const name = within(dialog).getByRole("textbox", { name: "New criterion" });
    await user.type(name, "Offered a solution{Enter}");
    await waitFor(() => expect(rowNames()).toHaveLength(2));
    expect(sent(calls, "add_review_criterion")).toEqual([{ name: "Offered a solution" }]);
    expect(screen.getAllByTestId("scorecard-row")[1]).toHaveTextContent("Offered a solution");
    expect(name).toHaveValue("");
  });

  it("adds a criterion with the Add button", async () => {
    const calls = scorecardBackend([]);
    const { user, dialog } = await openScorecard();
    expect(await within(dialog).findByTestId("scorecard-empty")).toHaveTextContent("No criteria yet");
    await user.type(within(dialog).getByTestId("scorecard-name"), "Greeted the customer");
    await user.click(within(dialog).getByTestId("scorecard-add"));
    await waitFor(() => expect(rowNames()).toEqual([expect.stringContaining("Greeted the customer")]));
    expect(sent(calls, "add_review_criterion")).toEqual([{ name: "Greeted the customer" }]);
  });

  it("shows the desk's refusal under the field and keeps what was typed", async () => {
    scorecardBackend([listening], {
      add_review_criterion: () =>
        new Refusal({
          kind: "validation",
          message: "The scorecard already has a criterion by this name.",
          fields: [{ field: "name", message: "The scorecard already has a criterion by this name." }],
        }),
    });
    const { user, dialog } = await openScorecard();
    const name = within(dialog).getByTestId("scorecard-name");
    await user.type(name, "listened to the customer{Enter}");
    expect(await within(dialog).findByText("The scorecard already has a criterion by this name.")).toBeInTheDocument();
    expect(name).toHaveValue("listened to the customer");
    expect(name).toHaveAttribute("aria-invalid", "true");
    expect(name).toHaveAccessibleDescription("The scorecard already has a criterion by this name.");
    expect(rowNames()).toHaveLength(1);
  });

  it("says a refusal that is not about the name under the form", async () => {
    scorecardBackend([listening], {
      add_review_criterion: () => new Refusal({ kind: "forbidden", message: "Only administrators can change the scorecard." }),
    });
    const { user, dialog } = await openScorecard();
    await user.type(within(dialog).getByTestId("scorecard-name"), "Smiled{Enter}");
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("Only administrators can change the scorecard.");
    expect(within(dialog).getByTestId("scorecard-name")).toHaveValue("Smiled");
  });

  it("renames a criterion in its row: Edit, a new name, Save", async () => {
    const calls = scorecardBackend([listening, policy]);
    const { user, dialog } = await openScorecard();
    await user.click(await within(dialog).findByRole("button", { name: "Edit Followed the refunds policy" }));
    const field = within(dialog).getByRole("textbox", { name: "New name for Followed the refunds policy" });
    expect(field).toHaveFocus();
    expect(field).toHaveValue("Followed the refunds policy");
    await user.clear(field);
    await user.type(field, "Followed the returns policy");
    await user.click(within(dialog).getByTestId("scorecard-save"));
    await waitFor(() => expect(screen.getAllByTestId("scorecard-row")[1]).toHaveTextContent("Followed the returns policy"));
    expect(sent(calls, "rename_review_criterion")).toEqual([{ id: "crit-policy", name: "Followed the returns policy" }]);
    expect(within(dialog).queryByTestId("scorecard-rename")).toBeNull();
    expect(within(dialog).getByRole("button", { name: "Edit Followed the returns policy" })).toHaveFocus();
  });

  it("leaves a rename with Esc without saving, and keeps the dialog open", async () => {
    const calls = scorecardBackend([listening]);
    const { user, dialog } = await openScorecard();
    await user.click(await within(dialog).findByTestId("scorecard-edit"));
    await user.type(within(dialog).getByTestId("scorecard-rename"), " well");
    await user.keyboard("{Escape}");
    expect(screen.getByTestId("scorecard-dialog")).toBeInTheDocument();
    expect(within(dialog).queryByTestId("scorecard-rename")).toBeNull();
    expect(screen.getByTestId("scorecard-row")).toHaveTextContent("Listened to the customer");
    expect(sent(calls, "rename_review_criterion")).toEqual([]);
  });

  it("shows a refused rename under the row's field and keeps the new name typed", async () => {
    scorecardBackend([listening, policy], {
      rename_review_criterion: () =>
        new Refusal({
          kind: "validation",
          message: "The scorecard already has a criterion by this name.",
          fields: [{ field: "name", message: "The scorecard already has a criterion by this name." }],
        }),
    });
    const { user, dialog } = await openScorecard();
    await user.click(await within(dialog).findByRole("button", { name: "Edit Listened to the customer" }));
    const field = within(dialog).getByTestId("scorecard-rename");
    await user.clear(field);
    await user.type(field, "Followed the refunds policy{Enter}");
    const row = screen.getAllByTestId("scorecard-row")[0] as HTMLElement;
    expect(await within(row).findByText("The scorecard already has a criterion by this name.")).toBeInTheDocument();
    expect(field).toHaveValue("Followed the refunds policy");
    expect(field).toHaveAttribute("aria-invalid", "true");
  });

  it("removes a criterion once asked, saying earlier reviews keep their scores", async () => {
    const calls = scorecardBackend([listening, policy]);
    const { user, dialog } = await openScorecard();
    await user.click(await within(dialog).findByRole("button", { name: "Remove Listened to the customer" }));
    const row = screen.getAllByTestId("scorecard-row")[0] as HTMLElement;
    expect(row).toHaveTextContent("Remove “Listened to the customer” from the scorecard? Earlier reviews keep their scores.");
    expect(sent(calls, "retire_review_criterion")).toEqual([]);
    await user.click(within(row).getByTestId("scorecard-remove-confirm"));
    await waitFor(() => expect(rowNames()).toHaveLength(1));
    expect(sent(calls, "retire_review_criterion")).toEqual([{ id: "crit-listening" }]);
    expect(screen.getByTestId("scorecard-row")).toHaveTextContent("Followed the refunds policy");
    expect(within(dialog).getByTestId("scorecard-name")).toHaveFocus();
  });

  it("keeps a criterion when the removal is not confirmed", async () => {
    const calls = scorecardBackend([listening]);
    const { user, dialog } = await openScorecard();
    await user.click(await within(dialog).findByTestId("scorecard-remove"));
    await user.click(within(dialog).getByRole("button", { name: "Keep" }));
    expect(within(dialog).getByRole("button", { name: "Remove Listened to the customer" })).toHaveFocus();
    expect(sent(calls, "retire_review_criterion")).toEqual([]);
  });

  it("says when the scorecard is full and offers no Add", async () => {
    const eight = Array.from({ length: 8 }, (_, i) => ({ id: `crit-${i}`, name: `Criterion ${i + 1}` }));
    const calls = scorecardBackend(eight);
    const { user, dialog } = await openScorecard();
    await waitFor(() => expect(rowNames()).toHaveLength(8));
    expect(dialog).toHaveTextContent("The scorecard holds 8 criteria at most: remove one to add another.");
    expect(within(dialog).getByTestId("scorecard-add")).toBeDisabled();
    await user.type(within(dialog).getByTestId("scorecard-name"), "A ninth{Enter}");
    expect(sent(calls, "add_review_criterion")).toEqual([]);
  });

  it("is in the staff menu of an administrator on a desk that is not connected", async () => {
    mockBackend();
    const user = userEvent.setup();
    renderWithDesk(<StaffMenu />);
    await user.click(await screen.findByTestId("staff-menu"));
    expect(await screen.findByTestId("menu-add-staff")).toBeInTheDocument();
    expect(screen.getByRole("menuitem", { name: "Review scorecard…" })).toHaveAttribute("data-testid", "menu-scorecard");
  });

  it("is not in a supervisor's staff menu", async () => {
    mockBackend({ desk_info: () => deskAs("supervisor") });
    const user = userEvent.setup();
    renderWithDesk(<StaffMenu />);
    await user.click(await screen.findByTestId("staff-menu"));
    expect(await screen.findByTestId("menu-switch-user")).toBeInTheDocument();
    expect(screen.queryByTestId("menu-scorecard")).toBeNull();
  });

  it("is not in the staff menu of a connected desk, whose scorecard comes from the server", async () => {
    mockBackend({ desk_info: () => ({ ...deskInfo, connected: true }) });
    const user = userEvent.setup();
    renderWithDesk(<StaffMenu />);
    await user.click(await screen.findByTestId("staff-menu"));
    expect(await screen.findByTestId("menu-switch-user")).toBeInTheDocument();
    expect(screen.queryByTestId("menu-scorecard")).toBeNull();
  });
});
