import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";

import type { HeadsUp } from "../../bindings";
import { setLanguage, setStoreRegion } from "../../i18n";
import { mockBackend, renderWithDesk } from "../../test/render";
import { BeforeYouStart } from "./BeforeYouStart";
import { ProposalCard, type FollowUpDraft } from "./ProposalCard";

const items: HeadsUp[] = [
  {
    kind: "open_follow_up",
    follow_up_id: "f1",
    promise: "Replace the zip",
    owner: "Maria Lopes",
    due_at: new Date(Date.now() - 3600_000).toISOString(),
    overdue: true,
  },
  { kind: "unhappy_last_visit", at: new Date().toISOString(), feeling: "very_unhappy", nps: 2, reason: "Broken zip" },
  { kind: "date_soon", date: { kind: "birthday", month: 12, day: 12 }, on: "2026-12-12", days: 3 },
];

describe("Before you start", () => {
  afterEach(() => {
    setLanguage("en");
    setStoreRegion(null);
  });

  it("says each thing with why it is there, the most pressing first", () => {
    setStoreRegion("GB");
    mockBackend();
    renderWithDesk(<BeforeYouStart items={items} />);
    const list = screen.getAllByRole("listitem");
    expect(list).toHaveLength(3);
    expect(list[0]).toHaveTextContent("Overdue: Replace the zip");
    expect(list[0]).toHaveTextContent("Maria Lopes");
    expect(list[1]).toHaveTextContent("Unhappy last visit: Broken zip");
    expect(list[1]).toHaveTextContent("felt very unhappy · NPS 2");
    expect(list[2]).toHaveTextContent(/Birthday on Sat,? 12 Dec/);
    expect(list[2]).toHaveTextContent("in 3 days");
  });

  it("speaks Portuguese, and shows nothing when there is nothing to know", () => {
    setLanguage("pt");
    mockBackend();
    const { container } = renderWithDesk(<BeforeYouStart items={[]} />);
    expect(container).toBeEmptyDOMElement();
    renderWithDesk(<BeforeYouStart items={items.slice(2)} />);
    expect(screen.getByRole("heading", { name: "Antes de começar" })).toBeInTheDocument();
    expect(screen.getByRole("listitem")).toHaveTextContent("daqui a 3 dias");
  });
});

describe("A follow-up for someone who refused calls", () => {
  afterEach(() => setStoreRegion(null));

  it("never offers a call, says why, and sends the way chosen", async () => {
    setStoreRegion("GB");
    const draft: FollowUpDraft = {
      reasons: [{ kind: "unhappy", feeling: "unhappy" }],
      customer_id: "c1",
      interaction_id: "i1",
      owner_staff_id: "staff-1",
      due_at: new Date(Date.now() + 86_400_000).toISOString(),
      promise: "Call back",
      route: "email",
      refused: [{ channel: "phone", answer: { allowed: false, at: "2026-11-21T10:00:00Z", how: "in_person" } }],
    };
    const calls = mockBackend({
      list_staff: () => [{ id: "staff-1", name: "Maria Lopes", role: "frontline", active: true }],
      create_follow_up: () => ({}),
    });
    renderWithDesk(<ProposalCard proposal={draft} onDone={() => {}} />);
    expect(screen.getByTestId("proposal-refused")).toHaveTextContent("Asked not to be contacted by phone (21 Nov 2026, in person)");
    await userEvent.click(screen.getByTestId("choice-route").querySelector("button") as HTMLElement);
    const options = (await screen.findAllByRole("option")).map((o) => o.textContent);
    expect(options).toEqual(["Email", "Text (SMS)", "At their next visit"]);
    await userEvent.keyboard("{Escape}");
    await userEvent.click(screen.getByTestId("proposal-accept"));
    await waitFor(() => expect(calls.some((c) => c.cmd === "create_follow_up")).toBe(true));
    const sent = calls.find((c) => c.cmd === "create_follow_up")?.args.input as { route: string };
    expect(sent.route).toBe("email");
  });
});
