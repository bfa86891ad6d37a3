import { useState } from "react";
import { useTranslation } from "react-i18next";

import { fieldErrors } from "../../api/commands";
import { useTouchPoints } from "../../api/desk";
import { useAmendInteraction } from "../../api/interactions";
import type { ContactChannel, InteractionChanges, InteractionEntry, Outcome } from "../../bindings";
import { DialogActions, FormError, OutcomeChoice } from "../../components/FormParts";
import { Choice } from "../../components/Choice";
import { DialogFrame } from "../../components/DialogFrame";
import { TextInput } from "../../components/TextInput";
import { minutesProblem, minutesToSeconds } from "../../minutes";
import { CHANNELS } from "./LogPanel";

/** Corrects a logged interaction. Only fields that differ from what stands now are sent; the
 * original stays on the timeline beside the correction. */
export function AmendDialog({
  customerId,
  entry,
  onClose,
}: {
  customerId: string;
  entry: InteractionEntry;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const touchPoints = useTouchPoints();
  const amend = useAmendInteraction(customerId);
  const cur = entry.current;
  const [touchPointId, setTouchPointId] = useState(cur.touch_point_id);
  const [channel, setChannel] = useState<ContactChannel>(cur.channel);
  const [reason, setReason] = useState(cur.reason ?? "");
  const [outcome, setOutcome] = useState<Outcome>(cur.outcome);
  const [minutes, setMinutes] = useState(cur.duration_secs === null ? "" : String(Math.round(cur.duration_secs / 60)));
  const [summary, setSummary] = useState(cur.summary ?? "");
  const [note, setNote] = useState("");
  const errors = fieldErrors(amend.error);
  const minutesError = minutesProblem(minutes, t);

  function changes(): InteractionChanges {
    const c: InteractionChanges = {};
    if (touchPointId !== cur.touch_point_id) c.touch_point_id = touchPointId;
    if (channel !== cur.channel) c.channel = channel;
    if (reason.trim() !== (cur.reason ?? "")) c.reason = reason.trim();
    if (outcome !== cur.outcome) c.outcome = outcome;
    const secs = minutesToSeconds(minutes);
    if (secs !== null && secs !== cur.duration_secs) c.duration_secs = secs;
    if (summary.trim() !== (cur.summary ?? "")) c.summary = summary.trim();
    return c;
  }

  return (
    <DialogFrame isOpen onClose={onClose} title={t("amend.title")} width={520} testId="amend-dialog">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (minutesError) return;
          amend.mutate({ interaction_id: entry.id, changes: changes(), note: note.trim() || null }, { onSuccess: onClose });
        }}
      >
        <div className="dialog-body">
          <p className="muted">{t("amend.help")}</p>
          <div className="field-row">
            <Choice
              label={t("log.touchPoint")}
              name="amend_touch_point"
              value={touchPointId}
              options={(touchPoints.data ?? []).map((tp) => ({ id: tp.id, label: tp.name }))}
              onChange={setTouchPointId}
              error={errors.touch_point_id}
            />
            <Choice
              label={t("log.channel")}
              name="amend_channel"
              value={channel}
              options={CHANNELS.map((c) => ({ id: c, label: t(`channel.${c}`) }))}
              onChange={setChannel}
            />
          </div>
          <div className="field-row">
            <TextInput name="reason" label={t("log.reason")} value={reason} onChange={setReason} error={errors.reason} rule="reason" />
            <TextInput
              name="minutes"
              label={t("log.minutes")}
              value={minutes}
              onChange={setMinutes}
              problem={minutesError}
              error={errors.duration_secs}
            />
          </div>
          <OutcomeChoice value={outcome} onChange={setOutcome} />
          <TextInput name="summary" label={t("log.note")} value={summary} onChange={setSummary} error={errors.summary} rule="summary" multiline />
          <TextInput name="why" label={t("amend.why")} value={note} onChange={setNote} error={errors.note} rule="amendment_note" />
          {errors.changes ? <p className="field-error">{errors.changes}</p> : null}
          <FormError error={amend.error} />
        </div>
        <DialogActions onCancel={onClose} submitLabel={t("amend.save")} pending={amend.isPending} testId="amend-save" />
      </form>
    </DialogFrame>
  );
}
