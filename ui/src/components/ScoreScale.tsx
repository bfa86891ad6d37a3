import { Button, Label, Radio, RadioGroup, Text } from "react-aria-components";
import { useTranslation } from "react-i18next";

/** A row of numbered choices (CSAT 1–5, NPS 0–10, …); optional, so it can be cleared. */
export function ScoreScale({
  name,
  label,
  hint,
  min,
  max,
  value,
  onChange,
}: {
  name: string;
  label: string;
  hint?: string;
  min: number;
  max: number;
  value: number | null;
  onChange: (v: number | null) => void;
}) {
  const { t } = useTranslation();
  const scores = Array.from({ length: max - min + 1 }, (_, i) => min + i);
  return (
    <RadioGroup
      className="score-scale"
      name={name}
      data-testid={`score-${name}`}
      orientation="horizontal"
      value={value === null ? null : String(value)}
      onChange={(v) => onChange(Number(v))}
    >
      <div className="field-label-row">
        <Label className="field-label">{label}</Label>
        {value !== null ? (
          <Button className="link-button" onPress={() => onChange(null)}>
            {t("log.clear")}
          </Button>
        ) : hint ? (
          <Text slot="description" className="field-hint">
            {hint}
          </Text>
        ) : null}
      </div>
      <div className="score-options">
        {scores.map((s) => (
          <Radio key={s} value={String(s)} className="score-option" data-score={s}>
            {s}
          </Radio>
        ))}
      </div>
    </RadioGroup>
  );
}
