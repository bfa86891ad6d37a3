import { useId } from "react";

import { absoluteTime, fromLocalInput } from "../format";

/** A due date and time. The browser's own date field shows the date in the web view's locale
 * (often US order, whatever the store's), so the chosen time is also said in words, in the
 * user's locale, under it: "Friday, 4 December 2026 at 10:00". */
export function DueTimeField({
  name,
  label,
  value,
  onChange,
  error,
}: {
  name: string;
  label: string;
  /** A datetime-local value (`2026-12-04T10:00`). */
  value: string;
  onChange: (v: string) => void;
  error?: string;
}) {
  const id = useId();
  const at = fromLocalInput(value);
  return (
    <div className="text-field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className="input"
        type="datetime-local"
        name={name}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={Boolean(error)}
        aria-describedby={`${id}-words`}
      />
      {error ? (
        <div className="field-error">{error}</div>
      ) : (
        <div className="field-hint" id={`${id}-words`} data-testid={`${name}-in-words`}>
          {at ? absoluteTime(at) : ""}
        </div>
      )}
    </div>
  );
}
