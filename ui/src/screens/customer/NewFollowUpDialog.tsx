import { useState } from "react";
import { useTranslation } from "react-i18next";

import { useDeskInfo } from "../../api/desk";
import { DialogFrame } from "../../components/DialogFrame";
import { ProposalCard, type FollowUpDraft } from "./ProposalCard";

/** F on a customer's page: promise something and own it. */
export function NewFollowUpDialog({ customerId, onClose }: { customerId: string; onClose: () => void }) {
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
