import type { TFunction } from "i18next";

import { TEXT_RULES } from "./bindings";

/** A field's name in the shared text rule (`touchpoint_protocol::text`, exported with the bindings). */
export type TextRuleName = keyof typeof TEXT_RULES;

const forbidden = Object.fromEntries(
  Object.entries(TEXT_RULES).map(([name, rule]) => [name, new RegExp(`[${rule.forbidden}]`, "u")]),
) as Record<TextRuleName, RegExp>;

const LINE_BREAKS = new Set([0x09, 0x0a, 0x0d, 0x2028, 0x2029]);

/** What is wrong with `value` under its rule, in the UI's language, or null. The core checks
 * the same rule again on save; this says it while the person is still typing (or has just
 * pasted), next to the field. */
export function textProblem(value: string, rule: TextRuleName, t: TFunction): string | null {
  const found = forbidden[rule].exec(value);
  if (found) {
    const code = found[0].codePointAt(0) ?? 0;
    if (LINE_BREAKS.has(code)) return t("text.oneLine");
    return t("text.forbidden", { code: `U+${code.toString(16).toUpperCase().padStart(4, "0")}` });
  }
  const count = [...value].length;
  const { max } = TEXT_RULES[rule];
  if (count > max) return t("text.tooLong", { max, count });
  return null;
}
