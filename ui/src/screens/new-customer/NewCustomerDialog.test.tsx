import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useEffect } from "react";
import { describe, expect, it } from "vitest";

import { useNavigation } from "../../navigation";
import { Refusal, mockBackend, renderWithDesk } from "../../test/render";
import { NewCustomerDialog, prefillFrom } from "./NewCustomerDialog";

function OpenWith({ text }: { text: string }) {
  const nav = useNavigation();
  const { newCustomer } = nav;
  useEffect(() => newCustomer(text), [newCustomer, text]);
  return <NewCustomerDialog />;
}

describe("prefillFrom", () => {
  it("puts what was typed in search into the field it looks like", () => {
    expect(prefillFrom("Ana Souza")).toEqual({ name: "Ana Souza", phone: "", email: "" });
    expect(prefillFrom("07911 123456")).toEqual({ name: "", phone: "07911 123456", email: "" });
    expect(prefillFrom("ana@example.com")).toEqual({ name: "", phone: "", email: "ana@example.com" });
  });
});

describe("NewCustomerDialog", () => {
  it("shows each refused field's message under it and keeps the values", async () => {
    const calls = mockBackend({
      create_customer: () =>
        new Refusal({
          kind: "validation",
          message: "2 fields need attention.",
          fields: [
            { field: "phone", message: "This number is too short to be a phone number." },
            { field: "email", message: "An email address needs an @, like name@example.com." },
          ],
        }),
    });
    const user = userEvent.setup();
    renderWithDesk(<OpenWith text="Ana" />);
    const name = await screen.findByRole("textbox", { name: "Name" });
    expect(name).toHaveValue("Ana");
    await user.type(screen.getByRole("textbox", { name: "Phone" }), "12");
    await user.type(screen.getByRole("textbox", { name: "Email" }), "ana.example.com");
    await user.click(screen.getByRole("button", { name: "Create and open" }));

    const phone = screen.getByRole("textbox", { name: "Phone" });
    await waitFor(() => expect(calls.map((c) => c.cmd)).toContain("create_customer"));
    expect(await screen.findByText("This number is too short to be a phone number.")).toBeInTheDocument();
    await waitFor(() => expect(phone).toHaveAttribute("aria-invalid", "true"));
    expect(screen.getByText("An email address needs an @, like name@example.com.")).toBeInTheDocument();
    expect(name).toHaveValue("Ana");
    expect(phone).toHaveValue("12");
    expect(screen.getByRole("textbox", { name: "Email" })).toHaveValue("ana.example.com");
  });
});
