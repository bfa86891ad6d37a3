import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { format, subDays } from "date-fns";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { FeelingIcon } from "../../../src/components/FeelingIcon";
import { absoluteTime } from "../../../src/format";
import { HeatMap } from "../../../src/screens/insight/HeatMap";
import { ChartCard, EmptyChart, ScoreBars, ScoreTable, WeekLines } from "../../../src/screens/insight/InsightCharts";
import { InsightSummary } from "../../../src/screens/insight/InsightSummary";
import { countText, weekText } from "../../../src/screens/insight/figures";
import "../../../src/screens/insight/insight.css";
import { api } from "../api";
import type { Feeling, Group, OrgConversation, OrgInsight } from "../api-types";
import { LoadProblem, type Period, PeriodAndStore, useStores } from "./common";

const PAGE = 50;

/** What a click on a figure opens: the conversations behind it. */
type Drill = {
  title: string;
  storeId?: string;
  touchPointId?: string;
  staffId?: string;
  week?: string;
  feeling?: Feeling;
};

function day(d: Date): string {
  return format(d, "yyyy-MM-dd");
}

function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  return q.toString();
}

export function InsightPage() {
  const { t } = useTranslation("console");
  const stores = useStores();
  const [days, setDays] = useState<Period>(30);
  const [storeId, setStoreId] = useState<string>("");
  const [drill, setDrill] = useState<Drill | null>(null);
  const to = day(new Date());
  const from = day(subDays(new Date(), days - 1));
  const period = { from, to, store_id: storeId || undefined };
  const insight = useQuery({
    queryKey: ["insight", period],
    queryFn: () => api.get<OrgInsight>(`insight?${query(period)}`),
    placeholderData: (previous) => previous,
  });
  const data = insight.data;
  const storeLabel = storeId ? (stores.data?.find((s) => s.store_id === storeId)?.name ?? "") : t("insight.allStores");
  const caption = t("insight.caption", { store: storeLabel, days });
  const open = (d: Drill) => {
    setDrill(d);
    requestAnimationFrame(() => document.getElementById("drill-heading")?.focus());
  };
  const openLabel = (g: Group) => t("insight.openGroup", { name: g.label });
  const noScores = <EmptyChart title={t("insight.emptyTitle")} help={t("insight.emptyHelp")} />;
  // Stores side by side, touch points and people: bars and a table each, a row opens its
  // conversations.
  const groupCards: {
    id: string;
    title: string;
    groups: Group[];
    nameHeader: string;
    drill: (g: Group) => Drill;
    openTestId: string;
  }[] = data
    ? [
        {
          id: "stores",
          title: "insight.stores",
          groups: data.by_store,
          nameHeader: "insight.store",
          drill: (g) => ({ title: g.label, storeId: g.key }),
          openTestId: "open-store",
        },
        {
          id: "touch-points",
          title: "insight.touchPoints",
          groups: data.by_touch_point,
          nameHeader: "insight.touchPoint",
          drill: (g) => ({ title: g.label, touchPointId: g.key }),
          openTestId: "open-touch-point",
        },
        {
          id: "staff",
          title: "insight.people",
          groups: data.by_staff,
          nameHeader: "insight.person",
          drill: (g) => ({ title: g.label, staffId: g.key }),
          openTestId: "open-staff",
        },
      ]
    : [];

  return (
    <section className="console-page insight-page" aria-labelledby="insight-heading">
      <div className="console-page-head">
        <h1 id="insight-heading">{t("insight.heading")}</h1>
        <PeriodAndStore
          id="insight"
          days={days}
          storeId={storeId}
          onDays={(d) => {
            setDays(d);
            setDrill(null);
          }}
          onStore={(id) => {
            setStoreId(id);
            setDrill(null);
          }}
        />
      </div>
      <LoadProblem error={insight.error} />
      {data && (
        <div className="insight-body" aria-busy={insight.isFetching || undefined}>
          <InsightSummary scores={data.overall} caption={caption} />
          {drill && (
            <Conversations drill={drill} period={period} onClose={() => setDrill(null)} />
          )}
          <div className="insight-grid">
            {groupCards.map((c) => (
              <ChartCard
                key={c.id}
                id={`org-${c.id}`}
                testId={`chart-${c.id}`}
                title={t(c.title)}
                caption={caption}
                wide
                empty={c.groups.length === 0 ? noScores : undefined}
                figures={
                  <ScoreTable
                    groups={c.groups}
                    nameHeader={t(c.nameHeader)}
                    onOpen={(g) => open(c.drill(g))}
                    openLabel={openLabel}
                    testId={c.openTestId}
                  />
                }
              >
                <ScoreBars groups={c.groups} onOpen={(g) => open(c.drill(g))} />
              </ChartCard>
            ))}
            <ChartCard
              id="org-weeks"
              testId="chart-weeks"
              title={t("insight.weeks")}
              caption={caption}
              wide
              empty={data.by_week.length === 0 ? noScores : undefined}
              figures={
                <ScoreTable
                  groups={data.by_week.map((w) => ({ ...w, label: t("insight.weekOf", { date: weekText(w.key) }) }))}
                  nameHeader={t("insight.week")}
                  onOpen={(g) => open({ title: g.label, week: g.key })}
                  openLabel={openLabel}
                  testId="open-week"
                />
              }
            >
              <WeekLines
                weeks={data.by_week}
                onOpen={(g) => open({ title: t("insight.weekOf", { date: weekText(g.key) }), week: g.key })}
              />
            </ChartCard>
            <ChartCard
              id="org-heat-map"
              testId="chart-heat-map"
              title={t("insight.heatMap")}
              caption={caption}
              wide
              empty={data.heat_map.length === 0 ? noScores : undefined}
            >
              <HeatMap
                cells={data.heat_map}
                onOpen={(touchPointId, feeling) =>
                  open({
                    title: `${data.heat_map.find((c) => c.touch_point_id === touchPointId)?.touch_point ?? ""} · ${t(`feeling.${feeling}`, { ns: "translation" })}`,
                    touchPointId,
                    feeling,
                  })
                }
              />
            </ChartCard>
          </div>
        </div>
      )}
    </section>
  );
}

/** The conversations behind a figure, newest first, a page at a time. */
function Conversations({
  drill,
  period,
  onClose,
}: {
  drill: Drill;
  period: { from: string; to: string; store_id?: string };
  onClose: () => void;
}) {
  const { t } = useTranslation("console");
  const filter = {
    ...period,
    store_id: drill.storeId ?? period.store_id,
    touch_point_id: drill.touchPointId,
    staff_id: drill.staffId,
    week: drill.week,
    feeling: drill.feeling,
    limit: String(PAGE),
  };
  const list = useInfiniteQuery({
    queryKey: ["insight-conversations", filter],
    initialPageParam: null as OrgConversation | null,
    queryFn: ({ pageParam }) =>
      api.get<OrgConversation[]>(
        `insight/conversations?${query({
          ...filter,
          before: pageParam?.occurred_at,
          before_id: pageParam?.interaction_id,
        })}`,
      ),
    getNextPageParam: (last) => (last.length === PAGE ? (last[last.length - 1] ?? null) : null),
  });
  const rows = list.data?.pages.flat() ?? [];
  return (
    <section className="card console-drill" aria-labelledby="drill-heading" data-testid="drill">
      <header className="console-drill-head">
        <h2 id="drill-heading" tabIndex={-1}>
          {t("insight.behind", { what: drill.title })}
        </h2>
        <button type="button" className="button small" onClick={onClose} data-testid="drill-close">
          {t("insight.close")}
        </button>
      </header>
      <LoadProblem error={list.error} />
      {list.isSuccess && rows.length === 0 && <p className="muted">{t("insight.noConversations")}</p>}
      {rows.length > 0 && (
        <table className="table console-table" data-testid="drill-rows">
          <thead>
            <tr>
              <th scope="col">{t("insight.when")}</th>
              <th scope="col">{t("insight.store")}</th>
              <th scope="col">{t("insight.person")}</th>
              <th scope="col">{t("insight.touchPoint")}</th>
              <th scope="col">{t("insight.reason")}</th>
              <th scope="col">{t("insight.outcome")}</th>
              <th scope="col">{t("insight.feeling")}</th>
              <th scope="col" className="num">
                NPS
              </th>
              <th scope="col" className="num">
                CSAT
              </th>
              <th scope="col" className="num">
                CES
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.interaction_id} data-conversation={c.interaction_id}>
                <td>
                  <time dateTime={c.occurred_at}>{absoluteTime(c.occurred_at)}</time>
                </td>
                <td>{c.store}</td>
                <td>{c.staff}</td>
                <td>{c.touch_point}</td>
                <td>{c.reason || <span className="muted">{t("insight.noReason")}</span>}</td>
                <td>{t(`outcome.${c.outcome}`, { ns: "translation" })}</td>
                <td>
                  {c.feeling ? (
                    <span className={`console-feeling feeling-${c.feeling}`}>
                      <FeelingIcon feeling={c.feeling} size={16} />
                      {t(`feeling.${c.feeling}`, { ns: "translation" })}
                    </span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td className="num">{c.nps ?? "—"}</td>
                <td className="num">{c.csat ?? "—"}</td>
                <td className="num">{c.ces ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.hasNextPage && (
        <button
          type="button"
          className="button"
          onClick={() => void list.fetchNextPage()}
          disabled={list.isFetchingNextPage}
          data-testid="drill-more"
        >
          {t("insight.more")}
        </button>
      )}
      {rows.length > 0 && (
        <p className="muted small" data-testid="drill-count">
          {t("insight.shown", { count: rows.length, value: countText(rows.length) })}
        </p>
      )}
    </section>
  );
}
