import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { CustomerHit } from "../bindings";
import { useNavigation } from "../navigation";
import { mockBackend, renderWithDesk } from "../test/render";
import { SearchBox } from "./SearchBox";

const ana: CustomerHit = {
  matched_on: "name",
  customer: {
    id: "c-ana",
    name: "Ana Souza",
    phones: [{ e164: "+351912345678", display: "+351 912 345 678" }],
    emails: ["ana@example.com"],
    loyalty_id: null,
    external_id: null,
    language: null,
    tags: [],
    consent: { marketing_email: false, marketing_sms: false, feedback_requests: false },
    note: null,
    home_store_id: null,
    created_at: "2026-11-01T10:00:00.000Z",
    updated_at: "2026-11-01T10:00:00.000Z",
    last_seen_at: null,
  },
};

function Where() {
  const nav = useNavigation();
  return (
    <output data-testid="where">
      {nav.route.name === "customer" ? `customer:${nav.route.id}` : nav.route.name}
      {nav.newCustomerPrefill !== null ? ` new:${nav.newCustomerPrefill}` : ""}
    </output>
  );
}

describe("SearchBox", () => {
  it("lists matches as you type and Enter opens the first", async () => {
    const calls = mockBackend({ search_customers: ({ query }) => (String(query).trim() === "sou" ? [ana] : []) });
    const user = userEvent.setup();
    renderWithDesk(
      <>
        <SearchBox />
        <Where />
      </>,
    );
    await user.click(screen.getByRole("searchbox"));
    await user.keyboard("sou");
    expect(await screen.findByText("Ana Souza")).toBeInTheDocument();
    expect(screen.getByText("+351 912 345 678 · ana@example.com")).toBeInTheDocument();
    await user.keyboard("{Enter}");
    expect(screen.getByTestId("where")).toHaveTextContent("customer:c-ana");
    expect(calls.some((c) => c.cmd === "search_customers" && c.args.query === "sou")).toBe(true);
  });

  it("offers to create the customer when nobody matches", async () => {
    mockBackend({ search_customers: () => [] });
    const user = userEvent.setup();
    renderWithDesk(
      <>
        <SearchBox />
        <Where />
      </>,
    );
    await user.click(screen.getByRole("searchbox"));
    await user.keyboard("Jon Smith");
    expect(await screen.findByText("No one found for “Jon Smith”.")).toBeInTheDocument();
    await user.keyboard("{Enter}");
    expect(screen.getByTestId("where")).toHaveTextContent("new:Jon Smith");
  });
});
