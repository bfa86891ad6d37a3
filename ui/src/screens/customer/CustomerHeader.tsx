import { useTranslation } from "react-i18next";

import type { CustomerPage } from "../../bindings";
import { FeelingBadge } from "../../components/FeelingBadge";
import { initials } from "../../components/SearchBox";
import { absoluteTime, relativeTime } from "../../format";

/** Who is this, what happened last time, how did they feel — in one glance. */
export function CustomerHeader({ page }: { page: CustomerPage }) {
  const { t } = useTranslation();
  const { customer: c, summary: s } = page;
  const contact = [...c.phones.map((p) => p.display), ...c.emails];
  if (c.loyalty_id) contact.push(`Loyalty ${c.loyalty_id}`);

  return (
    <header className="customer-head">
      <span className="avatar large" aria-hidden="true">
        {initials(c.name)}
      </span>
      <div className="customer-id">
        <h1 id="customer-name" data-testid="customer-name">
          {c.name}
        </h1>
        <p className="contact-line">
          {contact.length > 0 ? (
            contact.map((item, i) => (
              <span key={item}>
                {i > 0 ? <span className="sep">·</span> : null}
                {item}
              </span>
            ))
          ) : (
            <span className="muted">{t("customer.contactNone")}</span>
          )}
        </p>
        <p className="summary-line" data-testid="customer-summary">
          {s.last_visit ? (
            <>
              <span title={absoluteTime(s.last_visit.at)}>
                {t("customer.lastVisit", { when: relativeTime(s.last_visit.at) })}
              </span>
              <span className="sep">·</span>
              <span>{s.last_visit.touch_point}</span>
              <span className="sep">·</span>
              <span>{t("customer.with", { name: s.last_visit.staff })}</span>
              {s.last_feeling ? (
                <>
                  <span className="sep">·</span>
                  <FeelingBadge feeling={s.last_feeling} />
                </>
              ) : null}
              {s.latest_csat !== null ? (
                <>
                  <span className="sep">·</span>
                  <span className="score">{t("customer.latestCsat", { value: s.latest_csat })}</span>
                </>
              ) : null}
              {s.latest_nps !== null ? (
                <>
                  <span className="sep">·</span>
                  <span className="score">{t("customer.latestNps", { value: s.latest_nps })}</span>
                </>
              ) : null}
            </>
          ) : (
            <span className="muted">{t("customer.firstVisit")}</span>
          )}
        </p>
      </div>
      <div className="visit-count">
        <strong>{s.visits}</strong>
        <span>{t("customer.visitsLabel", { count: s.visits })}</span>
      </div>
    </header>
  );
}
