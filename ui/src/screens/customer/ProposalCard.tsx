import { useState } from "react";
import { Button } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { fieldErrors } from "../../api/commands";
import { useStaff } from "../../api/desk";
import { useCreateFollowUp } from "../../api/followUps";
import type { FollowUpRoute, ProposalReason, RefusedChannel } from "../../bindings";
import { Choice } from "../../components/Choice";
import { DueTimeField } from "../../components/DueTimeField";
import { TextInput } from "../../components/TextInput";
import { fromLocalInput, toLocalInput } from "../../format";
import { FOLLOW_UP_ROUTES, refusedInWords, routeName } from "../../relationship";

function reasonText(r: ProposalReason, t: (k: string, o?: Record<string, unknown>) => string): string {
  switch (r.kind) {
    case "follow_up_needed":
      return t("proposal.followUpNeeded");
    case "detractor":
      return t("proposal.detractor", { nps: r.nps });
    case "low_csat":
      return t("proposal.lowCsat", { csat: r.csat });
    case "unhappy":
      return t("proposal.unhappy", { feeling: t(`feelingLeft.${r.feeling}`) });
  }
}

export type FollowUpDraft = {
  reasons: ProposalReason[];
  customer_id: string | null;
  interaction_id: string | null;
  owner_staff_id: string;
  due_at: string;
  promise: string;
  /** The conversation's reason for contact: the suggested promise is worded from it. */
  reason_for_contact?: string | null;
  /** How to reach them: the first channel they have not refused. */
  route?: FollowUpRoute;
  /** Channels the customer refused: never offered, and the card says why. */
  refused?: RefusedChannel[];
};

/** A follow-up to open: after a log that went badly the app suggests one (with why) to accept,
 * perhaps edited, or dismiss; staff can also open one by hand (F). */
export function ProposalCard({
  proposal,
  onDone,
  title,
  acceptLabel,
}: {
  proposal: FollowUpDraft;
  onDone: () => void;
  title?: string;
  acceptLabel?: string;
}) {
  const { t } = useTranslation();
  const staff = useStaff();
  const create = useCreateFollowUp();
  // Generated text is in the desk's language: worded here, not taken from the core's English.
  const [promise, setPromise] = useState(() =>
    proposal.reasons.length === 0
      ? proposal.promise
      : proposal.reason_for_contact
        ? t("proposal.callBackAbout", { reason: proposal.reason_for_contact })
        : t("proposal.callBackCheck"),
  );
  const [due, setDue] = useState(toLocalInput(proposal.due_at));
  const [owner, setOwner] = useState(proposal.owner_staff_id);
  const [route, setRoute] = useState<FollowUpRoute>(proposal.route ?? "phone");
  const refused = proposal.refused ?? [];
  const routes = FOLLOW_UP_ROUTES.filter((r) => !refused.some((x) => x.channel === r));
  const errors = fieldErrors(create.error);

  return (
    <section className="proposal" aria-labelledby="proposal-title" data-testid="proposal">
      <h3 id="proposal-title">{title ?? t("proposal.title")}</h3>
      {proposal.reasons.length > 0 ? (
        <p className="proposal-why">{proposal.reasons.map((r) => reasonText(r, t)).join(" · ")}</p>
      ) : null}
      <TextInput name="promise" label={t("proposal.promise")} value={promise} onChange={setPromise} error={errors.promise} rule="promise" />
      <Choice
        label={t("relationship.routeLabel")}
        name="route"
        value={route}
        options={routes.map((r) => ({ id: r, label: routeName(r, t) }))}
        onChange={setRoute}
        error={errors.route}
      />
      {refused.length > 0 ? (
        <p className="proposal-refused" data-testid="proposal-refused">
          {refusedInWords(refused, t)}
        </p>
      ) : null}
      <div className="field-row">
        <DueTimeField name="due_at" label={t("proposal.due")} value={due} onChange={setDue} error={errors.due_at} />
        <Choice
          label={t("proposal.owner")}
          name="owner"
          value={owner}
          options={(staff.data ?? []).map((s) => ({ id: s.id, label: s.name }))}
          onChange={setOwner}
          error={errors.owner_staff_id}
        />
      </div>
      <div className="proposal-actions">
        <Button className="button" onPress={onDone} data-testid="proposal-dismiss">
          {t("proposal.dismiss")}
        </Button>
        <Button
          className="button primary"
          isDisabled={create.isPending}
          data-testid="proposal-accept"
          onPress={() =>
            create.mutate(
              {
                customer_id: proposal.customer_id,
                interaction_id: proposal.interaction_id,
                owner_staff_id: owner,
                due_at: fromLocalInput(due) ?? proposal.due_at,
                promise,
                route,
                kind: null,
              },
              { onSuccess: onDone },
            )
          }
        >
          {acceptLabel ?? t("proposal.accept")}
        </Button>
      </div>
    </section>
  );
}
