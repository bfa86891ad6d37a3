import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { CustomerPage } from "../../bindings";
import { shortDate } from "../../format";
import { mockBackend, renderWithDesk } from "../../test/render";
import { customer, customerPage, hoursFromNow } from "../../test/supervisor";
import { CustomerHeader } from "./CustomerHeader";

function pageWith(summary: Partial<CustomerPage["summary"]>): CustomerPage {
  const page = customerPage(customer());
  return { ...page, summary: { ...page.summary, ...summary } };
}

const lastVisit = { at: hoursFromNow(-2), touch_point: "Service desk", staff: "Maria Lopes", outcome: "resolved" as const };

describe("Customer header", () => {
  it("says when a score is from an earlier visit than the last one, and not when it is from the last", () => {
    mockBackend();
    const earlier = hoursFromNow(-24 * 20);
    renderWithDesk(
      <CustomerHeader
        page={pageWith({
          visits: 3,
          last_visit: lastVisit,
          last_feeling: { at: lastVisit.at, feeling: "very_happy" },
          latest_nps: { value: 4, at: earlier },
          latest_csat: { value: 5, at: lastVisit.at },
        })}
        onEdit={() => {}}
        onCompleteFollowUp={() => {}}
      />,
    );
    const summary = screen.getByTestId("customer-summary");
    expect(within(summary).getByTestId("score-nps")).toHaveTextContent(`NPS 4 on ${shortDate(earlier)}`);
    expect(within(summary).getByTestId("score-csat")).toHaveTextContent(/^CSAT 5$/);
    expect(summary).toHaveTextContent("Delighted");
    expect(summary).not.toHaveTextContent(`Delighted on`);
  });

  it("says a customer is no longer at risk, and why, after good visits since a detractor score", () => {
    mockBackend();
    const detractorAt = hoursFromNow(-24 * 10);
    renderWithDesk(
      <CustomerHeader
        page={pageWith({
          visits: 3,
          last_visit: lastVisit,
          risk: [],
          recovered: [{ was: { kind: "detractor", nps: 4, at: detractorAt }, good_visits: 2, last_good_at: lastVisit.at }],
        })}
        onEdit={() => {}}
        onCompleteFollowUp={() => {}}
      />,
    );
    expect(screen.queryByTestId("risk-badge")).toBeNull();
    const note = screen.getByTestId("risk-recovered");
    expect(note).toHaveTextContent("No longer at risk");
    expect(note).toHaveTextContent(`2 good visits since “Detractor: NPS 4 on ${shortDate(detractorAt)}”`);
  });
});
