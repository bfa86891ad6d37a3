import { useCallback, useMemo, useState, type ReactNode } from "react";

/** The chart colours, read from the theme (theme.css) so charts follow it like everything else;
 * the fallbacks are the light theme's, for when no style sheet is loaded (tests). */
export type ChartColours = {
  accent: string;
  accentWeak: string;
  second: string;
  grid: string;
  axis: string;
  text: string;
};

function themeColour(name: string, fallback: string): string {
  if (typeof window === "undefined" || typeof getComputedStyle !== "function") return fallback;
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

export function useChartColours(): ChartColours {
  return useMemo(
    () => ({
      accent: themeColour("--accent", "#1f5fbf"),
      accentWeak: themeColour("--accent-weak", "#e9f0fb"),
      // The second series of a line chart: neutral, dashed, never a second accent.
      second: themeColour("--text-2", "#566071"),
      grid: themeColour("--border", "#e2e5ea"),
      axis: themeColour("--text-3", "#6b7485"),
      text: themeColour("--text", "#1c2230"),
    }),
    [],
  );
}

/** The width of a chart's box, followed as the window changes. Starts at `fallback` (and stays
 * there where nothing can be measured), so the chart is drawn on the first paint. */
export function useWidth(fallback: number): [(el: HTMLElement | null) => (() => void) | undefined, number] {
  const [width, setWidth] = useState(fallback);
  const ref = useCallback((el: HTMLElement | null) => {
    if (!el) return undefined;
    const measure = (w: number) => {
      if (w > 0) setWidth(Math.floor(w));
    };
    measure(el.clientWidth);
    if (typeof ResizeObserver === "undefined") return undefined;
    const observer = new ResizeObserver((entries) => measure(entries[0]?.contentRect.width ?? 0));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

/** A chart's box, measured so the chart fills it. */
export function ChartBox({
  height,
  fallback = 520,
  children,
}: {
  height: number;
  fallback?: number;
  children: (width: number) => ReactNode;
}) {
  const [ref, width] = useWidth(fallback);
  return (
    <div className="insight-chart" ref={ref} style={{ height }}>
      {children(width)}
    </div>
  );
}

export const AXIS_TICK = { fontSize: 12 } as const;

/** Horizontal bars need room for their names; this many pixels a row. */
export function barsHeight(rows: number): number {
  return Math.max(112, rows * 30 + 52);
}
