import { describe, expect, it } from "vitest";

import { asSentence } from "./commands";

describe("error messages", () => {
  it("read as a sentence: a capital and a full stop where the source left them out", () => {
    expect(asSentence("no connection")).toBe("No connection.");
    expect(asSentence("The PIN is not right.")).toBe("The PIN is not right.");
    expect(asSentence("Try again?")).toBe("Try again?");
    expect(asSentence("  ")).toBe("");
  });
});
