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

/** Focus is inside a dialog, menu or list that handles its own keys. */
function inOverlay(): boolean {
  return Boolean(document.activeElement?.closest("[role=dialog],[role=alertdialog],[role=menu],[role=listbox]"));
}

/** Window-wide keyboard shortcuts. Listened to in the capture phase, so a focused button or
 * widget that swallows keys cannot hide them; plain keys never fire while typing in a field,
 * and nothing fires while a dialog or menu has focus (it handles its own keys). */
export function useShortcuts(shortcuts: Shortcut[], enabled = true) {
  useEffect(() => {
    if (!enabled) return;
    function onKey(e: KeyboardEvent) {
      if (e.defaultPrevented || inOverlay()) return;
      for (const s of shortcuts) {
        const ctrl = e.ctrlKey || e.metaKey;
        if (e.key.toLowerCase() !== s.key.toLowerCase() || Boolean(s.ctrl) !== ctrl || e.altKey) continue;
        if (typingInField(e.target) && !s.inFields) continue;
        e.preventDefault();
        s.run(e);
        return;
      }
    }
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [shortcuts, enabled]);
}
