import { useState } from "react";
import { useTranslation } from "react-i18next";

import { useDeskInfo } from "../../api/desk";
import type { ContactAnswers } from "../../bindings";
import { CONTACT_ROUTES } from "../../relationship";
import { DialogFrame } from "../../components/DialogFrame";
import { ProposalCard, type FollowUpDraft } from "./ProposalCard";

/** F on a customer's page: promise something and own it. */
export function NewFollowUpDialog({
  customerId,
  contact,
  onClose,
}: {
  customerId: string;
  /** What the customer said about each channel: a refused one is not offered. */
  contact: ContactAnswers;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const desk = useDeskInfo();
  const [draft] = useState<FollowUpDraft>(() => {
    const due = new Date(Date.now() + 24 * 3600 * 1000);
    due.setMinutes(0, 0, 0);
    return {
      reasons: [],
      customer_id: customerId,
      interaction_id: null,
      owner_staff_id: desk.data?.staff.id ?? "",
      due_at: due.toISOString(),
      promise: "",
      refused: CONTACT_ROUTES.flatMap((channel) => {
        const answer = contact[channel];
        return answer && !answer.allowed ? [{ channel, answer }] : [];
      }),
      route: CONTACT_ROUTES.find((c) => contact[c]?.allowed !== false) ?? "next_visit",
    };
  });
  return (
    <DialogFrame isOpen onClose={onClose} title={t("followUps.new")} width={520} testId="new-follow-up">
      <div className="dialog-body">
        <ProposalCard proposal={draft} onDone={onClose} title={t("followUps.newHelp")} acceptLabel={t("followUps.create")} />
      </div>
    </DialogFrame>
  );
}
