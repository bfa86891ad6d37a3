import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import type { DuplicatePair } from "../../bindings";
import { deskAs } from "../../test/reviews";
import { mockBackend, renderWithDesk } from "../../test/render";
import { customer } from "../../test/supervisor";
import { DuplicatesScreen } from "./DuplicatesScreen";

const pair: DuplicatePair = {
  newer: customer({ id: "cust-new", name: "Ana C.", emails: ["ana@example.com"] }),
  older: customer({ id: "cust-old", name: "Ana Costa", emails: ["ana@example.com"] }),
  shared: ["email"],
  names_close: true,
};

describe("The store's possible duplicates", () => {
  it("lists each pair with what they share, and marks one as two people", async () => {
    const calls = mockBackend({
      desk_info: () => deskAs("supervisor"),
      possible_duplicates: () => [pair],
      mark_not_same_person: () => null,
    });
    renderWithDesk(<DuplicatesScreen />, { name: "duplicates" });
    const row = await screen.findByTestId("duplicate-pair");
    expect(row).toHaveTextContent("Ana C.");
    expect(row).toHaveTextContent("Ana Costa");
    expect(row).toHaveTextContent("same email · close names");
    expect(within(row).getByTestId("pair-compare")).toBeInTheDocument();
    await userEvent.click(within(row).getByTestId("pair-not-same"));
    await vi.waitFor(() =>
      expect(calls.find((c) => c.cmd === "mark_not_same_person")?.args).toEqual({
        customerId: "cust-new",
        otherId: "cust-old",
      }),
    );
  });

  it("says so when there are none", async () => {
    mockBackend({ desk_info: () => deskAs("supervisor"), possible_duplicates: () => [] });
    renderWithDesk(<DuplicatesScreen />, { name: "duplicates" });
    expect(await screen.findByTestId("duplicates-empty")).toHaveTextContent("No possible duplicates");
  });
});
