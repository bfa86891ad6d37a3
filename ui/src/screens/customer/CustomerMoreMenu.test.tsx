import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { NoticeRegion } from "../../components/NoticeRegion";
import { Rail } from "../../frame/Rail";
import { RouteProbe, mockBackend, renderWithDesk, type Handler } from "../../test/render";
import { deskAs } from "../../test/reviews";
import { customer, customerPage } from "../../test/supervisor";
import { CustomerHeader } from "./CustomerHeader";

const page = customerPage(customer());

function renderHeader(role: "frontline" | "supervisor", handlers: Record<string, Handler> = {}) {
  const calls = mockBackend({ desk_info: () => deskAs(role), ...handlers });
  const user = userEvent.setup();
  renderWithDesk(
    <>
      <CustomerHeader page={page} onEdit={() => {}} onCompleteFollowUp={() => {}} />
      <NoticeRegion />
      <RouteProbe />
    </>,
    { name: "customer", id: "cust-ana" },
  );
  return { calls, user };
}

const route = () => JSON.parse(screen.getByTestId("route").textContent ?? "{}") as unknown;

describe("Customer page More menu", () => {
  it("asks to confirm before deleting, then deletes, goes to Today and offers an undo", async () => {
    const { calls, user } = renderHeader("supervisor", {
      delete_customer: () => null,
      restore_customer: () => customer(),
    });
    await user.click(await screen.findByTestId("customer-more"));
    await user.click(await screen.findByRole("menuitem", { name: "Delete customer" }));
    const confirm = await screen.findByTestId("delete-confirm");
    expect(within(confirm).getByRole("heading", { name: "Delete Ana Souza?" })).toBeInTheDocument();
    expect(calls.map((c) => c.cmd)).not.toContain("delete_customer");

    await user.click(within(confirm).getByTestId("delete-confirm-button"));
    await waitFor(() => expect(calls.find((c) => c.cmd === "delete_customer")?.args).toEqual({ customerId: "cust-ana" }));
    await waitFor(() => expect(route()).toEqual({ name: "home" }));
    const notice = await screen.findByTestId("notice");
    expect(notice).toHaveTextContent("Deleted Ana Souza");

    await user.click(within(notice).getByTestId("notice-undo"));
    await waitFor(() => expect(calls.find((c) => c.cmd === "restore_customer")?.args).toEqual({ customerId: "cust-ana" }));
    await waitFor(() => expect(route()).toEqual({ name: "customer", id: "cust-ana" }));
    await waitFor(() => expect(screen.queryByTestId("notice")).toBeNull());
  });

  it("deletes nothing when the confirmation is cancelled", async () => {
    const { calls, user } = renderHeader("supervisor");
    await user.click(await screen.findByTestId("customer-more"));
    await user.click(await screen.findByRole("menuitem", { name: "Delete customer" }));
    const confirm = await screen.findByTestId("delete-confirm");
    await user.click(within(confirm).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByTestId("delete-confirm")).toBeNull());
    expect(calls.map((c) => c.cmd)).not.toContain("delete_customer");
    expect(route()).toEqual({ name: "customer", id: "cust-ana" });
  });

  it("opens the Audit room filtered to this customer", async () => {
    const { user } = renderHeader("supervisor");
    await user.click(await screen.findByTestId("customer-more"));
    await user.click(await screen.findByRole("menuitem", { name: "Audit trail" }));
    expect(route()).toEqual({ name: "audit", customer: { id: "cust-ana", name: "Ana Souza" } });
  });

  it("offers no delete or erase on a frontline desk, even to a supervisor signed in there", async () => {
    const { user } = renderHeader("supervisor", {
      desk_info: () => ({ ...deskAs("supervisor"), connected: true, device_role: "frontline" }),
    });
    await user.click(await screen.findByTestId("customer-more"));
    expect(await screen.findByRole("menuitem", { name: "Audit trail" })).toBeInTheDocument();
    expect(screen.queryByTestId("customer-delete")).toBeNull();
    expect(screen.queryByTestId("customer-erase")).toBeNull();
  });

  it("is not offered to frontline staff, who keep Edit profile and Export record", async () => {
    mockBackend({ desk_info: () => ({ ...deskAs("frontline"), my_open_follow_ups: 1 }) });
    renderWithDesk(
      <>
        <Rail />
        <CustomerHeader page={page} onEdit={() => {}} onCompleteFollowUp={() => {}} />
      </>,
    );
    // The follow-up count comes with the desk: once it shows, the header knows the role.
    await screen.findByLabelText("1 open follow-up");
    expect(screen.queryByTestId("customer-more")).toBeNull();
    expect(screen.getByTestId("edit-profile")).toHaveTextContent("Edit profile");
    expect(screen.getByTestId("export-record")).toHaveTextContent("Export record");
  });

  it("erases only once the customer's name is typed, then goes to Today", async () => {
    const { calls, user } = renderHeader("supervisor", { erase_customer: () => null });
    await user.click(await screen.findByTestId("customer-more"));
    await user.click(await screen.findByRole("menuitem", { name: "Erase at their request…" }));
    const confirm = await screen.findByTestId("erase-confirm");
    expect(confirm).toHaveTextContent("cannot be undone");
    const erase = within(confirm).getByTestId("erase-confirm-button");
    expect(erase).toBeDisabled();
    await user.type(within(confirm).getByTestId("erase-name"), "Ana Sou");
    expect(erase).toBeDisabled();
    await user.type(within(confirm).getByTestId("erase-name"), "za");
    expect(erase).toBeEnabled();
    await user.click(erase);
    await waitFor(() => expect(calls.find((c) => c.cmd === "erase_customer")?.args).toEqual({ customerId: "cust-ana" }));
    await waitFor(() => expect(route()).toEqual({ name: "home" }));
  });
});
