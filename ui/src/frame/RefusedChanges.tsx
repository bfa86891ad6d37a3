import { Button } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { errorMessage } from "../api/commands";
import { useDismissRejected, useRejectedChanges } from "../api/sync";
import type { RejectedChange } from "../bindings";
import { absoluteTime, relativeTime } from "../format";
import { useNavigation } from "../navigation";

/** Changes the server refused: what it was, who it was about, why, and what to do. */
export function RefusedChanges({ count, onOpenCustomer }: { count: number; onOpenCustomer: () => void }) {
  const { t } = useTranslation();
  const refused = useRejectedChanges(count, count > 0);
  const dismiss = useDismissRejected();
  return (
    <section className="refused" aria-labelledby="refused-title">
      <h3 id="refused-title" className="refused-title">
        {t("sync.refusedTitle")}
      </h3>
      <p className="muted small">{t("sync.refusedHelp")}</p>
      {refused.isPending ? <p className="muted small">{t("sync.loadingRefused")}</p> : null}
      {refused.isError ? <p className="field-error">{errorMessage(refused.error)}</p> : null}
      <ul className="refused-list">
        {(refused.data ?? []).map((r) => (
          <Refused
            key={r.op_id}
            change={r}
            onOpenCustomer={onOpenCustomer}
            onDismiss={() => dismiss.mutate(r.op_id)}
            dismissing={dismiss.isPending && dismiss.variables === r.op_id}
          />
        ))}
      </ul>
      {dismiss.isError ? <p className="field-error">{errorMessage(dismiss.error)}</p> : null}
    </section>
  );
}

function Refused({
  change: r,
  onOpenCustomer,
  onDismiss,
  dismissing,
}: {
  change: RejectedChange;
  onOpenCustomer: () => void;
  onDismiss: () => void;
  dismissing: boolean;
}) {
  const { t } = useTranslation();
  const nav = useNavigation();
  const customerId = r.customer_id;
  return (
    <li className="refused-item" data-testid="refused-change">
      <div className="refused-head">
        <strong>{r.what}</strong>
        {customerId && r.customer_name ? (
          <>
            <span className="sep">·</span>
            <Button
              className="link-button"
              onPress={() => {
                onOpenCustomer();
                nav.go({ name: "customer", id: customerId });
              }}
            >
              {r.customer_name}
            </Button>
          </>
        ) : null}
        <span className="muted small refused-when" title={absoluteTime(r.made_at)}>
          {t("sync.madeAt", { when: relativeTime(r.made_at) })}
        </span>
      </div>
      <p>{t("sync.refusedWhy", { reason: r.reason })}</p>
      <p className="muted">{r.advice}</p>
      <Button className="button small" onPress={onDismiss} isDisabled={dismissing} data-testid="dismiss-refused">
        {t("sync.dismiss")}
      </Button>
    </li>
  );
}
