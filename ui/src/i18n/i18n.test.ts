import { describe, expect, it } from "vitest";

import en from "./en.json";
import pt from "./pt.json";

type Tree = { [k: string]: string | Tree };

function flat(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === "string") out.set(prefix + k, v);
    else for (const [kk, vv] of flat(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe("translations", () => {
  const english = flat(en as Tree);
  const portuguese = flat(pt as Tree);

  it("Portuguese has every English string, and nothing else", () => {
    expect([...portuguese.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it("every translation is filled in and keeps the same placeholders", () => {
    for (const [key, text] of english) {
      const other = portuguese.get(key) ?? "";
      expect(other.trim(), key).not.toBe("");
      expect(placeholders(other), key).toEqual(placeholders(text));
    }
  });
});

describe("Portuguese plurals", () => {
  it("say none in the plural, as in Portugal", async () => {
    const { default: i18n } = await import("./index");
    const pt = i18n.getFixedT("pt-PT");
    expect(pt("audit.count", { count: 0 })).toMatch(/^0 registos/);
    expect(pt("audit.count", { count: 1 })).toMatch(/^1 registo\b/);
  });
});
