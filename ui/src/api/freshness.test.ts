import { describe, expect, it } from "vitest";

import { family, refreshPlan } from "./freshness";

describe("what a sync event refreshes", () => {
  it("refreshes the named customers' pages and the families that show the kinds changed", () => {
    const plan = refreshPlan({ customers: ["c-ana"], kinds: ["interactions"], everything: false });
    expect(plan?.customers).toEqual(["c-ana"]);
    expect(plan?.families).toEqual(expect.arrayContaining([family.search, family.insight, family.atRisk, family.desk]));
    expect(plan?.families).not.toContain(family.staff);
    expect(plan?.families).not.toContain(family.customer);
  });

  it("refreshes open customer pages for a follow-up change that names no customer", () => {
    const plan = refreshPlan({ customers: [], kinds: ["follow_ups"], everything: false });
    expect(plan?.families).toEqual(expect.arrayContaining([family.followUps, family.customer]));
  });

  it("refreshes the catalogue's lists when stores, staff or touch points change", () => {
    const plan = refreshPlan({ customers: [], kinds: ["catalogue"], everything: false });
    expect(plan?.families).toEqual(
      expect.arrayContaining([family.stores, family.staff, family.touchPoints, family.reasons]),
    );
    expect(plan?.families).not.toContain(family.search);
  });

  it("refreshes nothing for a round that brought nothing, and everything after the first download", () => {
    expect(refreshPlan({ customers: [], kinds: [], everything: false })).toEqual({ families: [], customers: [] });
    expect(refreshPlan({ customers: [], kinds: [], everything: true })).toBeNull();
  });
});
