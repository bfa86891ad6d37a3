import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import "../i18n";
import type { OrgListEntry, OrgStore, StaffImport } from "../api-types";
import { ListsPage } from "./Lists";
import { ImportStaff } from "./StaffImport";

type Call = { method: string; path: string; body: unknown };
let calls: Call[] = [];
let lists: Record<string, OrgListEntry[]> = {};

const entry = (id: string, name: string, sort_order: number, active = true): OrgListEntry => ({
  id,
  name,
  sort_order,
  active,
  default_channel: null,
});
const stores: OrgStore[] = [{ store_id: "st-1", name: "Porto Baixa", timezone: null, staff: 1, devices: 1 }];

function answer(method: string, path: string, body: unknown): unknown {
  if (path === "stores") return stores;
  const list = /^lists\/([a-z-]+)$/.exec(path)?.[1];
  if (list && method === "GET") return lists[list] ?? [];
  const one = /^lists\/([a-z-]+)\/([a-z0-9-]+)$/.exec(path);
  if (one && method === "PATCH") {
    const e = (lists[one[1] ?? ""] ?? []).find((x) => x.id === one[2]);
    return e ? { ...e, ...(body as object) } : null;
  }
  if (path === "staff/import") {
    const req = body as { csv: string; dry_run: boolean };
    const bad = req.csv.includes("Braga");
    const result: StaffImport = {
      dry_run: req.dry_run,
      file_problem: null,
      added: req.dry_run || bad ? 0 : 1,
      rows: [
        {
          line: 2,
          name: "Ana Costa",
          role: "frontline",
          home_store_id: bad ? null : "st-1",
          problem: bad ? "store: No store called “Braga”." : null,
          staff_id: req.dry_run || bad ? null : "s-9",
          pin: req.dry_run || bad ? null : "482915",
        },
      ],
    };
    return result;
  }
  return null;
}

beforeEach(() => {
  calls = [];
  lists = {
    "touch-points": [entry("tp-1", "Service desk", 0), entry("tp-2", "Checkout", 1)],
    reasons: [],
    scorecard: [entry("c-1", "Greeted the customer", 0), entry("c-2", "Quoted the policy", 1, false)],
  };
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      const path = new URL(url, "http://console.test").pathname.replace("/v1/org/", "");
      const method = init?.method ?? "GET";
      const body: unknown = init?.body ? JSON.parse(String(init.body)) : undefined;
      calls.push({ method, path, body });
      const out = answer(method, path, body);
      return new Response(JSON.stringify(out), { status: out === null ? 404 : 200 });
    }),
  );
});

afterEach(() => vi.unstubAllGlobals());

function renderIn(node: React.ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(<QueryClientProvider client={client}>{node}</QueryClientProvider>);
}

describe("the organisation's lists", () => {
  it("moves an entry by swapping places with its neighbour and retires one", async () => {
    renderIn(<ListsPage admin />);
    const touchPoints = await screen.findByTestId("list-touch-points");
    await within(touchPoints).findByText("Checkout");
    await userEvent.click(within(touchPoints).getByRole("button", { name: "Move Checkout up" }));
    await vi.waitFor(() => expect(calls.filter((c) => c.method === "PATCH")).toHaveLength(2));
    const patches = calls.filter((c) => c.method === "PATCH");
    expect(patches.map((c) => [c.path, c.body])).toEqual([
      ["lists/touch-points/tp-2", { sort_order: 0 }],
      ["lists/touch-points/tp-1", { sort_order: 1 }],
    ]);
    expect(within(touchPoints).getByRole("button", { name: "Move Service desk up" })).toBeDisabled();

    const scorecard = screen.getByTestId("list-scorecard");
    expect(within(scorecard).getByText("Retired")).toBeInTheDocument();
    await userEvent.click(within(scorecard).getByTestId("retire-Greeted the customer"));
    await vi.waitFor(() =>
      expect(calls.some((c) => c.path === "lists/scorecard/c-1" && JSON.stringify(c.body) === '{"active":false}')).toBe(
        true,
      ),
    );
    expect(await within(scorecard).findByTestId("list-scorecard-said")).toHaveTextContent("Greeted the customer is retired");
  });

  it("offers an organisation without reasons of its own to start from the built-in list, and a supervisor only reads", async () => {
    const { unmount } = renderIn(<ListsPage admin />);
    const reasons = await screen.findByTestId("list-reasons");
    expect(await within(reasons).findByText(/desks suggest their built-in reasons/)).toBeInTheDocument();
    await userEvent.click(within(reasons).getByTestId("reasons-defaults"));
    await vi.waitFor(() => expect(calls.some((c) => c.method === "POST" && c.path === "lists/reasons/defaults")).toBe(true));
    unmount();

    renderIn(<ListsPage admin={false} />);
    const touchPoints = await screen.findByTestId("list-touch-points");
    await within(touchPoints).findByText("Checkout");
    expect(within(touchPoints).queryByRole("button")).toBeNull();
    expect(screen.queryByTestId("reasons-defaults")).toBeNull();
  });
});

describe("staff from a spreadsheet", () => {
  const file = (text: string) => new File([text], "staff.csv", { type: "text/csv" });

  it("shows each row's problem and offers nothing to add until the file is right", async () => {
    renderIn(<ImportStaff />);
    await userEvent.upload(screen.getByTestId("import-file"), file("name,role,store\nAna Costa,frontline,Braga\n"));
    expect(await screen.findByTestId("import-checked")).toHaveTextContent("1 row of 1 has a problem");
    expect(screen.getByText("No store called “Braga”.")).toBeInTheDocument();
    expect(screen.queryByTestId("import-add")).toBeNull();
    expect(calls.find((c) => c.path === "staff/import")?.body).toMatchObject({ dry_run: true });
  });

  it("adds a checked file and shows each newcomer's PIN once", async () => {
    renderIn(<ImportStaff />);
    await userEvent.upload(screen.getByTestId("import-file"), file("name,role,store\nAna Costa,frontline,Porto Baixa\n"));
    expect(await screen.findByTestId("import-checked")).toHaveTextContent("1 person is ready to add");
    await userEvent.click(screen.getByTestId("import-add"));
    expect(await screen.findByTestId("import-done")).toHaveTextContent("1 person added");
    expect(within(screen.getByTestId("import-pins")).getByText("482915")).toBeInTheDocument();
    expect(calls.filter((c) => c.path === "staff/import").map((c) => (c.body as { dry_run: boolean }).dry_run)).toEqual([
      true,
      false,
    ]);
  });
});
