import { useEffect } from "react";

function isField(el: Element | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}

/** Typing goes to a field. The focused element is checked as well as the event target:
 * React Aria's autocomplete re-dispatches keys from its input to the list it drives. */
function typingInField(target: EventTarget | null): boolean {
  return isField(target instanceof Element ? target : null) || isField(document.activeElement);
}

export type Shortcut = {
  key: string;
  ctrl?: boolean;
  /** Also fire while the user is typing in a field (only sensible with ctrl). */
  inFields?: boolean;
  run: (e: KeyboardEvent) => void;
};

/** Window-wide keyboard shortcuts. Plain keys never fire while typing in a field. */
export function useShortcuts(shortcuts: Shortcut[], enabled = true) {
  useEffect(() => {
    if (!enabled) return;
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
  }, [shortcuts, enabled]);
}
