import type { Ref } from "react";
import { FieldError, Input, Label, Text, TextArea, TextField } from "react-aria-components";

/** A labelled text field whose error (from the core) sits right under it. */
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
}) {
  return (
    <TextField
      className="text-field"
      name={name}
      value={value}
      onChange={onChange}
      isInvalid={Boolean(error)}
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
      {hint && !error ? (
        <Text slot="description" className="field-hint">
          {hint}
        </Text>
      ) : null}
      <FieldError className="field-error">{error}</FieldError>
    </TextField>
  );
}
