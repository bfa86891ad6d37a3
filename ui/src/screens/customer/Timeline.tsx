import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState } from "react";
import { Button } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { useTimeline, type TimelineFilters } from "../../api/customers";
import { useTouchPoints } from "../../api/desk";
import type { ContactChannel, FollowUpEvent, InteractionEntry, TimelineEntry, TimelinePage } from "../../bindings";
import { Choice } from "../../components/Choice";
import { FeelingBadge } from "../../components/FeelingBadge";
import { absoluteTime, dayHeading, dayKey, duration, relativeTime, timeOfDay } from "../../format";
import { CHANNELS } from "./LogPanel";

type Row = { kind: "day"; key: string; heading: string } | { kind: "entry"; key: string; entry: TimelineEntry };

export function entryTime(e: TimelineEntry): string {
  return e.type === "interaction" ? e.at : e.at;
}

function entryKey(e: TimelineEntry): string {
  return e.type === "interaction" ? e.id : `${e.type}:${e.follow_up.id}`;
}

function toRows(entries: TimelineEntry[]): Row[] {
  const rows: Row[] = [];
  let current = "";
  for (const e of entries) {
    const day = dayKey(entryTime(e));
    if (day !== current) {
      current = day;
      rows.push({ kind: "day", key: `day:${day}`, heading: dayHeading(entryTime(e)) });
    }
    rows.push({ kind: "entry", key: entryKey(e), entry: e });
  }
  return rows;
}

const ALL = "__all__";

/** Everything that happened with this customer, newest first, grouped by day; filterable by
 * touch point and channel; virtualised so thousands of entries scroll smoothly. */
export function Timeline({
  customerId,
  firstPage,
  onAmend,
}: {
  customerId: string;
  firstPage: TimelinePage;
  onAmend: (entry: InteractionEntry) => void;
}) {
  const { t } = useTranslation();
  const touchPoints = useTouchPoints();
  const [filters, setFilters] = useState<TimelineFilters>({ touchPointId: null, channel: null });
  const timeline = useTimeline(customerId, filters, firstPage);
  const entries = useMemo(() => timeline.data?.pages.flatMap((p) => p.entries) ?? [], [timeline.data]);
  const rows = useMemo(() => toRows(entries), [entries]);
  const scroller = useRef<HTMLDivElement>(null);

  // The virtualiser manages its own measurements; React Compiler must leave it alone.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (rows[i]?.kind === "day" ? 40 : 92),
    overscan: 8,
    initialRect: { width: 640, height: 600 },
    getItemKey: (i) => rows[i]?.key ?? i,
  });
  const items = virtual.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = timeline;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - 10) void fetchNextPage();
  }, [lastIndex, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const filtered = filters.touchPointId !== null || filters.channel !== null;

  return (
    <section className="timeline card" aria-labelledby="timeline-title">
      <div className="card-title timeline-head">
        <h2 id="timeline-title">{t("timeline.title")}</h2>
        <div className="timeline-filters">
          <Choice
            label={t("timeline.touchPointFilter")}
            hideLabel
            name="timeline_touch_point"
            value={filters.touchPointId ?? ALL}
            options={[
              { id: ALL, label: t("timeline.allTouchPoints") },
              ...(touchPoints.data ?? []).map((tp) => ({ id: tp.id, label: tp.name })),
            ]}
            onChange={(v) => setFilters((f) => ({ ...f, touchPointId: v === ALL ? null : v }))}
            compact
          />
          <Choice
            label={t("timeline.channelFilter")}
            hideLabel
            name="timeline_channel"
            value={filters.channel ?? ALL}
            options={[
              { id: ALL, label: t("timeline.allChannels") },
              ...CHANNELS.map((c) => ({ id: c, label: t(`channel.${c}`) })),
            ]}
            onChange={(v) => setFilters((f) => ({ ...f, channel: v === ALL ? null : (v as ContactChannel) }))}
            compact
          />
        </div>
      </div>
      {rows.length === 0 && !timeline.isFetching ? (
        <p className="timeline-empty">{filtered ? t("timeline.noneFiltered") : t("timeline.empty")}</p>
      ) : (
        <div className="timeline-scroll" ref={scroller} data-testid="timeline">
          <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
            {items.map((item) => {
              const row = rows[item.index];
              if (!row) return null;
              return (
                <div
                  key={item.key}
                  data-index={item.index}
                  ref={virtual.measureElement}
                  className="timeline-row"
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  {row.kind === "day" ? (
                    <h3 className="day-heading">{row.heading}</h3>
                  ) : row.entry.type === "interaction" ? (
                    <InteractionItem entry={row.entry} onAmend={onAmend} />
                  ) : (
                    <FollowUpItem event={row.entry} closed={row.entry.type === "follow_up_closed"} />
                  )}
                </div>
              );
            })}
          </div>
          {isFetchingNextPage ? <p className="timeline-more">{t("timeline.loadingMore")}</p> : null}
        </div>
      )}
    </section>
  );
}

function InteractionItem({ entry: e, onAmend }: { entry: InteractionEntry; onAmend: (e: InteractionEntry) => void }) {
  const { t } = useTranslation();
  const v = e.current;
  const meta = [v.touch_point, t(`channel.${v.channel}`)];
  if (v.duration_secs !== null) meta.push(duration(v.duration_secs));
  const f = e.feedback;
  return (
    <article className="entry" data-testid="timeline-entry">
      <time className="entry-time" dateTime={e.at} title={absoluteTime(e.at)}>
        {timeOfDay(e.at)}
      </time>
      <div className="entry-body">
        <div className="entry-meta">
          <span className="entry-place">{meta.join(" · ")}</span>
          <span className="entry-staff">
            {t("timeline.with", { name: e.staff })}
            <Button className="link-button entry-action" onPress={() => onAmend(e)} data-testid="amend">
              {t("timeline.correct")}
            </Button>
          </span>
        </div>
        {v.reason ? <div className="entry-reason">{v.reason}</div> : null}
        {v.summary ? <p className="entry-summary">{v.summary}</p> : null}
        <div className="entry-tags">
          <span className={`outcome outcome-${v.outcome}`}>{t(`outcome.${v.outcome}`)}</span>
          {f?.feeling ? <FeelingBadge feeling={f.feeling} /> : null}
          {f?.csat != null ? <span className="score-chip">CSAT {f.csat}</span> : null}
          {f?.nps != null ? <span className="score-chip">NPS {f.nps}</span> : null}
          {f?.ces != null ? <span className="score-chip">CES {f.ces}</span> : null}
        </div>
        {f?.verbatim ? <blockquote className="verbatim">{t("timeline.said", { text: f.verbatim })}</blockquote> : null}
        {e.amendments.map((a) => (
          <div key={a.id} className="amendment" data-testid="amendment">
            <div className="amendment-head">
              {t("timeline.correctedBy", { name: a.staff, when: relativeTime(a.at) })}
              {a.note ? <span className="muted"> — {a.note}</span> : null}
            </div>
            <ul>
              {a.fields.map((field) => (
                <li key={field}>
                  <span className="field-name">{t(`amend.fields.${field}`)}:</span>{" "}
                  <span>{valueText(field, a.after, t)}</span>{" "}
                  <span className="was">{t("timeline.was", { value: valueText(field, a.before, t) })}</span>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </div>
    </article>
  );
}

function valueText(field: string, v: InteractionEntry["current"], t: (k: string) => string): string {
  switch (field) {
    case "touch_point":
      return v.touch_point;
    case "channel":
      return t(`channel.${v.channel}`);
    case "outcome":
      return t(`outcome.${v.outcome}`);
    case "duration_secs":
      return v.duration_secs === null ? "—" : duration(v.duration_secs);
    case "reason":
      return v.reason ?? "—";
    case "summary":
      return v.summary ?? "—";
    default:
      return "";
  }
}

function FollowUpItem({ event, closed }: { event: FollowUpEvent; closed: boolean }) {
  const { t } = useTranslation();
  const f = event.follow_up;
  return (
    <article className="entry follow-up-entry" data-testid="timeline-follow-up">
      <time className="entry-time" dateTime={event.at} title={absoluteTime(event.at)}>
        {timeOfDay(event.at)}
      </time>
      <div className="entry-body">
        <div className="entry-meta">
          <span className="entry-place">
            {closed ? t(`timeline.followUpClosed.${f.status}`) : t("timeline.followUpOpened")}
          </span>
          <span className="entry-staff">
            {closed ? t("timeline.by", { name: f.closed_by ?? "" }) : t("timeline.owner", { name: f.owner.name })}
          </span>
        </div>
        <div className="entry-reason">“{f.promise}”</div>
        {closed ? (
          <>
            {f.resolution ? <p className="entry-summary">{f.resolution}</p> : null}
            {f.feeling_after ? (
              <div className="entry-tags">
                <span className="muted">{t("timeline.feelsNow")}</span> <FeelingBadge feeling={f.feeling_after} />
              </div>
            ) : null}
          </>
        ) : (
          <div className="entry-tags">
            <span className={`due-chip due-${f.due_state}`} title={absoluteTime(f.due_at)}>
              {t(`due.${f.due_state}`, { when: relativeTime(f.due_at) })}
            </span>
          </div>
        )}
      </div>
    </article>
  );
}
