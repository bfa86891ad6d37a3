import { Button, Label, Radio, RadioGroup } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { errorMessage, fieldErrors } from "../api/commands";
import type { Outcome } from "../bindings";

/** A failure that is not about one field (storage, permissions), under the form. */
export function FormError({ error }: { error: unknown }) {
  if (!error || Object.keys(fieldErrors(error)).length > 0) return null;
  return (
    <p className="field-error" role="alert">
      {errorMessage(error)}
    </p>
  );
}

/** Cancel and submit at the foot of a dialog form. */
export function DialogActions({
  onCancel,
  submitLabel,
  pending,
  testId,
}: {
  onCancel: () => void;
  submitLabel: string;
  pending: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <div className="dialog-actions">
      <Button className="button" onPress={onCancel}>
        {t("common.cancel")}
      </Button>
      <Button type="submit" className="button primary" isDisabled={pending} data-testid={testId}>
        {submitLabel}
      </Button>
    </div>
  );
}

export const OUTCOMES: Outcome[] = ["resolved", "escalated", "follow_up_needed", "unresolved"];

/** How the conversation ended, as one row of segments. */
export function OutcomeChoice({ value, onChange }: { value: Outcome; onChange: (o: Outcome) => void }) {
  const { t } = useTranslation();
  return (
    <RadioGroup
      className="segmented-field"
      name="outcome"
      orientation="horizontal"
      value={value}
      onChange={(v) => onChange(v as Outcome)}
    >
      <Label className="field-label">{t("log.outcome")}</Label>
      <div className="segmented">
        {OUTCOMES.map((o) => (
          <Radio key={o} value={o} className="segment" data-outcome={o}>
            {t(`outcome.${o}`)}
          </Radio>
        ))}
      </div>
    </RadioGroup>
  );
}
