import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { fieldErrors } from "../../api/commands";
import { useReassignFollowUp, useSnoozeFollowUp } from "../../api/followUps";
import type { FollowUp, NameRef } from "../../bindings";
import { Choice } from "../../components/Choice";
import { DialogFrame } from "../../components/DialogFrame";
import { DueTimeField } from "../../components/DueTimeField";
import { DialogActions, FormError } from "../../components/FormParts";
import { TextInput } from "../../components/TextInput";
import { absoluteTime, fromLocalInput, relativeTime, toLocalInput } from "../../format";

/** How to reach the customer to keep the promise: their phone and email, as links, with what
 * they agreed to beside them (a follow-up is service contact, not an offer). */
export function FollowUpContactLine({ followUp }: { followUp: FollowUp }) {
  const { t } = useTranslation();
  const c = followUp.contact;
  if (!c || (!c.phone && !c.email)) return null;
  const offers = c.consent.marketing_email || c.consent.marketing_sms;
  return (
    <div className="follow-up-contact muted small" data-testid="follow-up-contact">
      {c.phone ? (
        <a className="contact-link" href={`tel:${c.phone.replace(/\s/g, "")}`}>
          {c.phone}
        </a>
      ) : null}
      {c.phone && c.email ? <span className="sep">·</span> : null}
      {c.email ? (
        <a className="contact-link" href={`mailto:${c.email}`}>
          {c.email}
        </a>
      ) : null}
      {offers ? null : <span className="consent-note">{t("followUps.noOffers")}</span>}
    </div>
  );
}

/** The latest snooze or hand-over, and why. */
export function LastChangeLine({ followUp }: { followUp: FollowUp }) {
  const { t } = useTranslation();
  const c = followUp.last_change;
  if (!c) return null;
  const what =
    c.kind === "snoozed"
      ? t("followUps.snoozedBy", { name: c.by, when: relativeTime(c.at), due: c.due_at ? absoluteTime(c.due_at) : "" })
      : t("followUps.handedBy", { name: c.by, when: relativeTime(c.at), owner: c.owner ?? "" });
  return (
    <div className="muted small follow-up-change" data-testid="follow-up-change">
      {what}
      {c.note ? `: “${c.note}”` : ""}
    </div>
  );
}

/** A new due time a few clicks away: tomorrow morning, or in three days. */
function quickTimes(now: Date): { id: string; label: string; at: Date }[] {
  const at = (days: number) => {
    const d = new Date(now);
    d.setDate(d.getDate() + days);
    d.setHours(10, 0, 0, 0);
    return d;
  };
  return [
    { id: "tomorrow", label: "followUps.snoozeTomorrow", at: at(1) },
    { id: "three", label: "followUps.snoozeThreeDays", at: at(3) },
    { id: "week", label: "followUps.snoozeWeek", at: at(7) },
  ];
}

/** The form both changes share: what was promised, why (a required one-line reason), the
 * fields of the change itself, and a save that runs once at a time. */
function ReasonedChangeDialog({
  title,
  testId,
  about,
  reasonLabel,
  reasonPlaceholder,
  reason,
  setReason,
  error,
  pending,
  onSubmit,
  submitLabel,
  saveTestId,
  onClose,
  children,
}: {
  title: string;
  testId: string;
  about: ReactNode;
  reasonLabel: string;
  reasonPlaceholder: string;
  reason: string;
  setReason: (reason: string) => void;
  error: unknown;
  pending: boolean;
  onSubmit: () => void;
  submitLabel: string;
  saveTestId: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const errors = fieldErrors(error);
  return (
    <DialogFrame isOpen onClose={onClose} title={title} testId={testId}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!pending) onSubmit();
        }}
      >
        <div className="dialog-body">
          <p className="muted">{about}</p>
          <TextInput
            name="reason"
            label={reasonLabel}
            placeholder={reasonPlaceholder}
            value={reason}
            onChange={setReason}
            error={errors.reason}
            rule="follow_up_note"
          />
          {children}
          <FormError error={error} />
        </div>
        <DialogActions onCancel={onClose} submitLabel={submitLabel} pending={pending} testId={saveTestId} />
      </form>
    </DialogFrame>
  );
}

/** Put a follow-up off to a new due time, saying why. */
export function SnoozeDialog({ followUp, onClose }: { followUp: FollowUp; onClose: () => void }) {
  const { t } = useTranslation();
  const snooze = useSnoozeFollowUp();
  const quick = quickTimes(new Date());
  const [due, setDue] = useState(toLocalInput((quick[0]?.at ?? new Date()).toISOString()));
  const [reason, setReason] = useState("");
  const errors = fieldErrors(snooze.error);
  return (
    <ReasonedChangeDialog
      title={t("followUps.snoozeTitle")}
      testId="snooze-follow-up"
      about={`“${followUp.promise}”`}
      reasonLabel={t("followUps.snoozeWhy")}
      reasonPlaceholder={t("followUps.snoozeWhyPlaceholder")}
      reason={reason}
      setReason={setReason}
      error={snooze.error}
      pending={snooze.isPending}
      onSubmit={() =>
        snooze.mutate(
          { follow_up_id: followUp.id, due_at: fromLocalInput(due) ?? followUp.due_at, reason },
          { onSuccess: onClose },
        )
      }
      submitLabel={t("followUps.snoozeSave")}
      saveTestId="snooze-save"
      onClose={onClose}
    >
      <DueTimeField name="due_at" label={t("followUps.snoozeUntil")} value={due} onChange={setDue} error={errors.due_at} />
      <div className="quick-times" role="group" aria-label={t("followUps.snoozeQuick")}>
        {quick.map((q) => (
          <button
            key={q.id}
            type="button"
            className="button small"
            data-testid={`snooze-${q.id}`}
            onClick={() => setDue(toLocalInput(q.at.toISOString()))}
          >
            {t(q.label)}
          </button>
        ))}
      </div>
    </ReasonedChangeDialog>
  );
}

/** Hand a follow-up to someone else, saying why. */
export function HandOverDialog({
  followUp,
  people,
  initialOwner,
  onClose,
}: {
  followUp: FollowUp;
  people: NameRef[];
  initialOwner?: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const reassign = useReassignFollowUp();
  const others = people.filter((p) => p.id !== followUp.owner.id);
  const [owner, setOwner] = useState(initialOwner ?? others[0]?.id ?? "");
  const [reason, setReason] = useState("");
  const errors = fieldErrors(reassign.error);
  return (
    <ReasonedChangeDialog
      title={t("followUps.handOverTitle")}
      testId="hand-over-follow-up"
      about={`“${followUp.promise}” · ${t("followUps.ownedBy", { name: followUp.owner.name })}`}
      reasonLabel={t("followUps.handOverWhy")}
      reasonPlaceholder={t("followUps.handOverWhyPlaceholder")}
      reason={reason}
      setReason={setReason}
      error={reassign.error}
      pending={reassign.isPending}
      onSubmit={() =>
        reassign.mutate({ follow_up_id: followUp.id, owner_staff_id: owner, reason }, { onSuccess: onClose })
      }
      submitLabel={t("followUps.handOverSave")}
      saveTestId="hand-over-save"
      onClose={onClose}
    >
      <Choice
        label={t("followUps.handOverTo")}
        name="owner_staff_id"
        value={owner}
        options={others.map((p) => ({ id: p.id, label: p.name }))}
        onChange={setOwner}
      />
      {errors.owner_staff_id ? <div className="field-error">{errors.owner_staff_id}</div> : null}
    </ReasonedChangeDialog>
  );
}
