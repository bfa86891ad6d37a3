import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { ImportChoice, ImportReport, ImportRow } from "../../bindings";
import { mockBackend, renderWithDesk } from "../../test/render";
import { ImportScreen } from "./ImportScreen";

const conflict: ImportRow = {
  line: 2,
  name: "Joany Dup",
  action: "conflict",
  customer_id: "cust-joana",
  matched_on: "phone",
  fields: ["name", "note"],
  changes: [
    { field: "name", old: "Joana Costa", new: "Joany Dup" },
    { field: "note", old: null, new: "Prefers mornings" },
  ],
  current_name: "Joana Costa",
  choice: null,
  errors: [],
};

function report(over: Partial<ImportReport> = {}): ImportReport {
  return { committed: false, rows: [conflict], created: 0, updated: 0, unchanged: 0, conflicts: 1, errors: 0, ignored_columns: [], ...over };
}

describe("Import", () => {
  it("shows each field's old and new value, and waits for a choice on a phone match under another name", async () => {
    const sent = mockBackend({
      import_customers: (args) => {
        const choices = args.choices as ImportChoice[];
        if (args.commit) return report({ committed: true, rows: [{ ...conflict, action: "update", choice: "keep_name" }], conflicts: 0, updated: 1 });
        if (choices.length === 0) return report();
        return report({
          rows: [{ ...conflict, action: "update", choice: "keep_name", changes: [conflict.changes[1]!], fields: ["note"] }],
          conflicts: 0,
          updated: 1,
        });
      },
    });
    const user = userEvent.setup();
    renderWithDesk(<ImportScreen />, { name: "import" });
    await user.click(screen.getByRole("textbox", { name: "CSV rows" }));
    await user.paste("name,phone,note\nJoany Dup,+351912000111,Prefers mornings");
    await user.click(screen.getByTestId("import-check"));

    const row = await screen.findByTestId("import-row");
    expect(row).toHaveAttribute("data-action", "conflict");
    expect(within(row).getByTestId("import-conflict")).toHaveTextContent("The phone matches Joana Costa, but this line says Joany Dup.");
    const changes = within(row).getByTestId("import-changes");
    expect(changes).toHaveTextContent("Name Joana Costa → Joany Dup");
    expect(changes).toHaveTextContent("Note Prefers mornings");
    expect(screen.getByTestId("import-waiting")).toHaveTextContent("1 line needs your choice before importing");
    expect(screen.getByTestId("import-commit")).toBeDisabled();

    await user.click(within(screen.getByTestId("choice-conflict-2")).getByRole("button"));
    await user.click(await screen.findByRole("option", { name: "Same person: keep “Joana Costa”" }));
    await waitFor(() => expect(screen.getByTestId("import-commit")).toBeEnabled());
    const checks = sent.filter((c) => c.cmd === "import_customers");
    expect(checks.at(-1)?.args).toMatchObject({ commit: false, choices: [{ line: 2, choice: "keep_name" }] });
    expect(screen.getByTestId("import-changes")).not.toHaveTextContent("Joany Dup");

    await user.click(screen.getByTestId("import-commit"));
    await screen.findByText("Imported");
    expect(sent.filter((c) => c.cmd === "import_customers").at(-1)?.args).toMatchObject({
      commit: true,
      choices: [{ line: 2, choice: "keep_name" }],
    });
  });
});
