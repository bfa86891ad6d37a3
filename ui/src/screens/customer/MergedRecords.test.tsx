import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import type { CustomerPage } from "../../bindings";
import { deskAs } from "../../test/reviews";
import { mockBackend, renderWithDesk } from "../../test/render";
import { customerPage } from "../../test/supervisor";
import { MergedRecords } from "./MergedRecords";

const merged: CustomerPage = {
  ...customerPage(),
  merged: [
    {
      merge_id: "m-1",
      merged_id: "cust-twin",
      name: "Ana Maria Costa",
      merged_at: new Date().toISOString(),
      merged_by: "Priya Shah",
    },
  ],
  redirected_from: "cust-twin",
};

describe("Records merged into a customer", () => {
  it("says who merged which record, that the old id led here, and lets a supervisor undo it", async () => {
    const calls = mockBackend({ desk_info: () => deskAs("supervisor"), undo_merge: () => customerPage() });
    renderWithDesk(<MergedRecords page={merged} />, { name: "customer", id: "cust-twin" });
    expect(screen.getByTestId("merged-record")).toHaveTextContent("Merged from Ana Maria Costa on");
    expect(screen.getByTestId("merged-record")).toHaveTextContent("by Priya Shah");
    expect(screen.getByTestId("redirected")).toHaveTextContent("You opened a record that was merged into this one.");
    await userEvent.click(await screen.findByTestId("undo-merge"));
    await vi.waitFor(() => expect(calls.find((c) => c.cmd === "undo_merge")?.args).toEqual({ mergeId: "m-1" }));
  });

  it("shows frontline staff the merge without an undo, and nothing when there was none", async () => {
    mockBackend({ desk_info: () => deskAs("frontline") });
    const { unmount } = renderWithDesk(<MergedRecords page={merged} />, { name: "customer", id: "cust-ana" });
    await vi.waitFor(() => expect(screen.getByTestId("merged-record")).toBeInTheDocument());
    expect(screen.queryByTestId("undo-merge")).toBeNull();
    unmount();
    renderWithDesk(<MergedRecords page={customerPage()} />, { name: "customer", id: "cust-ana" });
    expect(screen.queryByTestId("merged-records")).toBeNull();
  });
});
