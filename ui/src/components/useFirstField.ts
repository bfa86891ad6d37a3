import { useEffect, type RefObject } from "react";

/** The first thing a person fills in: a text field, else any field. */
export const FIRST_FIELD =
  "input:not([type=hidden]):not([disabled]):not([type=checkbox]):not([type=radio]), textarea:not([disabled]), [role=radio], select";

/** What a dialog without fields offers first (its main button): marked `data-autofocus`. */
const CHOSEN = "[data-autofocus]";

/** Keeps a just-opened dialog's focus in its first field (or on what is marked `data-autofocus`), so typing goes where it belongs.
 *
 * Keyed on the dialog element itself: the overlay may mount its content a render after it is
 * opened, and the dialog focuses itself when it does (in a real window, sometimes later still).
 * So: after the dialog has focused itself, move into the first field; and whenever the focus
 * lands on the dialog itself, pass it on. A task, not an animation frame: a web view that is not
 * being painted (a window behind others) runs no frames, and a focus moved from inside a focus
 * event does not take. */
export function useFirstField(dialogEl: HTMLElement | null, body: RefObject<HTMLElement | null>) {
  useEffect(() => {
    if (!dialogEl) return undefined;
    const intoFirstField = () => {
      const root = body.current;
      const active = document.activeElement;
      const settled = (el: Element) => el.matches(CHOSEN) || el.matches(FIRST_FIELD);
      if (!root || (active && root.contains(active) && active !== root && settled(active))) return;
      (root.querySelector<HTMLElement>(CHOSEN) ?? root.querySelector<HTMLElement>(FIRST_FIELD))?.focus();
    };
    let timer = window.setTimeout(intoFirstField, 0);
    const onFocusIn = (e: FocusEvent) => {
      if (e.target !== dialogEl) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(intoFirstField, 0);
    };
    dialogEl.addEventListener("focusin", onFocusIn);
    return () => {
      window.clearTimeout(timer);
      dialogEl.removeEventListener("focusin", onFocusIn);
    };
  }, [dialogEl, body]);
}
