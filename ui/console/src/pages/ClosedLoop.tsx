import { useQuery } from "@tanstack/react-query";
import { format, subDays } from "date-fns";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import type { LoopMetrics } from "../../../src/bindings";
import { riskText } from "../../../src/components/RiskBadge";
import { FEELINGS } from "../../../src/components/FeelingScale";
import { LoopBody, recoveryTime } from "../../../src/screens/follow-ups/LoopFigures";
import "../../../src/screens/follow-ups/follow-ups.css";
import { api } from "../api";
import type { LoopFigures, OrgAtRiskCustomer, OrgClosedLoop } from "../api-types";
import { LoadProblem, type Period, PeriodAndStore, When } from "./common";

function day(d: Date): string {
  return format(d, "yyyy-MM-dd");
}

/** The organisation's figures in the form the desk's loop card reads. */
function asMetrics(f: LoopFigures, loop: OrgClosedLoop): LoopMetrics {
  return {
    from: loop.from,
    to: loop.to,
    unhappy: f.unhappy,
    followed_up: f.followed_up,
    within_sla: f.within_sla,
    within_sla_percent: f.within_sla_percent,
    median_hours_to_recover: f.median_hours_to_recover,
    feeling_after: FEELINGS.map((feeling, i) => ({ feeling, count: f.feelings_after[i] ?? 0 })).filter((c) => c.count > 0),
    overdue_now: f.overdue_now,
    sla_hours: loop.sla_hours,
  };
}

/** The closed loop store by store, and the customers someone should act on now. */
export function ClosedLoopPage() {
  const { t } = useTranslation("console");
  const desk = useTranslation().t;
  const [days, setDays] = useState<Period>(30);
  const [storeId, setStoreId] = useState("");
  const to = day(new Date());
  const from = day(subDays(new Date(), days - 1));
  const q = new URLSearchParams({ from, to });
  if (storeId) q.set("store_id", storeId);
  const loop = useQuery({
    queryKey: ["closed-loop", from, to, storeId],
    queryFn: () => api.get<OrgClosedLoop>(`insight/closed-loop?${q.toString()}`),
    placeholderData: (previous) => previous,
  });
  const risk = useQuery({
    queryKey: ["at-risk", storeId],
    queryFn: () => api.get<OrgAtRiskCustomer[]>(`insight/at-risk${storeId ? `?store_id=${storeId}` : ""}`),
  });
  const data = loop.data;
  const percent = (p: number | null) => (p === null ? "—" : `${p}%`);

  return (
    <section className="console-page" aria-labelledby="loop-heading">
      <div className="console-page-head">
        <h1 id="loop-heading">{t("loop.heading")}</h1>
        <PeriodAndStore id="loop" days={days} storeId={storeId} onDays={setDays} onStore={setStoreId} />
      </div>
      <LoadProblem error={loop.error} />
      {data && (
        <div className="card console-card" aria-busy={loop.isFetching || undefined} data-testid="loop-overall">
          <LoopBody m={asMetrics(data.overall, data)} />
        </div>
      )}
      {data && !storeId && (
        <div className="card console-card">
          <h2>{t("loop.byStore")}</h2>
          {data.by_store.length === 0 ? (
            <p className="muted">{t("loop.noStores")}</p>
          ) : (
            <table className="table console-table" data-testid="loop-stores">
              <caption className="visually-hidden">{t("loop.byStoreCaption", { days })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("insight.store")}</th>
                  <th scope="col" className="num">
                    {t("loop.unhappy")}
                  </th>
                  <th scope="col" className="num">
                    {t("loop.followedUp")}
                  </th>
                  <th scope="col" className="num">
                    {t("loop.withinSla", { hours: data.sla_hours })}
                  </th>
                  <th scope="col">{t("loop.median")}</th>
                  <th scope="col" className="num">
                    {t("loop.overdue")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.by_store.map((s) => (
                  <tr key={s.store_id} data-store={s.store_id}>
                    <td>
                      <button
                        type="button"
                        className="link-button"
                        onClick={() => setStoreId(s.store_id)}
                        aria-label={t("loop.openStore", { name: s.store })}
                      >
                        {s.store}
                      </button>
                    </td>
                    <td className="num">{s.figures.unhappy}</td>
                    <td className="num">{s.figures.followed_up}</td>
                    <td className="num">
                      {s.figures.within_sla} ({percent(s.figures.within_sla_percent)})
                    </td>
                    <td>{recoveryTime(s.figures.median_hours_to_recover, desk)}</td>
                    <td className={`num${s.figures.overdue_now > 0 ? " console-warn" : ""}`}>{s.figures.overdue_now}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      <div className="card console-card">
        <h2 id="at-risk-heading">{t("loop.atRisk")}</h2>
        <p className="muted small">{t("loop.atRiskHelp")}</p>
        <LoadProblem error={risk.error} />
        {risk.data && risk.data.length === 0 && <p className="muted">{desk("atRisk.none")}</p>}
        {risk.data && risk.data.length > 0 && (
          <table className="table console-table" aria-labelledby="at-risk-heading" data-testid="at-risk">
            <thead>
              <tr>
                <th scope="col">{t("loop.customer")}</th>
                <th scope="col">{t("loop.homeStore")}</th>
                <th scope="col">{t("loop.why")}</th>
                <th scope="col">{t("loop.openFollowUp")}</th>
                <th scope="col">{t("loop.lastSeen")}</th>
              </tr>
            </thead>
            <tbody>
              {risk.data.map((c) => (
                <tr key={c.customer_id} data-customer={c.customer_id}>
                  <td>
                    <strong>{c.name || <span className="muted">{t("loop.noName")}</span>}</strong>
                    {c.refused.length > 0 && (
                      <span className="console-badge warn" data-testid="do-not-contact">
                        {t("loop.refused", {
                          channels: c.refused.map((r) => t(`loop.route.${r}`)).join(", "),
                        })}
                      </span>
                    )}
                  </td>
                  <td>{c.home_store ?? "—"}</td>
                  <td>
                    <ul className="console-reasons">
                      {c.reasons.map((r) => (
                        <li key={r.kind}>{riskText(r, desk)}</li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    {c.open_follow_up ? (
                      <>
                        {c.open_follow_up}
                        {c.open_follow_up_due && (
                          <span className="muted small">
                            {" · "}
                            <When iso={c.open_follow_up_due} />
                          </span>
                        )}
                      </>
                    ) : (
                      <span className="muted">{desk("atRisk.noFollowUp")}</span>
                    )}
                  </td>
                  <td>
                    <When iso={c.last_seen_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {risk.data && risk.data.length > 0 && (
          <p className="muted small" data-testid="at-risk-count">
            {t("loop.atRiskCount", { count: risk.data.length })}
          </p>
        )}
      </div>
    </section>
  );
}
