// How a profile field and its stored value read to people: shared by the profile's History
// tab and the Audit room's conflicting edits, which both show values as the server stores them.

type T = (key: string, options?: Record<string, unknown>) => string;

/** The field's name in words ("Phones"); the stored name itself for a field this UI does not know. */
export function profileFieldLabel(field: string, t: T): string {
  return t(`profile.fields.${field}`, { defaultValue: field });
}

/** A stored value in words: text as is, lists (JSON) joined, consent (JSON) as what it allows,
 * and a dash for nothing. */
export function profileValue(field: string, value: string | null, t: T): string {
  if (value === null || value === "") return "—";
  if (field === "consent") {
    try {
      const c = JSON.parse(value) as Record<string, boolean>;
      const on = Object.entries(c).filter(([, v]) => v).map(([k]) => t(`consent.${k}`));
      return on.length ? on.join(", ") : t("profile.noConsent");
    } catch {
      return value;
    }
  }
  if (value.startsWith("[")) {
    try {
      const list = JSON.parse(value) as string[];
      return list.length ? list.join(", ") : "—";
    } catch {
      return value;
    }
  }
  return value;
}
