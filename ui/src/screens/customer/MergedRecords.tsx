import { Button } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { canReview, isFrontlineDesk } from "../../actions";
import { useUndoMerge } from "../../api/customers";
import { useDeskInfo } from "../../api/desk";
import type { CustomerPage } from "../../bindings";
import { FormError } from "../../components/FormParts";
import { shortDate } from "../../format";

/** The records merged into this customer, each with who merged it and when; a supervisor can
 * undo a merge (both records stand alone again, each with what was logged on it). Also says
 * when the page was opened from a merged record's old id. */
export function MergedRecords({ page }: { page: CustomerPage }) {
  const { t } = useTranslation();
  const desk = useDeskInfo();
  const undo = useUndoMerge();
  const mayUndo = canReview(desk.data?.staff.role) && !isFrontlineDesk(desk.data?.device_role);
  if (page.merged.length === 0 && page.redirected_from === null) return null;
  return (
    <div className="merged-records" data-testid="merged-records">
      {page.redirected_from !== null ? (
        <p className="muted small" data-testid="redirected">
          {t("merge.redirected")}
        </p>
      ) : null}
      {page.merged.length > 0 ? (
        <ul>
          {page.merged.map((m) => (
            <li key={m.merge_id} data-testid="merged-record">
              <span>
                {t("merge.mergedFrom", { name: m.name, date: shortDate(m.merged_at), who: m.merged_by })}
              </span>
              {mayUndo ? (
                <Button
                  className="link-button"
                  isDisabled={undo.isPending}
                  onPress={() => undo.mutate({ mergeId: m.merge_id, mergedId: m.merged_id })}
                  data-testid="undo-merge"
                >
                  {t("merge.undo")}
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      <FormError error={undo.error} />
    </div>
  );
}
