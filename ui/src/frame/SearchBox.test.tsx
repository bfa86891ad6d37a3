import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { CustomerHit, CustomerPage, ServerCustomer } from "../bindings";
import { useNavigation } from "../navigation";
import { Refusal, connectedSync, mockBackend, renderWithDesk } from "../test/render";
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
    important_dates: [],
    preferences: [],
    contact: { phone: null, email: null, sms: null },
    keep_in_touch: null,
  },
};

const bea: ServerCustomer = {
  customer_id: "c-bea",
  name: "Beatriz Lima",
  phone: "+351 913 000 111",
  email: null,
  loyalty_id: null,
  home_store: "Porto Baixa",
  last_seen_at: null,
};

const beaPage: CustomerPage = {
  customer: { ...ana.customer, id: "c-bea", name: "Beatriz Lima" },
  summary: {
    visits: 0,
    last_visit: null,
    last_feeling: null,
    feelings: [],
    trend: null,
    latest_csat: null,
    latest_nps: null,
    latest_ces: null,
    open_follow_ups: [],
    risk: [],
    recovered: [],
  },
  timeline: { entries: [], next: null },
  merged: [],
  redirected_from: null,
  before_you_start: [],
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

/** A result's name, however it is marked up (the typed part is in a <mark>). */
const hitName = (name: string) => (_: string, el: Element | null) => el?.classList.contains("hit-name") === true && el.textContent === name;

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
    expect(await screen.findByText(hitName("Ana Souza"))).toBeInTheDocument();
    expect(screen.getByText("+351 912 345 678 · ana@example.com")).toBeInTheDocument();
    await user.keyboard("{Enter}");
    expect(screen.getByTestId("where")).toHaveTextContent("customer:c-ana");
    expect(calls.some((c) => c.cmd === "search_customers" && c.args.query === "sou")).toBe(true);
  });

  it("marks what was typed in each result: the name's words, or the card number that matched", async () => {
    const obrien: CustomerHit = { matched_on: "name", customer: { ...ana.customer, id: "c-ob", name: "Siobhan O'Brien" } };
    const card: CustomerHit = { matched_on: "loyalty_id", customer: { ...ana.customer, id: "c-card", loyalty_id: "LOY-48727" } };
    mockBackend({ search_customers: ({ query }) => (query === "obrien" ? [obrien] : query === "48727" ? [card] : []) });
    const user = userEvent.setup();
    renderWithDesk(<SearchBox />);
    const box = screen.getByRole("searchbox");
    await user.type(box, "obrien");
    const hit = await screen.findByText(hitName("Siobhan O'Brien"));
    expect([...hit.querySelectorAll("mark")].map((m) => m.textContent)).toEqual(["O'Brien"]);

    await user.clear(box);
    await user.type(box, "48727");
    const byCard = await screen.findByText((_, el) => el?.classList.contains("hit-contact") === true && el.textContent === "LOY-48727");
    expect([...byCard.querySelectorAll("mark")].map((m) => m.textContent)).toEqual(["48727"]);
  });

  it("Esc empties the box and leaves it, so the next / is a shortcut and not typed", async () => {
    mockBackend({ search_customers: () => [ana] });
    const user = userEvent.setup();
    renderWithDesk(<SearchBox />);
    const box = screen.getByRole("searchbox");
    await user.click(box);
    await user.keyboard("sou");
    expect(await screen.findByText(hitName("Ana Souza"))).toBeInTheDocument();
    await user.keyboard("{Escape}");
    expect(box).toHaveValue("");
    expect(box).not.toHaveFocus();
    await user.keyboard("/def");
    expect(box).not.toHaveValue("/def");
  });

  it("Enter opens the customer the arrows moved to, not the first", async () => {
    const ann: CustomerHit = { ...ana, customer: { ...ana.customer, id: "c-ann", name: "Ann Sousa" } };
    mockBackend({ search_customers: () => [ana, ann] });
    const user = userEvent.setup();
    renderWithDesk(
      <>
        <SearchBox />
        <Where />
      </>,
    );
    await user.click(screen.getByRole("searchbox"));
    await user.keyboard("sou");
    await screen.findByText(hitName("Ann Sousa"));
    await user.keyboard("{ArrowDown}{Enter}");
    expect(screen.getByTestId("where")).toHaveTextContent("customer:c-ann");
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

  it("lists customers at other stores when nobody here matches, and opening one brings them over", async () => {
    const calls = mockBackend({
      sync_status: () => connectedSync,
      search_server: ({ query }) => (query === "bea" ? [bea] : []),
      open_server_customer: () => beaPage,
    });
    const user = userEvent.setup();
    renderWithDesk(
      <>
        <SearchBox />
        <Where />
      </>,
    );
    await user.click(screen.getByRole("searchbox"));
    await user.keyboard("bea");
    expect(await screen.findByText("No one found for “bea”.")).toBeInTheDocument();
    const hit = await screen.findByTestId("server-result");
    expect(screen.getByRole("group", { name: "At other stores" })).toContainElement(hit);
    expect(hit).toHaveTextContent("Beatriz Lima");
    expect(hit).toHaveTextContent("+351 913 000 111");
    expect(hit).toHaveTextContent("Porto Baixa");
    expect(screen.getByTestId("search-results")).toContainElement(hit);
    // Still possible to create from what was typed.
    expect(screen.getByText("Create “bea” as a new customer")).toBeInTheDocument();

    // The keyboard reaches it: from "create" (highlighted first) down to the other store's customer.
    await user.keyboard("{ArrowDown}");
    expect(hit).toHaveAttribute("data-focused");
    await user.keyboard("{Enter}");
    await waitFor(() => expect(screen.getByTestId("where")).toHaveTextContent("customer:c-bea"));
    expect(calls.find((c) => c.cmd === "open_server_customer")?.args).toEqual({ customerId: "c-bea" });
  });

  it("does not ask other stores when this desk is not connected", async () => {
    const calls = mockBackend();
    const user = userEvent.setup();
    renderWithDesk(<SearchBox />);
    await user.click(screen.getByRole("searchbox"));
    await user.keyboard("bea");
    expect(await screen.findByText("No one found for “bea”.")).toBeInTheDocument();
    await new Promise((r) => setTimeout(r, 400));
    expect(calls.map((c) => c.cmd)).not.toContain("search_server");
    expect(screen.queryByTestId("server-note")).not.toBeInTheDocument();
  });

  it("says quietly when other stores cannot be asked, and still offers to create", async () => {
    mockBackend({
      sync_status: () => connectedSync,
      search_server: () => new Refusal({ kind: "offline", message: "The server cannot be reached right now." }),
    });
    const user = userEvent.setup();
    renderWithDesk(<SearchBox />);
    await user.click(screen.getByRole("searchbox"));
    await user.keyboard("bea");
    expect(await screen.findByText("Other stores can't be searched while offline.")).toBeInTheDocument();
    expect(screen.getByText("Create “bea” as a new customer")).toBeInTheDocument();
  });
});
