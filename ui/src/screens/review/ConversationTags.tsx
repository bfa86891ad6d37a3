import { useTranslation } from "react-i18next";

import type { QueueItem } from "../../bindings";
import { FeelingBadge } from "../../components/FeelingBadge";

/** A conversation's outcome, feeling and scores as pills: in the queue's row and in the review
 * dialog's conversation. */
export function ConversationTags({ item }: { item: QueueItem }) {
  const { t } = useTranslation();
  return (
    <>
      <span className={`outcome outcome-${item.outcome}`}>{t(`outcome.${item.outcome}`)}</span>
      {item.feeling ? <FeelingBadge feeling={item.feeling} /> : null}
      {item.csat !== null ? <span className="score-chip">CSAT {item.csat}</span> : null}
      {item.nps !== null ? <span className="score-chip">NPS {item.nps}</span> : null}
      {item.ces !== null ? <span className="score-chip">CES {item.ces}</span> : null}
    </>
  );
}
