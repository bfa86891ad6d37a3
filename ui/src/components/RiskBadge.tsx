import { useTranslation } from "react-i18next";

import type { Recovery, RiskReason } from "../bindings";
import { relativeTime, shortDate } from "../format";

export function riskText(r: RiskReason, t: (k: string, o?: Record<string, unknown>) => string): string {
  switch (r.kind) {
    case "unhappy_visits":
      return t("risk.unhappyVisits", { count: r.count, days: r.days });
    case "follow_up_overdue":
      return t("risk.followUpOverdue", { promise: r.promise, when: relativeTime(r.due_at) });
    case "detractor":
      return t("risk.detractor", { nps: r.nps, date: shortDate(r.at) });
    case "last_visit_unresolved":
      return t("risk.unresolved", { outcome: t(`outcome.${r.outcome}`).toLowerCase() });
  }
}

/** "At risk" with every reason spelled out; a reason that cleared because the visits since
 * went well is said too ("No longer at risk: 2 good visits since …"), so nobody wonders
 * where the warning went. */
export function RiskBadge({ reasons, recovered = [] }: { reasons: RiskReason[]; recovered?: Recovery[] }) {
  const { t } = useTranslation();
  if (reasons.length === 0 && recovered.length > 0) {
    return (
      <div className="risk-badge recovered" role="note" data-testid="risk-recovered">
        <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
          <path d="m4.5 10.5 3.5 3.5 7.5-8" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        <div>
          <strong>{t("risk.recoveredTitle")}</strong>
          <ul>
            {recovered.map((r) => (
              <li key={r.was.kind}>
                {t("risk.recovered", { count: r.good_visits, was: riskText(r.was, t), date: shortDate(r.last_good_at) })}
              </li>
            ))}
          </ul>
        </div>
      </div>
    );
  }
  if (reasons.length === 0) return null;
  return (
    <div className="risk-badge" role="note" data-testid="risk-badge">
      <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
        <path d="M10 2.5 18 17H2z" fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinejoin="round" />
        <path d="M10 8v4M10 14.2v.3" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
      </svg>
      <div>
        <strong>{t("risk.title")}</strong>
        <ul>
          {reasons.map((r) => (
            <li key={r.kind}>{riskText(r, t)}</li>
          ))}
        </ul>
      </div>
    </div>
  );
}
