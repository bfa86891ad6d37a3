import { addDays, startOfDay, subDays } from "date-fns";
import { useMemo, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { errorMessage } from "../../api/commands";
import { useLoopMetrics } from "../../api/followUps";
import type { LoopMetrics } from "../../bindings";
import { Choice } from "../../components/Choice";
import { FeelingIcon } from "../../components/FeelingIcon";
import { FEELINGS } from "../../components/FeelingScale";
import { intlLocale } from "../../i18n";

export type LoopPeriod = "7" | "30" | "90";
const LOOP_PERIODS: LoopPeriod[] = ["7", "30", "90"];

/** The last `days` local days, today included; the end is the start of tomorrow, so the query
 * key stays the same all day. */
export function lastDays(days: number, now: Date = new Date()): { from: string; to: string } {
  return {
    from: startOfDay(subDays(now, days - 1)).toISOString(),
    to: startOfDay(addDays(now, 1)).toISOString(),
  };
}

type T = (key: string, options?: Record<string, unknown>) => string;

function number(value: number, fractionDigits = 0): string {
  return new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: fractionDigits }).format(value);
}

/** "under an hour", "30 hours", "2.5 days". */
export function recoveryTime(hours: number | null, t: T): string {
  if (hours === null) return t("loop.medianNone");
  if (hours < 1) return t("loop.underAnHour");
  if (hours < 48) {
    const h = Math.round(hours);
    return t("loop.hours", { count: h, value: number(h) });
  }
  const days = Math.round((hours / 24) * 10) / 10;
  return t("loop.days", { count: days, value: number(days, 1) });
}

function percentText(percent: number): string {
  return new Intl.NumberFormat(intlLocale(), { style: "percent", maximumFractionDigits: 0 }).format(percent / 100);
}

/** "9 of 12 unhappy customers followed up within 48 h (75%)". */
export function withinSlaSentence(m: LoopMetrics, t: T): string {
  if (m.unhappy === 0) return t("loop.noUnhappy");
  const percent = m.within_sla_percent === null ? null : percentText(m.within_sla_percent);
  const values = { count: m.unhappy, within: m.within_sla, hours: m.sla_hours };
  return percent === null ? t("loop.withinSlaNoPercent", values) : t("loop.withinSla", { ...values, percent });
}

/** How well the loop closed over the last 7, 30 or 90 days: unhappy customers followed up in
 * time, how long recovery took, how they felt after, and what is overdue now. The period is
 * the caller's (the board exports it); `action` sits after it in the heading. */
export function LoopFigures({
  period,
  onPeriodChange,
  action,
}: {
  period: LoopPeriod;
  onPeriodChange: (period: LoopPeriod) => void;
  action?: ReactNode;
}) {
  const { t } = useTranslation();
  const { from, to } = useMemo(() => lastDays(Number(period)), [period]);
  const loop = useLoopMetrics(from, to, true);

  return (
    <section className="card loop" aria-labelledby="loop-title" data-testid="loop-metrics">
      <div className="card-title loop-head">
        <h2 id="loop-title">{t("loop.title")}</h2>
        <div className="loop-actions">
          <Choice<LoopPeriod>
            label={t("loop.period")}
            hideLabel
            compact
            name="loop_period"
            value={period}
            options={LOOP_PERIODS.map((p) => ({ id: p, label: t(`loop.periods.${p}`) }))}
            onChange={onPeriodChange}
          />
          {action}
        </div>
      </div>
      {loop.data ? (
        <LoopBody m={loop.data} />
      ) : loop.isError ? (
        <p className="field-error loop-message" role="alert">
          {t("loop.loadFailed", { message: errorMessage(loop.error) })}
        </p>
      ) : (
        <p className="muted loop-message">{t("loop.loading")}</p>
      )}
    </section>
  );
}

/** The figures of one period (the console shows an organisation's or a store's the same way). */
export function LoopBody({ m }: { m: LoopMetrics }) {
  const { t } = useTranslation();
  const counts = new Map(m.feeling_after.map((f) => [f.feeling, f.count]));
  const most = Math.max(1, ...m.feeling_after.map((f) => f.count));
  const percent = m.within_sla_percent === null ? "—" : percentText(m.within_sla_percent);

  return (
    <div className="loop-grid">
      <div className="loop-figure" data-testid="loop-within-sla">
        <span className="loop-big" aria-hidden="true">
          {percent}
        </span>
        <p className="loop-sentence">{withinSlaSentence(m, t)}</p>
        {m.unhappy > 0 ? (
          <p className="muted small">{t("loop.followedUpAtAll", { count: m.followed_up })}</p>
        ) : null}
      </div>
      <div className="loop-figure" data-testid="loop-median">
        <span className="loop-label">{t("loop.median")}</span>
        <span className="loop-value">{recoveryTime(m.median_hours_to_recover, t)}</span>
        <p className="muted small">{t("loop.medianHelp")}</p>
      </div>
      <div className="loop-figure" data-testid="loop-feelings">
        <span className="loop-label">{t("loop.feelingAfter")}</span>
        <ul className="loop-feelings">
          {FEELINGS.map((f) => {
            const count = counts.get(f) ?? 0;
            return (
              <li key={f} className={`loop-feeling feeling-${f}`} data-feeling={f}>
                <FeelingIcon feeling={f} size={16} />
                <span className="loop-feeling-word">{t(`feeling.${f}`)}</span>
                <span className="loop-bar" aria-hidden="true">
                  <span style={{ width: `${(count / most) * 100}%` }} />
                </span>
                <span className="loop-count">{count}</span>
              </li>
            );
          })}
        </ul>
      </div>
      <div className="loop-figure" data-testid="loop-overdue" data-overdue={m.overdue_now > 0 || undefined}>
        <span className="loop-label">{t("loop.overdueNow")}</span>
        <span className="loop-value loop-overdue">
          {m.overdue_now > 0 ? t("loop.overdueCount", { count: m.overdue_now }) : t("loop.noneOverdue")}
        </span>
      </div>
    </div>
  );
}
