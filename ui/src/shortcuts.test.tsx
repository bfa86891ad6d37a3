import { fireEvent, render } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { useShortcuts } from "./shortcuts";

function Harness({ run }: { run: () => void }) {
  useShortcuts([{ key: "u", run }]);
  return (
    <>
      <input aria-label="field" />
      <div role="listbox" tabIndex={-1} aria-label="list" />
    </>
  );
}

describe("useShortcuts", () => {
  it("fires plain-key shortcuts outside fields only, even when a list re-dispatches typed keys", () => {
    const run = vi.fn();
    const { getByLabelText } = render(<Harness run={run} />);
    fireEvent.keyDown(document.body, { key: "u" });
    expect(run).toHaveBeenCalledTimes(1);
    const input = getByLabelText("field");
    input.focus();
    fireEvent.keyDown(input, { key: "u" });
    // Focus stays in the input while the key event targets the list (virtual focus).
    fireEvent.keyDown(getByLabelText("list"), { key: "u" });
    expect(run).toHaveBeenCalledTimes(1);
  });
});
