import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import type { MergePreview, MergeRequest } from "../../bindings";
import { mockBackend, Refusal, renderWithDesk, RouteProbe } from "../../test/render";
import { customer, customerPage } from "../../test/supervisor";
import { MergeDialog } from "./MergeDialog";

const ana = customer({ id: "cust-ana", name: "A. Costa", note: null });
const twin = customer({ id: "cust-twin", name: "Ana Maria Costa", emails: ["ana@work.example"], note: "Prefers mornings" });

function preview(survivor = ana, merged = twin): MergePreview {
  return {
    survivor,
    merged,
    choices: [
      { field: "name", survivor: survivor.name, merged: merged.name, default: "merged" },
      { field: "note", survivor: survivor.note, merged: merged.note, default: "merged" },
    ],
    timeline: [
      {
        type: "interaction",
        id: "i-1",
        at: new Date().toISOString(),
        current: {
          touch_point_id: "tp-desk",
          touch_point: "Service desk",
          channel: "in_person",
          reason: null,
          outcome: "resolved",
          duration_secs: null,
          summary: "Collected the repair",
        },
        staff: "Maria Lopes",
        feedback: null,
        amendments: [],
      },
    ],
    survivor_conversations: 2,
    merged_conversations: 1,
  };
}

describe("Merging two records", () => {
  it("shows both records and the combined timeline, takes the newer values by default, and merges with the choice made", async () => {
    const calls = mockBackend({
      merge_preview: (a) => (a.survivorId === "cust-ana" ? preview() : preview(twin, ana)),
      merge_customers: () => customerPage(ana),
    });
    renderWithDesk(
      <>
        <MergeDialog keepId="cust-ana" otherId="cust-twin" onClose={vi.fn()} />
        <RouteProbe />
      </>,
      { name: "customer", id: "cust-ana" },
    );
    const dialog = await screen.findByTestId("merge-dialog");
    expect(await within(dialog).findByText("Collected the repair", { exact: false })).toBeInTheDocument();
    expect(dialog).toHaveTextContent("2 conversations");
    expect(dialog).toHaveTextContent("Phone numbers, emails and tags of both records are kept.");
    const name = within(dialog).getByTestId("merge-name-merged");
    expect(name).toHaveAttribute("data-selected", "true");
    // Keep the survivor's own name; the note still comes from the other record.
    await userEvent.click(within(dialog).getByTestId("merge-name-survivor"));
    await userEvent.click(within(dialog).getByTestId("merge-confirm"));
    const sent = calls.find((c) => c.cmd === "merge_customers")?.args.input as MergeRequest;
    expect(sent).toEqual({ survivor_id: "cust-ana", merged_id: "cust-twin", take_from_merged: ["note"] });
    await vi.waitFor(() => expect(screen.getByTestId("route")).toHaveTextContent('"id":"cust-ana"'));
  });

  it("can keep the other record instead", async () => {
    const calls = mockBackend({
      merge_preview: (a) => (a.survivorId === "cust-ana" ? preview() : preview(twin, ana)),
    });
    renderWithDesk(<MergeDialog keepId="cust-ana" otherId="cust-twin" onClose={vi.fn()} />, {
      name: "customer",
      id: "cust-ana",
    });
    await userEvent.click(await screen.findByTestId("merge-swap"));
    await vi.waitFor(() =>
      expect(calls.some((c) => c.cmd === "merge_preview" && c.args.survivorId === "cust-twin")).toBe(true),
    );
    expect(await screen.findByTestId("merge-confirm")).toHaveTextContent("Merge into Ana Maria Costa");
  });

  it("says why a merge is refused", async () => {
    mockBackend({
      merge_preview: () => preview(),
      merge_customers: () =>
        new Refusal({ kind: "validation", message: "An erased customer cannot be merged.", fields: [] }),
    });
    renderWithDesk(<MergeDialog keepId="cust-ana" otherId="cust-twin" onClose={vi.fn()} />, {
      name: "customer",
      id: "cust-ana",
    });
    await userEvent.click(await screen.findByTestId("merge-confirm"));
    expect(await screen.findByRole("alert")).toHaveTextContent("An erased customer cannot be merged.");
  });
});
