import { screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { setLanguage, setStoreRegion } from "../../i18n";
import { mockBackend, renderWithDesk } from "../../test/render";
import { ProposalCard, type FollowUpDraft } from "./ProposalCard";

const proposal: FollowUpDraft = {
  reasons: [{ kind: "detractor", nps: 3 }],
  customer_id: "c1",
  interaction_id: "i1",
  owner_staff_id: "staff-1",
  // 10:00 on Friday 4 December 2026, local time.
  due_at: new Date(2026, 11, 4, 10, 0).toISOString(),
  promise: "Call back about: Refund",
  reason_for_contact: "Reembolso",
};

const staff = () => [{ id: "staff-1", name: "Maria Lopes", role: "frontline", active: true }];

describe("ProposalCard", () => {
  afterEach(() => {
    setLanguage("en");
    setStoreRegion(null);
  });

  it("words the suggested promise and says the due day in the desk's language", async () => {
    setLanguage("pt");
    mockBackend({ list_staff: staff });
    renderWithDesk(<ProposalCard proposal={proposal} onDone={() => {}} />);
    expect(await screen.findByRole("textbox", { name: "O que foi prometido" })).toHaveValue("Ligar de volta sobre: Reembolso");
    expect(screen.getByTestId("due_at-in-words")).toHaveTextContent("sexta-feira, 4 de dezembro de 2026");
  });

  it("says the due day in words, day before month, in English at a store in Britain", async () => {
    setStoreRegion("GB");
    mockBackend({ list_staff: staff });
    renderWithDesk(<ProposalCard proposal={{ ...proposal, reason_for_contact: "Refund" }} onDone={() => {}} />);
    expect(await screen.findByRole("textbox", { name: /promised/ })).toHaveValue("Call back about: Refund");
    expect(screen.getByTestId("due_at-in-words")).toHaveTextContent(/^Friday,? 4 December 2026 at 10:00$/);
  });
});
