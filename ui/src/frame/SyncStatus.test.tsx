import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { makeQueryClient } from "../App";
import { events, type RejectedChange, type SyncStatus as Status } from "../bindings";
import { NavigationProvider, useNavigation } from "../navigation";
import { connectedSync, deskInfo, localSync, mockBackend, renderWithDesk } from "../test/render";
import { SignInBanner } from "./SignInBanner";
import { SyncPanel } from "./SyncPanel";
import { SyncStatus } from "./SyncStatus";

function Desk() {
  const nav = useNavigation();
  return (
    <>
      <SyncStatus />
      {nav.overlay === "sync" ? <SyncPanel /> : null}
      <output data-testid="where">
        {nav.route.name === "customer" ? `customer:${nav.route.id}` : nav.route.name} overlay:{String(nav.overlay)}
      </output>
    </>
  );
}

async function indicatorFor(status: Status) {
  mockBackend({ sync_status: () => status });
  renderWithDesk(<SyncStatus />);
  return screen.findByTestId("sync-status");
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

describe("SyncStatus indicator", () => {
  it("says everything is saved on this desk when no server is connected", async () => {
    const el = await indicatorFor(localSync);
    expect(el).toHaveTextContent("All saved on this desk");
    expect(el).toHaveAttribute("data-state", "local");
  });

  it("says when it last synced, in relative words", async () => {
    const el = await indicatorFor({ ...connectedSync, last_success_at: minutesAgo(2) });
    expect(el).toHaveTextContent(/^Synced · 2 min\.? ago$/);
    expect(el).toHaveAttribute("data-state", "synced");
  });

  it("says it is offline and how many changes are waiting", async () => {
    const el = await indicatorFor({ ...connectedSync, online: false, pending: 12 });
    expect(el).toHaveTextContent("Offline · 12 changes waiting");
    expect(el).toHaveAttribute("data-state", "offline");
  });

  it("says offline with nothing waiting means all is saved on this desk", async () => {
    const el = await indicatorFor({ ...connectedSync, online: false, pending: 0 });
    expect(el).toHaveTextContent("Offline · all saved on this desk");
  });

  it("says how many changes were refused, before anything else but a block", async () => {
    const el = await indicatorFor({ ...connectedSync, online: false, pending: 3, rejected: 1 });
    expect(el).toHaveTextContent("1 change refused — see why");
    expect(el).toHaveAttribute("data-state", "refused");
  });

  it("says an administrator disconnected a revoked desk", async () => {
    const el = await indicatorFor({ ...connectedSync, blocked: "revoked", rejected: 2 });
    expect(el).toHaveTextContent("This desk was disconnected by an administrator");
    expect(el).toHaveAttribute("data-state", "blocked");
  });

  it("shows the first download's progress", async () => {
    const el = await indicatorFor({ ...connectedSync, last_success_at: null, first_sync_percent: 45 });
    expect(el).toHaveTextContent("Downloading store history · 45%");
    expect(el).toHaveAttribute("data-state", "downloading");
  });

  it("refreshes only what a sync event names, and shows the status it brings", async () => {
    const calls = mockBackend({
      sync_status: () => connectedSync,
      open_customer: () => Promise.reject(new Error("not asked")),
    });
    const client = makeQueryClient();
    client.setQueryData(["customer", "c-ana"], { customer: { id: "c-ana" } });
    client.setQueryData(["customer", "c-rui"], { customer: { id: "c-rui" } });
    render(
      <QueryClientProvider client={client}>
        <NavigationProvider initial={{ name: "home" }}>
          <SyncStatus />
        </NavigationProvider>
      </QueryClientProvider>,
    );
    const el = await screen.findByTestId("sync-status");
    const count = (cmd: string) => calls.filter((c) => c.cmd === cmd).length;
    await waitFor(() => expect(count("desk_info")).toBe(1));

    await events.syncEvent.emit({
      status: { ...connectedSync, syncing: true },
      changed: { customers: ["c-ana"], kinds: ["interactions"], everything: false },
    });
    await waitFor(() => expect(el).toHaveTextContent("Syncing…"));
    await waitFor(() => expect(count("desk_info")).toBe(2));
    expect(client.getQueryState(["customer", "c-ana"])?.isInvalidated).toBe(true);
    expect(client.getQueryState(["customer", "c-rui"])?.isInvalidated).toBe(false);
    expect(count("sync_status")).toBe(1);
  });

  it("starts a round as soon as the network comes back", async () => {
    const calls = mockBackend({ sync_status: () => ({ ...connectedSync, online: false }), sync_now: () => null });
    renderWithDesk(<SyncStatus />);
    await screen.findByTestId("sync-status");
    window.dispatchEvent(new Event("online"));
    await waitFor(() => expect(calls.map((c) => c.cmd)).toContain("sync_now"));
  });

  it("says it is syncing while a round runs", async () => {
    const el = await indicatorFor({ ...connectedSync, syncing: true });
    expect(el).toHaveTextContent("Syncing…");
    expect(el).toHaveAttribute("data-state", "syncing");
  });
});

const refused: RejectedChange = {
  op_id: "op-1",
  what: "Conversation logged",
  customer_id: "c-ana",
  customer_name: "Ana Souza",
  code: "unknown_reference",
  reason: "The touch point no longer exists.",
  advice: "Log it again with another touch point.",
  made_at: minutesAgo(30),
  refused_at: minutesAgo(5),
};

describe("Sync panel", () => {
  it("opens from the indicator and runs a sync now", async () => {
    const calls = mockBackend({ sync_status: () => connectedSync, sync_now: () => null });
    const user = userEvent.setup();
    renderWithDesk(<Desk />);
    await user.click(await screen.findByTestId("sync-status"));
    const panel = await screen.findByTestId("sync-panel");
    expect(panel).toHaveTextContent("https://sync.example.com");
    expect(panel).toHaveTextContent("Returns desk PC");
    await user.click(screen.getByTestId("sync-now"));
    await waitFor(() => expect(calls.map((c) => c.cmd)).toContain("sync_now"));
  });

  it("says where the desk keeps its sign-in with the server", async () => {
    mockBackend({ sync_status: () => ({ ...connectedSync, secret_kept_in: "file" }) });
    const user = userEvent.setup();
    renderWithDesk(<Desk />);
    await user.click(await screen.findByTestId("sync-status"));
    expect(await screen.findByTestId("sync-secret")).toHaveTextContent("In a file only you can read (this computer has no keychain)");
  });

  it("lists refused changes with the server's reason, opens the customer and dismisses", async () => {
    let rejected = [refused];
    const calls = mockBackend({
      sync_status: () => ({ ...connectedSync, rejected: rejected.length }),
      rejected_changes: () => rejected,
      dismiss_rejected: () => {
        rejected = [];
        return null;
      },
    });
    const user = userEvent.setup();
    renderWithDesk(<Desk />);
    await user.click(await screen.findByTestId("sync-status"));
    const item = await screen.findByTestId("refused-change");
    expect(item).toHaveTextContent("Conversation logged");
    expect(item).toHaveTextContent("Server said: The touch point no longer exists.");
    expect(item).toHaveTextContent("Log it again with another touch point.");
    await user.click(screen.getByTestId("dismiss-refused"));
    await waitFor(() => expect(calls.find((c) => c.cmd === "dismiss_rejected")?.args).toEqual({ opId: "op-1" }));
    await waitFor(() => expect(screen.queryByTestId("refused-change")).not.toBeInTheDocument());
  });

  it("opens the customer a refused change was about", async () => {
    mockBackend({ sync_status: () => ({ ...connectedSync, rejected: 1 }), rejected_changes: () => [refused] });
    const user = userEvent.setup();
    renderWithDesk(<Desk />);
    await user.click(await screen.findByTestId("sync-status"));
    await user.click(await screen.findByRole("button", { name: "Ana Souza" }));
    expect(screen.getByTestId("where")).toHaveTextContent("customer:c-ana overlay:null");
  });

  it("asks before disconnecting and says what stays on this desk", async () => {
    const calls = mockBackend({
      sync_status: () => ({ ...connectedSync, pending: 2 }),
      disconnect_server: () => localSync,
    });
    const user = userEvent.setup();
    renderWithDesk(<Desk />);
    await user.click(await screen.findByTestId("sync-status"));
    await user.click(await screen.findByTestId("disconnect"));
    expect(screen.getByTestId("disconnect-confirm")).toHaveTextContent(
      "2 changes have not reached the server yet and will stay only on this desk.",
    );
    expect(calls.map((c) => c.cmd)).not.toContain("disconnect_server");
    await user.click(screen.getByTestId("disconnect-confirm-yes"));
    await waitFor(() => expect(calls.map((c) => c.cmd)).toContain("disconnect_server"));
  });

  it("explains a desk on its own and offers to connect", async () => {
    mockBackend();
    const user = userEvent.setup();
    renderWithDesk(<Desk />);
    await user.click(await screen.findByTestId("sync-status"));
    expect(await screen.findByTestId("sync-panel")).toHaveTextContent("Everything is saved on this desk.");
    await user.click(screen.getByTestId("connect-open"));
    expect(screen.getByTestId("where")).toHaveTextContent("overlay:connect");
  });
});

describe("Sign-in after connecting", () => {
  it("asks the person to sign in as themselves and opens the sign-in dialog", async () => {
    mockBackend({ desk_info: () => ({ ...deskInfo, must_sign_in: true }) });
    function Harness() {
      const nav = useNavigation();
      return (
        <>
          <SignInBanner />
          <output data-testid="staff-dialog">{String(nav.staffDialog)}</output>
        </>
      );
    }
    renderWithDesk(<Harness />);
    expect(await screen.findByTestId("sign-in-banner")).toHaveTextContent(
      "Sign in as yourself to continue — this desk now uses your organisation's staff list",
    );
    expect(screen.getByTestId("staff-dialog")).toHaveTextContent("switch");
  });
});

describe("A desk that is not connected", () => {
  it("says so in a neutral state, and shows its data file apart from the sentence", async () => {
    mockBackend({ sync_status: () => localSync });
    renderWithDesk(<SyncPanel />);
    const summary = await screen.findByText("Not connected to a server");
    expect(summary.closest("[data-state]")).toHaveAttribute("data-state", "local");
    const file = await screen.findByTestId("data-file");
    expect(file).toHaveTextContent("This desk keeps everything in this file");
    expect(file.querySelector("code")).toHaveTextContent(deskInfo.database_path);
  });
});
