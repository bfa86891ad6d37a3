import { useState, type Ref } from "react";
import { FieldError, Input, Label, Text, TextArea, TextField } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { TEXT_RULES } from "../bindings";
import { intlLocale } from "../i18n";
import { textProblem, type TextRuleName } from "../textRules";

/** The counter shows from this share of a field's limit. */
const COUNTER_FROM = 0.8;

/** A labelled text field whose error sits right under it:
 * - `error` is a refusal from the core, about the value it was given: once the field is
 *   edited it no longer applies and goes (the next save says again if it still does);
 * - `problem` is a live check of what is typed now (shown while it holds);
 * - with a `rule`, a character the field may not hold, or too much text, is said as it is
 *   typed, and a counter shows near the limit. */
export function TextInput({
  name,
  label,
  value,
  onChange,
  error,
  problem,
  hint,
  placeholder,
  multiline = false,
  autoFocus = false,
  type = "text",
  inputRef,
  password = false,
  testId,
  rule,
}: {
  name: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  problem?: string | null;
  hint?: string;
  placeholder?: string;
  multiline?: boolean;
  autoFocus?: boolean;
  type?: "text" | "email" | "tel";
  inputRef?: Ref<HTMLInputElement>;
  /** Hidden characters, digits keyboard (PINs). */
  password?: boolean;
  testId?: string;
  /** The shared text rule of the field (what it may hold, how long). */
  rule?: TextRuleName;
}) {
  const { t } = useTranslation();
  // The value the core refused (react-query clears the error while a save is in flight, so a
  // refusal that comes back for a new attempt is recorded against that attempt's value).
  const [refused, setRefused] = useState({ error, value });
  if (refused.error !== error) setRefused({ error, value });
  const refusal = refused.error === error && refused.value !== value ? undefined : error;
  const shown = problem ?? refusal ?? (rule ? textProblem(value, rule, t) : null) ?? undefined;
  const count = rule ? [...value].length : 0;
  const max = rule ? TEXT_RULES[rule].max : 0;
  const nearLimit = rule !== undefined && count >= Math.floor(max * COUNTER_FROM);
  return (
    <TextField
      className="text-field"
      name={name}
      value={value}
      onChange={onChange}
      isInvalid={Boolean(shown)}
      validationBehavior="aria"
      autoFocus={autoFocus}
      type={password ? "password" : type}
      inputMode={password ? "numeric" : undefined}
    >
      <Label className="field-label">{label}</Label>
      {multiline ? (
        <TextArea className="input textarea" placeholder={placeholder} rows={2} data-testid={testId} />
      ) : (
        <Input className="input" placeholder={placeholder} ref={inputRef} data-testid={testId} />
      )}
      {hint && !shown ? (
        <Text slot="description" className="field-hint">
          {hint}
        </Text>
      ) : null}
      {nearLimit ? (
        <span className="field-counter" data-over={count > max || undefined} data-testid={`${name}-counter`}>
          {t("text.counter", { used: count.toLocaleString(intlLocale()), max: max.toLocaleString(intlLocale()) })}
        </span>
      ) : null}
      <FieldError className="field-error">{shown}</FieldError>
    </TextField>
  );
}
