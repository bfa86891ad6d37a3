import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import type { PossibleDuplicate } from "../../bindings";
import { mockBackend, renderWithDesk, RouteProbe } from "../../test/render";
import { deskAs } from "../../test/reviews";
import { customer } from "../../test/supervisor";
import { PossibleDuplicates } from "./PossibleDuplicates";

describe("Possibly the same person", () => {
  it("names the other records, says what they share, and opens one", async () => {
    const other: PossibleDuplicate = {
      customer: { ...customer(), id: "cust-ana-2", name: "Ana C." },
      shared: ["email", "phone"],
      names_close: true,
    };
    const calls = mockBackend({ possible_duplicates_of: () => [other] });
    renderWithDesk(
      <>
        <PossibleDuplicates customerId="cust-ana" />
        <RouteProbe />
      </>,
      { name: "customer", id: "cust-ana" },
    );
    const line = await screen.findByTestId("possible-duplicates");
    expect(line).toHaveTextContent("Possibly the same person as Ana C. (same email, same phone)");
    expect(calls.find((c) => c.cmd === "possible_duplicates_of")?.args).toEqual({ customerId: "cust-ana" });
    await userEvent.click(screen.getByTestId("possible-duplicate"));
    expect(screen.getByTestId("route")).toHaveTextContent('"id":"cust-ana-2"');
  });

  it("says nothing when there is nobody like them", async () => {
    const calls = mockBackend({ possible_duplicates_of: () => [] });
    renderWithDesk(<PossibleDuplicates customerId="cust-ana" />, { name: "customer", id: "cust-ana" });
    await vi.waitFor(() => expect(calls.some((c) => c.cmd === "possible_duplicates_of")).toBe(true));
    expect(screen.queryByTestId("possible-duplicates")).toBeNull();
  });
});

describe("Acting on a possible duplicate", () => {
  const other: PossibleDuplicate = {
    customer: { ...customer(), id: "cust-ana-2", name: "Ana C." },
    shared: ["email"],
    names_close: true,
  };

  it("lets a supervisor compare and merge, and anyone say they are two people", async () => {
    const calls = mockBackend({
      desk_info: () => deskAs("supervisor"),
      possible_duplicates_of: () => [other],
      mark_not_same_person: () => null,
    });
    renderWithDesk(<PossibleDuplicates customerId="cust-ana" />, { name: "customer", id: "cust-ana" });
    expect(await screen.findByTestId("compare-merge")).toHaveTextContent("Compare and merge…");
    await userEvent.click(screen.getByTestId("not-same-person"));
    await vi.waitFor(() =>
      expect(calls.find((c) => c.cmd === "mark_not_same_person")?.args).toEqual({
        customerId: "cust-ana",
        otherId: "cust-ana-2",
      }),
    );
  });

  it("offers no merge to frontline staff", async () => {
    mockBackend({ desk_info: () => deskAs("frontline"), possible_duplicates_of: () => [other] });
    renderWithDesk(<PossibleDuplicates customerId="cust-ana" />, { name: "customer", id: "cust-ana" });
    expect(await screen.findByTestId("not-same-person")).toBeInTheDocument();
    expect(screen.queryByTestId("compare-merge")).toBeNull();
  });
});
