import { describe, expect, it } from "vitest";

import en from "./i18n/en.json";
import pt from "./i18n/pt.json";

function keys(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe("the console's words", () => {
  it("are all in Portuguese as well as English, with the same placeholders", () => {
    expect(keys(pt).sort()).toEqual(keys(en).sort());
    const placeholders = (s: string) => (s.match(/\{\{\w+\}\}/g) ?? []).sort();
    const flat = (o: unknown, k: string) => k.split(".").reduce<unknown>((v, p) => (v as Record<string, unknown>)[p], o);
    for (const k of keys(en)) {
      expect(placeholders(String(flat(pt, k))), k).toEqual(placeholders(String(flat(en, k))));
    }
  });
});
