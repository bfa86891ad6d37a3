import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { Highlight, matchRanges } from "./Highlight";

const marked = (text: string, query: string, mode: "words" | "digits" | "text") =>
  matchRanges(text, query, mode).map(([a, b]) => text.slice(a, b));

describe("matchRanges", () => {
  it("marks a name's words at their start, whatever the case, accents and joining marks", () => {
    expect(marked("O'Brien", "obrien", "words")).toEqual(["O'Brien"]);
    expect(marked("José Núñez", "jose nu", "words")).toEqual(["José", "Nú"]);
    expect(marked("Ana Souza", "sou", "words")).toEqual(["Sou"]);
    expect(marked("Ana Souza", "uza", "words")).toEqual([]);
    expect(marked("Jean-Luc Picard", "jeanluc", "words")).toEqual(["Jean-Luc"]);
  });

  it("marks digits across the spaces and dashes between them", () => {
    expect(marked("+351 912 345 678", "912345", "digits")).toEqual(["912 345"]);
    expect(marked("LOY-48727", "48727", "digits")).toEqual(["48727"]);
    expect(marked("+351 912 345 678", "91", "digits")).toEqual([]);
  });

  it("marks an email where it holds the query, ignoring case", () => {
    expect(marked("Ana@Example.com", "ana@ex", "text")).toEqual(["Ana@Ex"]);
  });
});

describe("Highlight", () => {
  it("wraps the matched part in a mark and keeps the rest as text", () => {
    const { container } = render(<Highlight text="Ana O'Brien" query="obri" mode="words" />);
    expect(container.textContent).toBe("Ana O'Brien");
    expect([...container.querySelectorAll("mark")].map((m) => m.textContent)).toEqual(["O'Bri"]);
  });
});
