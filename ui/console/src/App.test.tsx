import { QueryClient } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import "./i18n";
import { ConsoleApp } from "./App";
import type { ConsoleSession, OrgDevice, OrgStore } from "./api-types";

const session: ConsoleSession = {
  staff_id: "s-1",
  name: "Helena Reis",
  login: "helena",
  role: "admin",
  org_id: "o-1",
  org_name: "Acme Stores",
  csrf_token: "csrf-123",
  expires_at: "2026-12-05T23:00:00Z",
};
const store: OrgStore = { store_id: "st-1", name: "Porto Baixa", timezone: "Europe/Lisbon", staff: 2, devices: 1 };
const device: OrgDevice = {
  device_id: "d-1",
  name: "Till 1",
  store_id: "st-1",
  role: "frontline",
  reads_org: false,
  also_reads: [],
  enrolled_at: "2026-12-05T10:00:00Z",
  last_seen_at: "2026-12-05T10:05:00Z",
  revoked_at: null,
  revoked_reason: null,
  app_version: "0.1.0",
  outbox_waiting: 3,
  outbox_refused: 1,
  last_push_at: "2026-12-05T10:05:00Z",
  last_pull_at: "2026-12-05T10:05:00Z",
};

type Call = { method: string; path: string; headers: Record<string, string>; body: unknown };

/** A server that answers as the real one does, and remembers what it was sent. */
function fakeServer(password: string) {
  const calls: Call[] = [];
  let signedIn = false;
  const end = () => {
    signedIn = false;
  };
  const json = (status: number, body: unknown) =>
    new Response(body === undefined ? null : JSON.stringify(body), { status });
  const fetcher = vi.fn(async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? "GET";
    const path = url.replace("/v1/org/", "");
    const headers = (init.headers ?? {}) as Record<string, string>;
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, path, headers, body });
    if (path === "session" && method === "POST") {
      if ((body as { password: string }).password !== password) {
        return json(401, { code: "unauthorized", message: "The login or the password is not right." });
      }
      signedIn = true;
      return json(200, session);
    }
    if (!signedIn) return json(401, { code: "unauthorized", message: "Sign in first." });
    if (path === "devices") return json(200, [device]);
    if (path === "stores" && method === "GET") return json(200, [store]);
    if (path === "stores" && method === "POST") {
      return json(400, { code: "bad_request", message: "timezone: Mars/Olympus is not a time zone." });
    }
    if (path === "devices/d-1/revoke") return json(204, undefined);
    if (path === "session" && method === "DELETE") {
      signedIn = false;
      return json(204, undefined);
    }
    return json(404, { code: "not_found", message: "No such thing." });
  });
  return { calls, fetcher, end };
}

describe("the console", () => {
  beforeEach(() => {
    window.location.hash = "";
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("refuses a wrong password with the server's words, then signs in and lists the desks with what they reported", async () => {
    const server = fakeServer("correct horse battery staple");
    vi.stubGlobal("fetch", server.fetcher);
    const user = userEvent.setup();
    render(<ConsoleApp client={new QueryClient({ defaultOptions: { queries: { retry: false } } })} />);

    await user.type(await screen.findByTestId("login"), "helena");
    await user.type(screen.getByTestId("password"), "wrong one");
    await user.click(screen.getByTestId("sign-in"));
    expect(await screen.findByTestId("sign-in-problem")).toHaveTextContent("The login or the password is not right.");
    expect(screen.getByTestId("password")).toHaveValue("");

    await user.type(screen.getByTestId("password"), "correct horse battery staple");
    await user.click(screen.getByTestId("sign-in"));
    const table = await screen.findByTestId("devices");
    const row = within(table).getByText("Till 1").closest("tr") as HTMLElement;
    expect(row).toHaveTextContent("Porto Baixa");
    expect(row).toHaveTextContent("0.1.0");
    expect(row).toHaveTextContent("3 waiting, 1 refused");
    expect(screen.getByTestId("console-me")).toHaveTextContent("Helena Reis");
  });

  it("sends the session's CSRF token with every change and shows a refusal under the field it names", async () => {
    const server = fakeServer("pw");
    vi.stubGlobal("fetch", server.fetcher);
    vi.stubGlobal("confirm", () => true);
    const user = userEvent.setup();
    render(<ConsoleApp client={new QueryClient({ defaultOptions: { queries: { retry: false } } })} />);
    await user.type(await screen.findByTestId("login"), "helena");
    await user.type(screen.getByTestId("password"), "pw");
    await user.click(screen.getByTestId("sign-in"));

    await user.click(await screen.findByRole("button", { name: "Revoke" }));
    expect(await screen.findByTestId("devices-said")).toHaveTextContent("Till 1 is revoked");
    const revoke = server.calls.find((c) => c.path === "devices/d-1/revoke");
    expect(revoke?.headers["x-csrf-token"]).toBe("csrf-123");

    await user.click(screen.getByTestId("nav-stores"));
    await user.type(await screen.findByTestId("store-name"), "Faro");
    await user.type(screen.getByTestId("store-timezone"), "Mars/Olympus");
    await user.click(screen.getByTestId("add-store"));
    expect(await screen.findByText("Mars/Olympus is not a time zone.")).toHaveAttribute("id", "store-tz-error");
    expect(screen.getByTestId("store-name")).toHaveValue("Faro");
    const add = server.calls.find((c) => c.path === "stores" && c.method === "POST");
    expect(add?.headers["x-csrf-token"]).toBe("csrf-123");
    expect(add?.body).toEqual({ name: "Faro", timezone: "Mars/Olympus" });
  });

  it("goes back to the sign-in when the session ends on the server, and after signing out", async () => {
    const server = fakeServer("pw");
    vi.stubGlobal("fetch", server.fetcher);
    const user = userEvent.setup();
    render(<ConsoleApp client={new QueryClient({ defaultOptions: { queries: { retry: false } } })} />);
    const signIn = async () => {
      await user.type(await screen.findByTestId("login"), "helena");
      await user.type(screen.getByTestId("password"), "pw");
      await user.click(screen.getByTestId("sign-in"));
      await screen.findByTestId("console-me");
    };
    await signIn();

    server.end();
    await user.click(screen.getByTestId("nav-stores"));
    expect(await screen.findByTestId("login")).toBeInTheDocument();
    expect(screen.queryByText("Porto Baixa")).not.toBeInTheDocument();

    await signIn();
    expect(await screen.findByTestId("stores")).toHaveTextContent("Porto Baixa");
    await user.click(screen.getByTestId("sign-out"));
    expect(await screen.findByTestId("login")).toBeInTheDocument();
    expect(server.calls.some((c) => c.path === "session" && c.method === "DELETE")).toBe(true);
  });
});
