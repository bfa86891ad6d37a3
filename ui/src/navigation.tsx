import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";
import { UNSTABLE_ToastQueue as ToastQueue } from "react-aria-components";

import type { NameRef } from "./bindings";
import type { InsightFilters } from "./screens/insight/insightFilter";
import type { ReviewPreset } from "./screens/review/queueFilter";

export type Route =
  | { name: "home" }
  | { name: "customer"; id: string }
  /** `store`: the store's board (supervisors); mine otherwise. */
  | { name: "follow-ups"; view?: "mine" | "store" }
  | { name: "walk-in" }
  | { name: "import" }
  /** `preset`: the conversations behind a figure another room pointed at (Insight). */
  | { name: "review"; preset?: ReviewPreset }
  /** `filters`: the population and period to show again (coming back from a drill-down). */
  | { name: "insight"; filters?: InsightFilters }
  | { name: "my-reviews" }
  | { name: "duplicates" }
  /** `customer`: only this customer's entries (reached from their page). */
  | { name: "audit"; customer?: NameRef };

/** A notice that outlives the screen it came from, with a way to undo what was done. */
export type Notice = { kind: "customer-deleted"; customer: NameRef };

/** Overlays opened from anywhere: the palette, the shortcuts, the sync panel, the connect form. */
export type Overlay = "palette" | "help" | "sync" | "connect" | null;

export type Navigation = {
  route: Route;
  go: (route: Route) => void;
  /** Changes where the current level stands (so Esc comes back to it as it was left). */
  replace: (route: Route) => void;
  /** Esc: one level back (customer → home). */
  back: () => void;
  /** Opens the new-customer form, prefilled from what was typed in search. */
  newCustomer: (prefill?: string) => void;
  newCustomerPrefill: string | null;
  closeNewCustomer: () => void;
  focusSearch: () => void;
  blurSearch: () => void;
  /** Callback ref for the search input, so any screen can move focus to it. */
  registerSearchInput: (el: HTMLInputElement | null) => void;
  /** The screen is handed to the customer: app shortcuts are off. */
  kiosk: boolean;
  setKiosk: (on: boolean) => void;
  /** A staff dialog asked for by a shortcut or the palette. */
  staffDialog: "switch" | null;
  setStaffDialog: (d: "switch" | null) => void;
  overlay: Overlay;
  setOverlay: (o: Overlay) => void;
  /** Notices shown over every room (see `NoticeRegion`). */
  notices: ToastQueue<Notice>;
};

const NavigationContext = createContext<Navigation | null>(null);

export function NavigationProvider({ children, initial = { name: "home" } }: { children: ReactNode; initial?: Route }) {
  const [stack, setStack] = useState<Route[]>([initial]);
  const [prefill, setPrefill] = useState<string | null>(null);
  const [kiosk, setKiosk] = useState(false);
  const [staffDialog, setStaffDialog] = useState<"switch" | null>(null);
  const [overlay, setOverlay] = useState<Overlay>(null);
  const searchInput = useRef<HTMLInputElement | null>(null);
  const [notices] = useState(() => new ToastQueue<Notice>({ maxVisibleToasts: 1 }));

  const go = useCallback((route: Route) => setStack((s) => [...s.slice(-19), route]), []);
  const replace = useCallback((route: Route) => setStack((s) => [...s.slice(0, -1), route]), []);
  const back = useCallback(() => setStack((s) => (s.length > 1 ? s.slice(0, -1) : [{ name: "home" }])), []);
  const focusSearch = useCallback(() => {
    searchInput.current?.focus();
    searchInput.current?.select();
  }, []);
  const blurSearch = useCallback(() => searchInput.current?.blur(), []);
  const registerSearchInput = useCallback((el: HTMLInputElement | null) => {
    searchInput.current = el;
  }, []);
  const value = useMemo<Navigation>(
    () => ({
      route: stack[stack.length - 1] ?? { name: "home" },
      go,
      replace,
      back,
      newCustomer: (text = "") => setPrefill(text),
      newCustomerPrefill: prefill,
      closeNewCustomer: () => setPrefill(null),
      focusSearch,
      blurSearch,
      registerSearchInput,
      kiosk,
      setKiosk,
      staffDialog,
      setStaffDialog,
      overlay,
      setOverlay,
      notices,
    }),
    [stack, go, replace, back, prefill, focusSearch, blurSearch, registerSearchInput, kiosk, staffDialog, overlay, notices],
  );
  return <NavigationContext.Provider value={value}>{children}</NavigationContext.Provider>;
}

export function useNavigation(): Navigation {
  const nav = useContext(NavigationContext);
  if (!nav) throw new Error("useNavigation outside NavigationProvider");
  return nav;
}
