import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { mockBackend, renderWithDesk } from "../test/render";
import { deskAs } from "../test/reviews";
import { CommandPalette } from "./CommandPalette";

describe("CommandPalette", () => {
  it("takes the first keys typed into its box and narrows the actions to them", async () => {
    mockBackend({ desk_info: () => deskAs("admin") });
    const user = userEvent.setup();
    renderWithDesk(<CommandPalette />);
    await screen.findByRole("menuitem", { name: /Insight/ });
    const before = screen.getAllByRole("menuitem").length;
    await user.keyboard("insi");
    await waitFor(() => expect(screen.getAllByRole("menuitem").length).toBeLessThan(before));
    expect(screen.getAllByRole("menuitem").map((m) => m.textContent)).toEqual([expect.stringMatching(/^Insight/)]);
  });

  it("says nothing matches when neither an action nor a customer does", async () => {
    mockBackend({ desk_info: () => deskAs("admin"), search_customers: () => [] });
    const user = userEvent.setup();
    renderWithDesk(<CommandPalette />);
    await screen.findByRole("menuitem", { name: /Insight/ });
    await user.keyboard("zzqx");
    expect(await screen.findByText("Nothing matches.")).toBeInTheDocument();
    expect(screen.queryByRole("menuitem", { name: /Insight/ })).not.toBeInTheDocument();
  });
});
