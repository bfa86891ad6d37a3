import type { Ref } from "react";
import { FieldError, Input, Label, Text, TextArea, TextField } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { textProblem, type TextRuleName } from "../textRules";

/** A labelled text field whose error (from the core) sits right under it. With a `rule`, a
 * character the field may not hold, or too much text, is said there as it is typed. */
export function TextInput({
  name,
  label,
  value,
  onChange,
  error,
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
  const shown = error ?? (rule ? textProblem(value, rule, t) : null) ?? undefined;
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
      <FieldError className="field-error">{shown}</FieldError>
    </TextField>
  );
}
