import { Button } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { errorMessage } from "../../api/commands";
import { useAtRiskCustomers, useExportAtRisk } from "../../api/insight";
import type { AtRiskCustomer } from "../../bindings";
import { ExportButton } from "../../components/ExportButton";
import { riskText } from "../../components/RiskBadge";
import { absoluteTime, relativeTime } from "../../format";
import { useNavigation } from "../../navigation";

/** Customers someone should act on (supervisors), each with why in words and whether a
 * follow-up already covers them; the list can be exported as a CSV. */
export function AtRiskPanel() {
  const { t } = useTranslation();
  const atRisk = useAtRiskCustomers(true);
  const exporter = useExportAtRisk();
  const customers = atRisk.data ?? [];

  return (
    <section className="card at-risk" aria-labelledby="at-risk-title" data-testid="at-risk-list">
      <div className="card-title">
        <h2 id="at-risk-title">
          {t("atRisk.title")}
          {atRisk.isSuccess && customers.length > 0 ? <span className="at-risk-count">{customers.length}</span> : null}
        </h2>
        {customers.length > 0 ? (
          <ExportButton
            exporter={exporter}
            variables={undefined}
            failed={(message) => t("atRisk.exportFailed", { message })}
            testId="at-risk-export"
            link
          />
        ) : null}
      </div>
      {atRisk.isError ? (
        <p className="field-error at-risk-message" role="alert">
          {t("atRisk.loadFailed", { message: errorMessage(atRisk.error) })}
        </p>
      ) : atRisk.isSuccess && customers.length === 0 ? (
        <p className="muted at-risk-message" data-testid="at-risk-empty">
          {t("atRisk.none")}
        </p>
      ) : (
        <ul className="at-risk-list">
          {customers.map((c) => (
            <AtRiskRow key={c.customer_id} customer={c} />
          ))}
        </ul>
      )}
    </section>
  );
}

function AtRiskRow({ customer: c }: { customer: AtRiskCustomer }) {
  const { t } = useTranslation();
  const nav = useNavigation();
  return (
    <li className="at-risk-item" data-testid="at-risk-item">
      <div className="at-risk-head">
        <Button className="link-button at-risk-name" onPress={() => nav.go({ name: "customer", id: c.customer_id })}>
          {c.name}
        </Button>
        {c.last_seen_at ? (
          <span className="muted small" title={absoluteTime(c.last_seen_at)}>
            {t("atRisk.lastSeen", { when: relativeTime(c.last_seen_at) })}
          </span>
        ) : null}
      </div>
      <ul className="at-risk-reasons">
        {c.reasons.map((r) => (
          <li key={r.kind}>{riskText(r, t)}</li>
        ))}
      </ul>
      {c.open_follow_up ? (
        <p className="at-risk-follow-up small" data-testid="at-risk-follow-up">
          <span className="open-label">{t("customer.open")}</span> “{c.open_follow_up}”
          {c.open_follow_up_due ? (
            <>
              <span className="sep">·</span>
              <span title={absoluteTime(c.open_follow_up_due)}>
                {t("atRisk.due", { when: relativeTime(c.open_follow_up_due) })}
              </span>
            </>
          ) : null}
        </p>
      ) : (
        <p className="at-risk-follow-up none small" data-testid="at-risk-follow-up">
          {t("atRisk.noFollowUp")}
        </p>
      )}
    </li>
  );
}
