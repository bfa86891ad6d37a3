import { Label, Radio, RadioGroup, Text } from "react-aria-components";
import { useTranslation } from "react-i18next";

import type { Feeling } from "../bindings";
import { FeelingIcon } from "./FeelingIcon";

export const FEELINGS: Feeling[] = ["very_unhappy", "unhappy", "neutral", "happy", "very_happy"];

/** The five-step scale with big targets; arrow keys move, Space picks. */
export function FeelingScale({
  value,
  onChange,
  label,
  hint,
  size = "regular",
}: {
  value: Feeling | null;
  onChange: (f: Feeling | null) => void;
  label: string;
  hint?: string;
  size?: "regular" | "kiosk";
}) {
  const { t } = useTranslation();
  return (
    <RadioGroup
      className={`feeling-scale feeling-scale-${size}`}
      orientation="horizontal"
      value={value}
      onChange={(v) => onChange(v as Feeling)}
    >
      <div className="field-label-row">
        <Label className="field-label">{label}</Label>
        {hint ? (
          <Text slot="description" className="field-hint">
            {hint}
          </Text>
        ) : null}
      </div>
      <div className="feeling-options">
        {FEELINGS.map((f) => (
          <Radio key={f} value={f} className={`feeling-option feeling-${f}`} data-feeling={f}>
            <FeelingIcon feeling={f} size={size === "kiosk" ? 56 : 26} />
            <span className="feeling-word">{t(`feeling.${f}`)}</span>
          </Radio>
        ))}
      </div>
    </RadioGroup>
  );
}
