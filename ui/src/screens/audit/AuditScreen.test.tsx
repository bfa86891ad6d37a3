import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { AuditFilter } from "../../bindings";
import { Rail } from "../../frame/Rail";
import { Refusal, RouteProbe, mockBackend, renderWithDesk, type Handler } from "../../test/render";
import { deskAs, staffList } from "../../test/reviews";
import { auditEntry, hoursFromNow, storeConflict } from "../../test/supervisor";
import { AuditScreen } from "./AuditScreen";

const viewed = auditEntry({ at: hoursFromNow(-0.5), staff: "Maria Lopes", action: "view" });
const changed = auditEntry({ at: hoursFromNow(-3), staff: "João Silva", action: "change", detail: "fields:phones,emails" });
const erased = auditEntry({
  at: hoursFromNow(-26),
  staff: "Priya Shah",
  action: "erase",
  customer_id: "cust-gone",
  customer_name: "",
});
const imported = auditEntry({
  at: hoursFromNow(-50),
  staff: "Priya Shah",
  action: "import",
  entity: "customers",
  customer_id: null,
  customer_name: null,
  detail: "12 created, 3 updated",
});

function supervisorAudit(handlers: Record<string, Handler> = {}) {
  return mockBackend({
    desk_info: () => deskAs("supervisor"),
    list_staff: () => staffList,
    audit_log: () => [viewed, changed, erased, imported],
    ...handlers,
  });
}

const auditFilters = (calls: { cmd: string; args: Record<string, unknown> }[]) =>
  calls.filter((c) => c.cmd === "audit_log").map((c) => c.args.filter as AuditFilter);

describe("Audit room", () => {
  // happy-dom lays nothing out: give the list's scroller a desk-sized height so the virtualiser
  // has rows to draw.
  const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, "clientHeight");
  beforeAll(() => {
    Object.defineProperty(HTMLElement.prototype, "clientHeight", {
      configurable: true,
      get(this: HTMLElement) {
        return this.classList.contains("audit-scroll") ? 600 : 0;
      },
    });
  });
  afterAll(() => {
    if (clientHeight) Object.defineProperty(HTMLElement.prototype, "clientHeight", clientHeight);
  });

  it("is hidden from frontline staff, and refuses them without asking for the trail", async () => {
    const calls = mockBackend({ desk_info: () => ({ ...deskAs("frontline"), my_open_follow_ups: 1 }) });
    const { unmount } = renderWithDesk(<Rail />);
    await screen.findByLabelText("1 open follow-up");
    expect(screen.queryByTestId("rail-audit")).toBeNull();
    unmount();

    renderWithDesk(<AuditScreen />);
    expect(await screen.findByText("The audit trail is for supervisors")).toBeInTheDocument();
    expect(screen.queryByTestId("audit-entry")).toBeNull();
    expect(calls.map((c) => c.cmd)).not.toContain("audit_log");
  });

  it("says in words what each change did: fields of a profile, a corrected conversation, a delete", async () => {
    supervisorAudit({
      audit_log: () => [
        changed,
        auditEntry({ action: "change", entity: "interaction", detail: "fields:touch_point_id,reason" }),
        auditEntry({ action: "change", detail: "deleted" }),
        auditEntry({ action: "export", entity: "at_risk", customer_id: null, customer_name: null, detail: "/data/exports/at-risk.csv" }),
      ],
    });
    renderWithDesk(<AuditScreen />);
    const rows = await screen.findAllByTestId("audit-entry");
    expect(rows[0]).toHaveTextContent("Changed: Phones, Emails");
    expect(rows[1]).toHaveTextContent("Corrected: Touch point, Reason");
    expect(rows[2]).toHaveTextContent("Deleted");
    expect(rows[3]).toHaveTextContent("Customers at risk");
    expect(rows[3]).toHaveTextContent("/data/exports/at-risk.csv");
  });

  it("says whose sign-in was paused after wrong PINs, and for how long", async () => {
    supervisorAudit({
      audit_log: () => [
        auditEntry({
          action: "sign_in_locked",
          entity: "staff",
          customer_id: null,
          customer_name: null,
          detail: "wrong_pins=4;pause_secs=60;name=Rita Lobo",
        }),
      ],
    });
    renderWithDesk(<AuditScreen />);
    expect(await screen.findByText("4 wrong PINs in a row for Rita Lobo: sign-in paused 60 seconds")).toBeInTheDocument();
    expect(screen.getAllByText("Sign-in paused").length).toBeGreaterThan(0);
    expect(within(screen.getByTestId("audit-entry")).getByText("Staff member")).toBeInTheDocument();
  });

  it("is on the rail for supervisors", async () => {
    supervisorAudit();
    renderWithDesk(<Rail />);
    expect(await screen.findByTestId("rail-audit")).toHaveTextContent("Audit");
  });

  it("lists entries newest first: when, who, what in words, which customer and the detail", async () => {
    const calls = supervisorAudit();
    renderWithDesk(<AuditScreen />);
    const rows = await screen.findAllByTestId("audit-entry");
    expect(rows).toHaveLength(4);
    const [first, second, third, fourth] = rows as [HTMLElement, HTMLElement, HTMLElement, HTMLElement];

    expect(first).toHaveTextContent(/30 min\.? ago/);
    expect(first.querySelector("time")).toHaveAttribute("title", expect.stringMatching(/\d{1,2}:\d{2}/));
    expect(first).toHaveTextContent("Maria Lopes");
    expect(first).toHaveTextContent("Viewed");
    expect(within(first).getByRole("button", { name: "Ana Souza" })).toBeInTheDocument();

    expect(second).toHaveTextContent("Changed");
    expect(second).toHaveTextContent("Changed: Phones, Emails");

    expect(third).toHaveTextContent("Erased");
    expect(third).toHaveTextContent("Erased customer");
    expect(within(third).queryByRole("button")).toBeNull();

    expect(fourth).toHaveTextContent("Imported");
    expect(fourth).toHaveTextContent("Customer list");
    expect(fourth).toHaveTextContent("12 created, 3 updated");

    expect(screen.getByTestId("audit-count")).toHaveTextContent("4 entries · newest first");
    expect(auditFilters(calls)[0]).toMatchObject({ customer_id: null, action: null, staff_id: null, limit: 500 });
  });

  it("asks the trail again with the action chosen", async () => {
    const calls = supervisorAudit();
    const user = userEvent.setup();
    renderWithDesk(<AuditScreen />);
    await screen.findAllByTestId("audit-entry");
    await user.click(within(screen.getByTestId("choice-audit_action")).getByRole("button"));
    await user.click(await screen.findByRole("option", { name: "Exported" }));
    await waitFor(() => expect(auditFilters(calls).at(-1)).toMatchObject({ action: "export" }));
  });

  it("asks for one staff member's entries, over the period chosen", async () => {
    const calls = supervisorAudit();
    const user = userEvent.setup();
    renderWithDesk(<AuditScreen />);
    await screen.findAllByTestId("audit-entry");
    await user.click(within(screen.getByTestId("choice-audit_staff")).getByRole("button"));
    await user.click(await screen.findByRole("option", { name: "João Silva" }));
    await waitFor(() => expect(auditFilters(calls).at(-1)).toMatchObject({ staff_id: "staff-joao" }));
    await user.click(within(screen.getByTestId("choice-audit_period")).getByRole("button"));
    await user.click(await screen.findByRole("option", { name: "Any time" }));
    await waitFor(() => expect(auditFilters(calls).at(-1)).toMatchObject({ staff_id: "staff-joao", from: null }));
  });

  it("opened from a customer's page, shows only their trail until that filter is cleared", async () => {
    const calls = supervisorAudit({ audit_log: () => [viewed] });
    const user = userEvent.setup();
    renderWithDesk(<AuditScreen customer={{ id: "cust-ana", name: "Ana Souza" }} />);
    await screen.findByTestId("audit-entry");
    expect(screen.getByRole("heading", { name: "Audit trail · Ana Souza" })).toBeInTheDocument();
    expect(auditFilters(calls)[0]).toMatchObject({ customer_id: "cust-ana", from: null });
    await user.click(screen.getByRole("button", { name: "Show every customer, not only Ana Souza" }));
    await waitFor(() => expect(auditFilters(calls).at(-1)).toMatchObject({ customer_id: null }));
  });

  it("draws only the rows in view of a long trail, and says older entries need narrower filters", async () => {
    const many = Array.from({ length: 500 }, (_, i) => auditEntry({ at: hoursFromNow(-i), staff: `Person ${i}` }));
    supervisorAudit({ audit_log: () => many });
    renderWithDesk(<AuditScreen />);
    const rows = await screen.findAllByTestId("audit-entry");
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(60);
    expect(screen.getByRole("table", { name: "Audit entries" })).toHaveAttribute("aria-rowcount", "501");
    expect(screen.getByText("Showing the newest 500. Narrow the filters to reach older entries.")).toBeInTheDocument();
  });

  it("opens the customer's page from their name", async () => {
    supervisorAudit({ audit_log: () => [viewed] });
    const user = userEvent.setup();
    renderWithDesk(
      <>
        <AuditScreen />
        <RouteProbe />
      </>,
    );
    await user.click(within(await screen.findByTestId("audit-entry")).getByRole("button", { name: "Ana Souza" }));
    expect(JSON.parse(screen.getByTestId("route").textContent ?? "{}")).toEqual({ name: "customer", id: "cust-ana" });
  });
});

describe("Audit room · conflicting edits", () => {
  const renamed = storeConflict({}, { at: hoursFromNow(-0.5) });
  const phonesOnErased = storeConflict(
    { customer_id: "cust-gone", customer_name: null },
    {
      field: "phones",
      kept: '["+351 912 000 000","+351 913 000 000"]',
      kept_by: "João Silva",
      not_kept: "[]",
      not_kept_by: "Maria Lopes",
      at: hoursFromNow(-30),
    },
  );

  function connectedSupervisor(handlers: Record<string, Handler> = {}) {
    return supervisorAudit({
      desk_info: () => ({ ...deskAs("supervisor"), connected: true }),
      recent_conflicts: () => [renamed, phonesOnErased],
      ...handlers,
    });
  }

  const conflictCalls = (calls: { cmd: string }[]) => calls.filter((c) => c.cmd === "recent_conflicts").length;

  it("keeps the trail as the first view and asks for no conflicts until their tab is chosen by keyboard", async () => {
    const calls = connectedSupervisor();
    const user = userEvent.setup();
    renderWithDesk(<AuditScreen />);
    expect(await screen.findByText("4 entries · newest first")).toBeInTheDocument();
    expect(screen.getByRole("table", { name: "Audit entries" })).toBeInTheDocument();
    expect(screen.getByTestId("audit-tab-trail")).toHaveAttribute("aria-selected", "true");
    expect(screen.getByTestId("audit-tab-conflicts")).toHaveAttribute("aria-selected", "false");
    expect(screen.getByRole("tablist", { name: "Audit views" })).toBeInTheDocument();
    expect(conflictCalls(calls)).toBe(0);

    await user.click(screen.getByTestId("audit-tab-trail"));
    await user.keyboard("{ArrowRight}");
    expect(screen.getByTestId("audit-tab-conflicts")).toHaveAttribute("aria-selected", "true");
    expect(await screen.findByTestId("conflicts-list")).toBeInTheDocument();
    expect(conflictCalls(calls)).toBe(1);
    expect(screen.queryByRole("table", { name: "Audit entries" })).toBeNull();
  });

  it("lists conflicting edits newest first: when, whose, which field, both values and who set each", async () => {
    connectedSupervisor({ recent_conflicts: () => [phonesOnErased, renamed] });
    const user = userEvent.setup();
    renderWithDesk(<AuditScreen />);
    await user.click(await screen.findByTestId("audit-tab-conflicts"));
    const items = await screen.findAllByTestId("conflict-item");
    expect(items).toHaveLength(2);
    const [first, second] = items as [HTMLElement, HTMLElement];

    expect(first).toHaveTextContent(/30 min\.? ago/);
    expect(first.querySelector("time")).toHaveAttribute("title", expect.stringMatching(/\d{1,2}:\d{2}/));
    expect(first).toHaveTextContent("Name");
    expect(within(first).getByRole("button", { name: "Ana Souza" })).toBeInTheDocument();
    const kept = within(first).getByTestId("conflict-kept");
    expect(kept).toHaveTextContent("Kept");
    expect(kept).toHaveTextContent("Ana S. Lima");
    expect(kept).toHaveTextContent("On the customer record now · set by Priya Shah");
    const notKept = within(first).getByTestId("conflict-not-kept");
    expect(notKept).toHaveTextContent("Not kept");
    expect(notKept).toHaveTextContent("Ana Souza Lima");
    expect(notKept).toHaveTextContent("set by Maria Lopes");
    expect(first).toHaveTextContent("Check with the customer which is right and correct the profile if needed.");

    expect(second).toHaveTextContent("Phones");
    expect(within(second).getByTestId("conflict-kept")).toHaveTextContent("+351 912 000 000, +351 913 000 000");
    expect(within(second).getByTestId("conflict-kept")).toHaveTextContent("set by João Silva");
    expect(within(second).getByTestId("conflict-not-kept")).toHaveTextContent("—");
    expect(second).toHaveTextContent("Erased customer or not on this desk");
    expect(within(second).queryByRole("button")).toBeNull();

    expect(screen.getByTestId("conflicts-count")).toHaveTextContent("2 conflicting edits · newest first");
  });

  it("opens the customer's page from a conflict's customer name", async () => {
    connectedSupervisor();
    const user = userEvent.setup();
    renderWithDesk(
      <>
        <AuditScreen />
        <RouteProbe />
      </>,
    );
    await user.click(await screen.findByTestId("audit-tab-conflicts"));
    const [first] = await screen.findAllByTestId("conflict-item");
    await user.click(within(first as HTMLElement).getByRole("button", { name: "Ana Souza" }));
    expect(JSON.parse(screen.getByTestId("route").textContent ?? "{}")).toEqual({ name: "customer", id: "cust-ana" });
  });

  it("on a desk not connected to a server, explains that edits only conflict there, without asking", async () => {
    const calls = supervisorAudit({ recent_conflicts: () => [renamed] });
    const user = userEvent.setup();
    renderWithDesk(<AuditScreen />);
    await user.click(await screen.findByTestId("audit-tab-conflicts"));
    const empty = await screen.findByTestId("conflicts-empty");
    expect(empty).toHaveTextContent("Conflicting edits need a server");
    expect(empty).toHaveTextContent("Edits only conflict between desks connected to a server");
    expect(screen.queryByTestId("conflicts-list")).toBeNull();
    expect(conflictCalls(calls)).toBe(0);
  });

  it("says there are no conflicting edits when the server has none", async () => {
    connectedSupervisor({ recent_conflicts: () => [] });
    const user = userEvent.setup();
    renderWithDesk(<AuditScreen />);
    await user.click(await screen.findByTestId("audit-tab-conflicts"));
    expect(await screen.findByTestId("conflicts-empty")).toHaveTextContent("No conflicting edits");
    expect(screen.queryByTestId("conflict-item")).toBeNull();
  });

  it("shows why the conflicts could not be loaded while offline, and asks again on Retry", async () => {
    let answers = 0;
    const calls = connectedSupervisor({
      recent_conflicts: () =>
        answers++ === 0
          ? new Refusal({ kind: "offline", message: "The server cannot be reached right now." })
          : [renamed],
    });
    const user = userEvent.setup();
    renderWithDesk(<AuditScreen />);
    await user.click(await screen.findByTestId("audit-tab-conflicts"));
    expect(await screen.findByRole("alert")).toHaveTextContent("The server cannot be reached right now.");
    expect(screen.getByTestId("conflicts-error")).toHaveTextContent("Conflicting edits could not be loaded");

    await user.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByTestId("conflict-item")).toHaveTextContent("Ana S. Lima");
    expect(conflictCalls(calls)).toBe(2);
    expect(screen.queryByTestId("conflicts-error")).toBeNull();
  });
});
