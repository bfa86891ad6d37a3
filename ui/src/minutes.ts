import type { TFunction } from "i18next";

/** Minutes as typed ("5", "2,5", " 12 ") to seconds; null for an empty field. */
export function minutesToSeconds(text: string): number | null {
  const s = text.trim().replace(",", ".");
  return s === "" ? null : Math.round(Number(s) * 60);
}

/** What is wrong with minutes as typed, in words, or null: "-5" is told it must be positive,
 * "abc" that it must be a number. */
export function minutesProblem(text: string, t: TFunction): string | null {
  const s = text.trim();
  if (s === "") return null;
  if (/^[-−]\s*\d+([.,]\d+)?$/.test(s)) return t("log.minutesNegative");
  if (!/^\d+([.,]\d+)?$/.test(s)) return t("log.minutesInvalid");
  return null;
}
