import { useEffect } from "react";

function typingInField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export type Shortcut = {
  key: string;
  ctrl?: boolean;
  /** Also fire while the user is typing in a field (only sensible with ctrl). */
  inFields?: boolean;
  run: (e: KeyboardEvent) => void;
};

/** Window-wide keyboard shortcuts. Plain keys never fire while typing in a field. */
export function useShortcuts(shortcuts: Shortcut[]) {
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.defaultPrevented) return;
      for (const s of shortcuts) {
        const ctrl = e.ctrlKey || e.metaKey;
        if (e.key.toLowerCase() !== s.key.toLowerCase() || Boolean(s.ctrl) !== ctrl || e.altKey) continue;
        if (typingInField(e.target) && !s.inFields) continue;
        e.preventDefault();
        s.run(e);
        return;
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [shortcuts]);
}
