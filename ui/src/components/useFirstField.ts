import { useEffect, type RefObject } from "react";

/** The first thing a person fills in: a text field, else any field. */
export const FIRST_FIELD =
  "input:not([type=hidden]):not([disabled]):not([type=checkbox]):not([type=radio]), textarea:not([disabled]), [role=radio], select";

/** A field that takes typed characters. */
const TEXT_FIELD =
  "input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=button]):not([type=submit]), textarea";

/** What a dialog without fields offers first (its main button): marked `data-autofocus`. */
const CHOSEN = "[data-autofocus]";

/** Keeps a just-opened dialog's focus in its first field (or on what is marked `data-autofocus`), so typing goes where it belongs.
 *
 * Keyed on the dialog element itself: the overlay may mount its content a render after it is
 * opened, and the dialog focuses itself when it does (in a real window, sometimes later still).
 * So: after the dialog has focused itself, move into the first field; and whenever the focus
 * lands on the dialog itself, pass it on. A task, not an animation frame: a web view that is not
 * being painted (a window behind others) runs no frames, and a focus moved from inside a focus
 * event does not take.
 *
 * Until the focus is there, a character typed anywhere outside the dialog's fields is sent into
 * its first text field: the focus moves in the key's own keydown, so the key types there. (A
 * person who presses F and starts typing at once lost the first letter to the page.) */
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
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key.length !== 1 || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      const active = document.activeElement;
      if (active && active !== dialogEl && dialogEl.contains(active)) return;
      const first = body.current?.querySelector<HTMLElement>(CHOSEN) ?? body.current?.querySelector<HTMLElement>(FIRST_FIELD);
      if (first?.matches(TEXT_FIELD)) first.focus();
    };
    dialogEl.addEventListener("focusin", onFocusIn);
    document.addEventListener("keydown", onKeyDown, true);
    return () => {
      window.clearTimeout(timer);
      dialogEl.removeEventListener("focusin", onFocusIn);
      document.removeEventListener("keydown", onKeyDown, true);
    };
  }, [dialogEl, body]);
}
