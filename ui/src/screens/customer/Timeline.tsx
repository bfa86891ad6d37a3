import { useTranslation } from "react-i18next";

import type { InteractionEntry, TimelineEntry } from "../../bindings";
import { FeelingBadge } from "../../components/FeelingBadge";
import { absoluteTime, dayHeading, dayKey, duration, timeOfDay } from "../../format";

type Day = { key: string; heading: string; entries: TimelineEntry[] };

function byDay(entries: TimelineEntry[]): Day[] {
  const days: Day[] = [];
  for (const entry of entries) {
    const key = dayKey(entry.occurred_at);
    const last = days[days.length - 1];
    if (last && last.key === key) last.entries.push(entry);
    else days.push({ key, heading: dayHeading(entry.occurred_at), entries: [entry] });
  }
  return days;
}

/** Everything that happened with this customer, newest first, grouped by day. */
export function Timeline({ entries }: { entries: TimelineEntry[] }) {
  const { t } = useTranslation();
  return (
    <section className="timeline card" aria-labelledby="timeline-title">
      <h2 id="timeline-title" className="card-title">
        {t("timeline.title")}
      </h2>
      {entries.length === 0 ? (
        <p className="timeline-empty">{t("timeline.empty")}</p>
      ) : (
        <ol className="timeline-days" data-testid="timeline">
          {byDay(entries).map((day) => (
            <li key={day.key} className="timeline-day">
              <h3 className="day-heading">{day.heading}</h3>
              <ol className="timeline-entries">
                {day.entries.map((e) => (
                  <li key={e.id}>
                    <InteractionItem entry={e} />
                  </li>
                ))}
              </ol>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function InteractionItem({ entry: e }: { entry: InteractionEntry }) {
  const { t } = useTranslation();
  const meta = [e.touch_point, t(`channel.${e.channel}`)];
  if (e.duration_secs !== null) meta.push(duration(e.duration_secs));
  const f = e.feedback;
  return (
    <article className="entry" data-testid="timeline-entry">
      <time className="entry-time" dateTime={e.occurred_at} title={absoluteTime(e.occurred_at)}>
        {timeOfDay(e.occurred_at)}
      </time>
      <div className="entry-body">
        <div className="entry-meta">
          <span className="entry-place">{meta.join(" · ")}</span>
          <span className="entry-staff">{t("timeline.with", { name: e.staff })}</span>
        </div>
        {e.reason ? <div className="entry-reason">{e.reason}</div> : null}
        {e.summary ? <p className="entry-summary">{e.summary}</p> : null}
        <div className="entry-tags">
          <span className={`outcome outcome-${e.outcome}`}>{t(`outcome.${e.outcome}`)}</span>
          {f?.feeling ? <FeelingBadge feeling={f.feeling} /> : null}
          {f?.csat != null ? <span className="score-chip">CSAT {f.csat}</span> : null}
          {f?.nps != null ? <span className="score-chip">NPS {f.nps}</span> : null}
          {f?.ces != null ? <span className="score-chip">CES {f.ces}</span> : null}
        </div>
        {f?.verbatim ? <blockquote className="verbatim">{t("timeline.said", { text: f.verbatim })}</blockquote> : null}
      </div>
    </article>
  );
}
