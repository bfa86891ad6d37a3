import { differenceInCalendarDays, differenceInMinutes, differenceInSeconds } from "date-fns";

import i18n, { intlLocale } from "./i18n";

function locale(): string {
  return intlLocale();
}

/** "just now", "3 min ago", "2 h ago", "yesterday 16:20", "12 Nov", "12 Nov 2025". */
export function relativeTime(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  const seconds = differenceInSeconds(now, at);
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: "auto", style: "short" });
  if (seconds < -45) return futureTime(at, now, rtf);
  if (seconds < 45) return i18n.t("time.justNow");
  const minutes = differenceInMinutes(now, at);
  if (minutes < 60) return rtf.format(-minutes, "minute");
  const days = differenceInCalendarDays(now, at);
  if (days === 0) return rtf.format(-Math.floor(minutes / 60), "hour");
  if (days === 1) return `${rtf.format(-1, "day")} ${timeOfDay(iso)}`;
  if (days < 7) return rtf.format(-days, "day");
  return shortDate(iso, now);
}

/** "in 20 min", "in 3 hr", "tomorrow 10:00", "Fri 10:00", "12 Dec". */
function futureTime(at: Date, now: Date, rtf: Intl.RelativeTimeFormat): string {
  const minutes = -differenceInMinutes(now, at);
  if (minutes < 60) return rtf.format(Math.max(1, minutes), "minute");
  const days = -differenceInCalendarDays(now, at);
  if (days === 0) return rtf.format(Math.round(minutes / 60), "hour");
  const time = timeOfDay(at.toISOString());
  if (days === 1) return `${rtf.format(1, "day")} ${time}`;
  if (days < 7) return `${new Intl.DateTimeFormat(locale(), { weekday: "short" }).format(at)} ${time}`;
  return shortDate(at.toISOString(), now);
}

/** The full date and time, for hover titles. */
export function absoluteTime(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "full", timeStyle: "short" }).format(new Date(iso));
}

export function timeOfDay(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
}

export function shortDate(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  const sameYear = at.getFullYear() === now.getFullYear();
  return new Intl.DateTimeFormat(locale(), {
    day: "numeric",
    month: "short",
    year: sameYear ? undefined : "numeric",
  }).format(at);
}

/** "1 Mar 2026 – 31 Mar 2026": a span of days, both ends included, in the user's locale. */
export function dateRange(from: Date, lastDay: Date): string {
  return new Intl.DateTimeFormat(locale(), { day: "numeric", month: "short", year: "numeric" }).formatRange(from, lastDay);
}

/** Heading of a day group on the timeline: Today, Yesterday, Monday 16 Nov, 3 Mar 2025. */
export function dayHeading(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  const days = differenceInCalendarDays(now, at);
  if (days === 0) return i18n.t("time.today");
  if (days === 1) return i18n.t("time.yesterday");
  const sameYear = at.getFullYear() === now.getFullYear();
  return new Intl.DateTimeFormat(locale(), {
    weekday: days < 7 ? "long" : undefined,
    day: "numeric",
    month: "long",
    year: sameYear ? undefined : "numeric",
  }).format(at);
}

/** A key that groups timestamps by the local calendar day. */
export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

export function duration(seconds: number): string {
  if (seconds < 60) return i18n.t("time.seconds", { count: seconds });
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return i18n.t("time.minutes", { count: minutes });
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? i18n.t("time.hours", { count: h }) : i18n.t("time.hoursMinutes", { h, m });
}

/** An ISO time as the value of an `<input type="datetime-local">` (local wall time). */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The value of a datetime-local input as an ISO time, or null when it is not a time. */
export function fromLocalInput(value: string): string | null {
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
