import { useTranslation } from "react-i18next";

import type { FollowUp } from "../bindings";
import { followUpWhy, routeName } from "../relationship";

/** What a follow-up is, in words: the promise, or for a reminder the desk raised on its own,
 * why it is there ("Birthday on 12 Dec", "Stay in touch every 90 days · last conversation 3
 * Sep"); and how to reach them. */
export function FollowUpHeadline({ followUp: f }: { followUp: FollowUp }) {
  const { t } = useTranslation();
  const why = followUpWhy(f, t);
  const reminder = f.kind === "stay_in_touch" || f.kind === "important_date";
  return (
    <>
      <div className="follow-up-promise">{reminder && why ? why : `“${f.promise}”`}</div>
      {f.kind !== "recovery" || f.route ? (
        <div className="muted small follow-up-why" data-testid="follow-up-why">
          {f.kind !== "recovery" ? <span className={`kind-chip kind-${f.kind}`}>{t(`relationship.kind.${f.kind}`)}</span> : null}
          {!reminder && why ? <span>{why}</span> : null}
          {f.route ? <span>{routeName(f.route, t)}</span> : null}
        </div>
      ) : null}
    </>
  );
}
