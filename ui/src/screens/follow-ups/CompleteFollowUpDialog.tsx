import { useState } from "react";
import { Label, Radio, RadioGroup } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { fieldErrors } from "../../api/commands";
import { useCloseFollowUp } from "../../api/followUps";
import type { Feeling, FollowUp, FollowUpStatus } from "../../bindings";
import { DialogFrame } from "../../components/DialogFrame";
import { FeelingScale } from "../../components/FeelingScale";
import { DialogActions, FormError } from "../../components/FormParts";
import { TextInput } from "../../components/TextInput";
// Also rendered from the customer's page: its styles come with it.
import "./follow-ups.css";

/** Closes a follow-up: done (with how the customer feels now) or could not reach. */
export function CompleteFollowUpDialog({ followUp, onClose }: { followUp: FollowUp; onClose: () => void }) {
  const { t } = useTranslation();
  const close = useCloseFollowUp();
  const [status, setStatus] = useState<FollowUpStatus>("done");
  const [resolution, setResolution] = useState("");
  const [feeling, setFeeling] = useState<Feeling | null>(null);
  const errors = fieldErrors(close.error);

  return (
    <DialogFrame isOpen onClose={onClose} title={t("followUps.completeTitle")} width={520} testId="complete-follow-up">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          close.mutate(
            {
              follow_up_id: followUp.id,
              status,
              resolution,
              feeling_after: status === "done" ? feeling : null,
            },
            { onSuccess: onClose },
          );
        }}
      >
        <div className="dialog-body">
          <p className="promise-quote">
            {followUp.customer ? <strong>{followUp.customer.name}: </strong> : null}“{followUp.promise}”
          </p>
          <RadioGroup
            className="segmented-field"
            orientation="horizontal"
            value={status}
            onChange={(v) => setStatus(v as FollowUpStatus)}
          >
            <Label className="field-label">{t("followUps.how")}</Label>
            <div className="segmented">
              <Radio value="done" className="segment" data-status="done">
                {t("followUps.done")}
              </Radio>
              <Radio value="could_not_reach" className="segment" data-status="could_not_reach">
                {t("followUps.couldNotReach")}
              </Radio>
            </div>
          </RadioGroup>
          <TextInput
            name="resolution"
            label={t("followUps.resolution")}
            placeholder={t("followUps.resolutionPlaceholder")}
            value={resolution}
            onChange={setResolution}
            error={errors.resolution}
            rule="resolution"
            multiline
            autoFocus
          />
          {status === "done" ? (
            <FeelingScale
              label={t("followUps.feelsNow")}
              hint={t("followUps.feelsNowHint")}
              value={feeling}
              onChange={setFeeling}
            />
          ) : null}
          {errors.status ? <p className="field-error">{errors.status}</p> : null}
          {errors.feeling_after ? <p className="field-error">{errors.feeling_after}</p> : null}
          <FormError error={close.error} />
        </div>
        <DialogActions onCancel={onClose} submitLabel={t("followUps.close")} pending={close.isPending} testId="complete-save" />
      </form>
    </DialogFrame>
  );
}
