import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { Customer, ProfileConflict } from "../../bindings";
import { mockBackend, renderWithDesk } from "../../test/render";
import { ProfileDialog } from "./ProfileDialog";

const ana: Customer = {
  id: "cust-1",
  name: "Ana S. Lima",
  phones: [],
  emails: [],
  loyalty_id: null,
  external_id: null,
  language: null,
  tags: [],
  consent: { marketing_email: false, marketing_sms: false, feedback_requests: false },
  note: null,
  home_store_id: null,
  created_at: "2026-11-20T10:00:00Z",
  updated_at: "2026-11-24T10:00:00Z",
  last_seen_at: null,
  important_dates: [],
  preferences: [],
  contact: { phone: null, email: null, sms: null },
  keep_in_touch: null,
};

const renamedTwice: ProfileConflict = {
  field: "name",
  kept: "Ana S. Lima",
  kept_by: "Priya Shah",
  not_kept: "Ana Souza Lima",
  not_kept_by: "Maria Lopes",
  at: new Date(Date.now() - 5 * 60_000).toISOString(),
};

describe("ProfileDialog history", () => {
  it("shows a field changed on two desks at once with both values and who set each", async () => {
    mockBackend({ customer_history: () => [], customer_conflicts: () => [renamedTwice] });
    const user = userEvent.setup();
    renderWithDesk(<ProfileDialog customer={ana} onClose={() => {}} />);
    await user.click(await screen.findByRole("tab", { name: "History" }));
    const box = await screen.findByTestId("profile-conflicts");
    expect(box).toHaveTextContent("Changed on two desks at once");
    expect(within(box).getByText(/Kept: Ana S\. Lima \(by Priya Shah\)/)).toBeInTheDocument();
    expect(box).toHaveTextContent("Ana Souza Lima");
    expect(box).toHaveTextContent("not kept (by Maria Lopes)");
  });

  it("shows no conflict section when the server has none", async () => {
    mockBackend({ customer_history: () => [], customer_conflicts: () => [] });
    const user = userEvent.setup();
    renderWithDesk(<ProfileDialog customer={ana} onClose={() => {}} />);
    await user.click(await screen.findByRole("tab", { name: "History" }));
    expect(await screen.findByText("No changes since the profile was created.")).toBeInTheDocument();
    expect(screen.queryByTestId("profile-conflicts")).toBeNull();
  });
});
