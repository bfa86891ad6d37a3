import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { Refusal, mockBackend, renderWithDesk } from "../test/render";
import { staffList } from "../test/reviews";
import { StaffMenu } from "./StaffMenu";

describe("Switch user", () => {
  it("clears a wrong PIN for the next try and says why it was refused", async () => {
    const calls = mockBackend({
      list_staff: () => staffList,
      sign_in: () =>
        new Refusal({
          kind: "validation",
          message: "That PIN is not right.",
          fields: [{ field: "pin", message: "That PIN is not right: 3 tries left." }],
        }),
    });
    const user = userEvent.setup();
    renderWithDesk(<StaffMenu />);
    await user.click(await screen.findByTestId("staff-menu"));
    await user.click(await screen.findByTestId("menu-switch-user"));
    const dialog = await screen.findByTestId("switch-user");
    await user.click(within(dialog).getByRole("button", { name: /Priya Shah/ }));
    const pin = await within(dialog).findByLabelText(/PIN/);
    await user.type(pin, "1234{Enter}");

    expect(await within(dialog).findByText("That PIN is not right: 3 tries left.")).toBeInTheDocument();
    await waitFor(() => expect(pin).toHaveValue(""));
    expect(calls.find((c) => c.cmd === "sign_in")?.args).toMatchObject({ staffId: "staff-supervisor", pin: "1234" });
  });
});
