import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useEffect, useRef } from "react";
import { describe, expect, it } from "vitest";

import { useNavigation } from "../../navigation";
import { Refusal, RouteProbe, mockBackend, renderWithDesk } from "../../test/render";
import { NewCustomerDialog, prefillFrom } from "./NewCustomerDialog";

function OpenWith({ text }: { text: string }) {
  const nav = useNavigation();
  const { newCustomer } = nav;
  const opened = useRef(false);
  useEffect(() => {
    if (opened.current) return;
    opened.current = true;
    newCustomer(text);
  }, [newCustomer, text]);
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

describe("NewCustomerDialog, saving once", () => {
  it("creates her once on two quick Enters, and opens her instead of warning about herself", async () => {
    let created = 0;
    const calls = mockBackend({
      create_customer: () =>
        ++created === 1
          ? { id: "c-new", name: "Ana Souza" }
          : new Refusal({
              kind: "duplicate",
              message: "Someone already has this phone number.",
              matches: [{ customer_id: "c-new", name: "Ana Souza", on: "phone", value: "+44 7911 123456" }],
            }),
    });
    const user = userEvent.setup();
    renderWithDesk(
      <>
        <OpenWith text="Ana Souza" />
        <RouteProbe />
      </>,
    );
    await user.type(await screen.findByRole("textbox", { name: "Phone" }), "07911 123456");
    // Two Enters in the same instant: nothing re-renders between them.
    const form = screen.getByTestId("new-customer-form") as HTMLFormElement;
    act(() => {
      form.requestSubmit();
      form.requestSubmit();
    });

    await waitFor(() => expect(screen.getByTestId("route")).toHaveTextContent("c-new"));
    expect(calls.filter((c) => c.cmd === "create_customer")).toHaveLength(1);
    expect(screen.queryByTestId("duplicate-warning")).not.toBeInTheDocument();
    expect(screen.queryByTestId("new-customer-form")).not.toBeInTheDocument();
  });

  it("drops a field's refusal once the field is edited, and a duplicate warning once the phone changes", async () => {
    mockBackend({
      create_customer: ({ input }) =>
        (input as { phone: string }).phone === "12"
          ? new Refusal({
              kind: "validation",
              message: "The phone needs attention.",
              fields: [{ field: "phone", message: "This number is too short to be a phone number." }],
            })
          : new Refusal({
              kind: "duplicate",
              message: "Someone already has this phone number.",
              matches: [{ customer_id: "c-1", name: "Ana Costa", on: "phone", value: "+44 7911 123456 ext. 1234567890" }],
            }),
    });
    const user = userEvent.setup();
    renderWithDesk(<OpenWith text="Ana" />);
    const phone = await screen.findByRole("textbox", { name: "Phone" });
    await user.type(phone, "12");
    await user.keyboard("{Enter}");
    expect(await screen.findByText("This number is too short to be a phone number.")).toBeInTheDocument();

    await user.type(phone, "3");
    expect(screen.queryByText("This number is too short to be a phone number.")).not.toBeInTheDocument();
    expect(phone).not.toHaveAttribute("aria-invalid", "true");

    await user.clear(phone);
    await user.type(phone, "07911 123456");
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("duplicate-warning")).toHaveTextContent("Ana Costa");
    await user.type(phone, "9");
    expect(screen.queryByTestId("duplicate-warning")).not.toBeInTheDocument();
  });
});
