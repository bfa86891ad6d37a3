import type { Key } from "react-aria-components";
import { Button, Label, ListBox, ListBoxItem, Popover, Select, SelectValue } from "react-aria-components";

/** A labelled drop-down of a few known options. */
export function Choice<T extends string>({
  label,
  name,
  value,
  options,
  onChange,
  error,
  hideLabel = false,
  compact = false,
}: {
  label: string;
  name: string;
  value: T | null;
  options: { id: T; label: string }[];
  onChange: (v: T) => void;
  error?: string;
  hideLabel?: boolean;
  compact?: boolean;
}) {
  return (
    <Select
      className="choice"
      name={name}
      selectedKey={value}
      onSelectionChange={(k: Key | null) => k !== null && onChange(String(k) as T)}
      isInvalid={Boolean(error)}
      data-testid={`choice-${name}`}
    >
      <Label className={hideLabel ? "visually-hidden" : "field-label"}>{label}</Label>
      <Button className={compact ? "select-button quiet" : "select-button input"}>
        <SelectValue />
        <span aria-hidden="true" className="chevron">
          ▾
        </span>
      </Button>
      {error ? <div className="field-error">{error}</div> : null}
      <Popover className="popover">
        <ListBox className="menu-list" items={options}>
          {(o) => (
            <ListBoxItem id={o.id} className="menu-item" data-option={o.id}>
              {o.label}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </Select>
  );
}
