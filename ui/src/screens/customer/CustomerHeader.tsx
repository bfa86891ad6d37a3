import { Button } from "react-aria-components";

import { errorMessage } from "../../api/commands";
import { useExportCustomer } from "../../api/customers";
import { useTranslation } from "react-i18next";

import type { CustomerPage, DatedScore, FollowUp } from "../../bindings";
import { FeelingBadge } from "../../components/FeelingBadge";
import { FeelingTrend } from "./FeelingTrend";
import { RiskBadge } from "../../components/RiskBadge";
import { initials } from "../../components/initials";
import { absoluteTime, relativeTime, shortDate } from "../../format";
import { CustomerMoreMenu } from "./CustomerMoreMenu";
import { MergedRecords } from "./MergedRecords";
import { PossibleDuplicates } from "./PossibleDuplicates";

/** Who is this, what happened last time, is anything open, how did they feel — one glance. */
export function CustomerHeader({
  page,
  onEdit,
  onCompleteFollowUp,
}: {
  page: CustomerPage;
  onEdit: () => void;
  onCompleteFollowUp: (f: FollowUp) => void;
}) {
  const { t } = useTranslation();
  const exporter = useExportCustomer();
  const { customer: c, summary: s } = page;
  const contact = [...c.phones.map((p) => p.display), ...c.emails];
  if (c.loyalty_id) contact.push(t("customer.loyalty", { id: c.loyalty_id }));
  const consents = [
    c.consent.marketing_email && t("consent.marketing_email"),
    c.consent.marketing_sms && t("consent.marketing_sms"),
    c.consent.feedback_requests && t("consent.feedback_requests"),
  ].filter(Boolean);

  return (
    <header className="customer-head">
      <span className="avatar large" aria-hidden="true">
        {initials(c.name)}
      </span>
      <div className="customer-id">
        <div className="name-row">
          <h1 id="customer-name" data-testid="customer-name">
            {c.name}
          </h1>
          {c.language ? <span className="chip" title={t("customer.language")}>{c.language}</span> : null}
          {c.tags.map((tag) => (
            <span key={tag} className="chip tag">
              {tag}
            </span>
          ))}
          <Button className="link-button edit-profile" onPress={onEdit} data-testid="edit-profile">
            {t("customer.edit")}
          </Button>
          <Button className="link-button" onPress={() => exporter.mutate(c.id)} data-testid="export-record">
            {t("customer.export")}
          </Button>
          <CustomerMoreMenu customer={c} />
          {exporter.isSuccess ? (
            <span className="muted small" role="status" data-testid="export-done">
              {t("customer.exported", { path: exporter.data.path, kb: Math.max(1, Math.round(exporter.data.bytes / 1024)) })}
            </span>
          ) : exporter.isError ? (
            <span className="field-error" role="alert">
              {errorMessage(exporter.error)}
            </span>
          ) : null}
        </div>
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
          {consents.length > 0 ? (
            <>
              <span className="sep">·</span>
              <span className="muted">{t("customer.consents", { list: consents.join(", ") })}</span>
            </>
          ) : null}
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
                  <FeelingBadge feeling={s.last_feeling.feeling} />
                  <When at={s.last_feeling.at} lastVisit={s.last_visit.at} />
                </>
              ) : null}
              {s.latest_nps !== null ? <Score label="NPS" score={s.latest_nps} lastVisit={s.last_visit.at} /> : null}
              {s.latest_csat !== null ? <Score label="CSAT" score={s.latest_csat} lastVisit={s.last_visit.at} /> : null}
              {s.latest_ces !== null ? <Score label="CES" score={s.latest_ces} lastVisit={s.last_visit.at} /> : null}
              {s.feelings.length >= 2 ? (
                <>
                  <span className="sep">·</span>
                  <FeelingTrend points={s.feelings} trend={s.trend} />
                </>
              ) : null}
            </>
          ) : (
            <span className="muted">{t("customer.firstVisit")}</span>
          )}
        </p>
        {s.open_follow_ups.length > 0 ? (
          <ul className="open-follow-ups" data-testid="open-follow-ups">
            {s.open_follow_ups.map((f) => (
              <li key={f.id} className={`due-${f.due_state}`}>
                <span className="open-label">{t("customer.open")}</span>
                <span className="promise">“{f.promise}”</span>
                <span className="due" title={absoluteTime(f.due_at)}>
                  {t(`due.${f.due_state}`, { when: relativeTime(f.due_at) })}
                </span>
                <span className="muted">({f.owner.name})</span>
                <Button className="link-button" onPress={() => onCompleteFollowUp(f)}>
                  {t("followUps.complete")}
                </Button>
              </li>
            ))}
          </ul>
        ) : null}
        <MergedRecords page={page} />
        <PossibleDuplicates customerId={c.id} />
      </div>
      <div className="head-side">
        <RiskBadge reasons={s.risk} recovered={s.recovered} />
        <div className="visit-count">
          <strong>{s.visits}</strong>
          <span>{t("customer.visitsLabel", { count: s.visits })}</span>
        </div>
      </div>
    </header>
  );
}

/** A score is the latest of its kind, which may be from an earlier visit than the last one:
 * then it says when ("NPS 4 on 12 Nov"). */
function Score({ label, score, lastVisit }: { label: string; score: DatedScore; lastVisit: string }) {
  return (
    <>
      <span className="sep">·</span>
      <span className="score" data-testid={`score-${label.toLowerCase()}`}>
        {label} {score.value}
        <When at={score.at} lastVisit={lastVisit} />
      </span>
    </>
  );
}

function When({ at, lastVisit }: { at: string; lastVisit: string }) {
  const { t } = useTranslation();
  if (new Date(at).getTime() === new Date(lastVisit).getTime()) return null;
  return (
    <span className="muted score-when" title={absoluteTime(at)}>
      {" "}
      {t("customer.scoreOn", { date: shortDate(at) })}
    </span>
  );
}
