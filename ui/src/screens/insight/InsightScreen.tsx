import { subDays } from "date-fns";
import { useMemo, useState, type ReactNode } from "react";
import { Button } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { canReview } from "../../actions";
import { errorMessage } from "../../api/commands";
import { useDeskInfo, useStaff, useStores, useTouchPoints } from "../../api/desk";
import { useExportInsight, useInsight } from "../../api/insight";
import type { Dashboard, Group, Outcome } from "../../bindings";
import { Choice } from "../../components/Choice";
import { ChosenDates } from "../../components/ChosenDates";
import { ExportButton } from "../../components/ExportButton";
import { OUTCOMES } from "../../components/FormParts";
import { dateRange } from "../../format";
import { useNavigation } from "../../navigation";
import { choosePeriod } from "../review/queueFilter";
import { countText, weekText, withFeeling } from "./figures";
import { HeatMap } from "./HeatMap";
import { ChartCard, CountBars, EmptyChart, ScoreBars, ScoreTable, WeekLines, type CountRow } from "./InsightCharts";
import {
  DEFAULT_INSIGHT,
  INSIGHT_PERIODS,
  insightRange,
  reviewPresetFor,
  toInsightFilter,
  type Drill,
  type InsightFilters,
  type InsightPeriod,
} from "./insightFilter";
import { InsightSummary } from "./InsightSummary";
import "./insight.css";

const ANY = "__any__";
/** Reasons past this many are left off the chart (the CSV has them all). */
const TOP_REASONS = 12;

const hasScores = (groups: Group[]) => groups.some((g) => g.scores.nps !== null || g.scores.csat !== null);

/** Insight (supervisors): how conversations went over a period — NPS, CSAT, effort and feelings
 * by touch point, person, week, reason, outcome and store. Every figure names its population
 * and period, and a bar, point or cell opens the conversations behind it in Review. */
export function InsightScreen({ initial = null }: { initial?: InsightFilters | null }) {
  const { t } = useTranslation();
  const desk = useDeskInfo();
  const allowed = canReview(desk.data?.staff.role);
  const [filters, setFilters] = useState<InsightFilters>(initial ?? DEFAULT_INSIGHT);
  const filter = useMemo(() => toInsightFilter(filters), [filters]);
  const dashboard = useInsight(filter, allowed);
  const exporter = useExportInsight();

  if (!desk.isSuccess || !allowed) {
    return (
      <main className="screen insight" aria-labelledby="insight-title" data-testid="insight-screen">
        {desk.isSuccess ? (
          <div className="empty-state">
            <h2 id="insight-title">{t("insight.notAllowedTitle")}</h2>
            <p>{t("insight.notAllowed")}</p>
          </div>
        ) : (
          <div className="screen-head">
            <h1 id="insight-title">{t("insight.title")}</h1>
          </div>
        )}
      </main>
    );
  }

  const waiting = dashboard.isFetching && (dashboard.isPlaceholderData || !dashboard.data);

  return (
    <main className="screen insight" aria-labelledby="insight-title" data-testid="insight-screen">
      <div className="screen-head">
        <div>
          <h1 id="insight-title">{t("insight.title")}</h1>
          <p className="muted" aria-live="polite" data-testid="insight-status">
            {waiting ? t("insight.loading") : t("insight.subtitle")}
          </p>
        </div>
        <ExportButton
          exporter={exporter}
          variables={filter}
          failed={(message) => t("insight.exportFailed", { message })}
          testId="insight-export"
        />
      </div>

      <InsightFilterBar filters={filters} setFilters={setFilters} />

      {dashboard.isError ? (
        <p className="field-error" role="alert">
          {t("insight.loadFailed", { message: errorMessage(dashboard.error) })}
        </p>
      ) : dashboard.data ? (
        <DashboardView data={dashboard.data} filters={filters} setFilters={setFilters} busy={waiting} />
      ) : null}
    </main>
  );
}

function InsightFilterBar({
  filters,
  setFilters,
}: {
  filters: InsightFilters;
  setFilters: (update: (f: InsightFilters) => InsightFilters) => void;
}) {
  const { t } = useTranslation();
  const nav = useNavigation();
  const touchPoints = useTouchPoints();
  const staff = useStaff();
  const stores = useStores();
  const set = <K extends keyof InsightFilters>(key: K, value: InsightFilters[K]) => setFilters((f) => ({ ...f, [key]: value }));
  const narrowed = filters.store !== null || filters.touchPointId !== null || filters.staffId !== null;

  return (
    <div className="queue-filters insight-filters" role="group" aria-label={t("insight.filters")}>
      <div className="queue-filter" data-active={filters.period !== DEFAULT_INSIGHT.period || undefined}>
        <Choice<InsightPeriod>
          label={t("insight.period")}
          hideLabel
          compact
          name="insight_period"
          value={filters.period}
          options={INSIGHT_PERIODS.map((p) => ({ id: p, label: t(`insight.periods.${p}`) }))}
          onChange={(p) => setFilters((f) => choosePeriod(f, p, 30))}
        />
      </div>
      {filters.period === "custom" ? (
        <ChosenDates
          name="insight"
          from={filters.customFrom}
          to={filters.customTo}
          onFrom={(d) => set("customFrom", d)}
          onTo={(d) => set("customTo", d)}
        />
      ) : null}
      {(stores.data?.length ?? 0) > 1 ? (
        <div className="queue-filter" data-active={filters.store !== null || undefined}>
          <Choice
            label={t("insight.store")}
            hideLabel
            compact
            name="insight_store"
            value={filters.store?.id ?? ANY}
            options={[
              { id: ANY, label: t("insight.allStores") },
              ...(stores.data ?? []).map((s) => ({ id: s.id, label: s.name })),
            ]}
            onChange={(v) => {
              const store = stores.data?.find((s) => s.id === v);
              set("store", store ? { id: store.id, name: store.name } : null);
            }}
          />
        </div>
      ) : null}
      <div className="queue-filter" data-active={filters.touchPointId !== null || undefined}>
        <Choice
          label={t("insight.touchPoint")}
          hideLabel
          compact
          name="insight_touch_point"
          value={filters.touchPointId ?? ANY}
          options={[
            { id: ANY, label: t("insight.allTouchPoints") },
            ...(touchPoints.data ?? []).map((tp) => ({ id: tp.id, label: tp.name })),
          ]}
          onChange={(v) => set("touchPointId", v === ANY ? null : v)}
        />
      </div>
      <div className="queue-filter" data-active={filters.staffId !== null || undefined}>
        <Choice
          label={t("insight.staff")}
          hideLabel
          compact
          name="insight_staff"
          value={filters.staffId ?? ANY}
          options={[
            { id: ANY, label: t("insight.allStaff") },
            ...(staff.data ?? []).map((s) => ({ id: s.id, label: s.name })),
          ]}
          onChange={(v) => set("staffId", v === ANY ? null : v)}
        />
      </div>
      {narrowed ? (
        <Button
          className="link-button queue-clear"
          onPress={() => setFilters((f) => ({ ...f, store: null, touchPointId: null, staffId: null }))}
          data-testid="insight-clear"
        >
          {t("insight.clearFilters")}
        </Button>
      ) : null}
      <Button
        className="link-button insight-at-risk"
        onPress={() => nav.go({ name: "home" })}
        data-testid="insight-at-risk"
      >
        {t("insight.atRiskLink")}
      </Button>
    </div>
  );
}

function DashboardView({
  data,
  filters,
  setFilters,
  busy,
}: {
  data: Dashboard;
  filters: InsightFilters;
  setFilters: (update: (f: InsightFilters) => InsightFilters) => void;
  busy: boolean;
}) {
  const { t } = useTranslation();
  const nav = useNavigation();
  const desk = useDeskInfo();
  const touchPoints = useTouchPoints();
  const staff = useStaff();

  // Who these figures are about: the store(s), narrowed to a touch point and/or a person.
  const storeLabel = filters.store
    ? filters.store.name
    : data.by_store.length === 1
      ? (data.by_store[0]?.label ?? "")
      : desk.data?.staff.role === "admin"
        ? t("insight.allStores")
        : (desk.data?.store.name ?? "");
  const touchPointName = filters.touchPointId
    ? (touchPoints.data?.find((tp) => tp.id === filters.touchPointId)?.name ?? t("insight.oneTouchPoint"))
    : null;
  const staffName = filters.staffId
    ? (staff.data?.find((s) => s.id === filters.staffId)?.name ?? t("insight.onePerson"))
    : null;
  const population = [storeLabel, touchPointName, staffName].filter(Boolean).join(" · ");
  const period =
    filters.period === "custom" ? chosenDates(filters) : t(`insight.periodInline.${filters.period}`);
  const total = data.overall.interactions;
  const caption = t("insight.caption", { population, period, count: total, value: countText(total) });

  const open = (drill: Drill) => {
    // Esc from the conversations comes back to these figures as they were left.
    nav.replace({ name: "insight", filters });
    nav.go({ name: "review", preset: reviewPresetFor(filters, drill) });
  };
  const openLabel = (g: Group) => t("insight.openConversations", { name: g.label });

  if (total === 0) {
    const narrowed = filters.store !== null || filters.touchPointId !== null || filters.staffId !== null;
    return (
      <>
        <InsightSummary scores={data.overall} caption={caption} />
        <div className="empty-state" data-testid="insight-empty">
          <h2>{t("insight.emptyTitle")}</h2>
          <p>{narrowed ? t("insight.emptyFilteredHelp") : t("insight.emptyHelp")}</p>
          {narrowed ? (
            <Button className="button" onPress={() => setFilters((f) => ({ ...f, store: null, touchPointId: null, staffId: null }))}>
              {t("insight.clearFilters")}
            </Button>
          ) : null}
        </div>
      </>
    );
  }

  const noScores = <EmptyChart title={t("insight.noScoresTitle")} help={t("insight.noScoresHelp")} />;
  const reasons: CountRow[] = data.reasons
    .slice(0, TOP_REASONS)
    .map((r) => ({ id: r.label, label: r.label || t("insight.noReason"), count: r.count }));
  const outcomes: CountRow[] = data.outcomes.map((o) => ({
    id: o.label,
    label: t(`outcome.${o.label}`, { defaultValue: o.label }),
    count: o.count,
  }));
  const felt = withFeeling(data.overall);

  /** A card of scores by group (touch point, person, week, store): bars (or a week's lines), and
   * the same figures as a table whose links open the conversations behind a row. */
  const scoreCard = ({
    id,
    title,
    groups,
    column,
    drill,
    openTestId,
    weekly = false,
  }: {
    id: string;
    title: string;
    groups: Group[];
    column: string;
    drill: (g: Group) => Drill;
    openTestId: string;
    weekly?: boolean;
  }): Card => ({
    id,
    title: t(title),
    wide: true,
    empty: hasScores(groups) ? undefined : noScores,
    figures: (
      <ScoreTable
        groups={weekly ? groups.map((w) => ({ ...w, label: t("insight.weekOf", { date: weekText(w.key) }) })) : groups}
        nameHeader={t(`insight.columns.${column}`)}
        onOpen={(g) => open(drill(g))}
        openLabel={openLabel}
        testId={openTestId}
      />
    ),
    chart: weekly ? (
      <WeekLines weeks={groups} onOpen={(g) => open(drill(g))} />
    ) : (
      <ScoreBars groups={groups} onOpen={(g) => open(drill(g))} />
    ),
  });

  // Every card of the dashboard, in the order shown.
  const cards: Card[] = [
    scoreCard({
      id: "touch-points",
      title: "insight.byTouchPoint",
      groups: data.by_touch_point,
      column: "touchPoint",
      drill: (g) => ({ touchPointId: g.key }),
      openTestId: "open-touch-point",
    }),
    scoreCard({
      id: "staff",
      title: "insight.byStaff",
      groups: data.by_staff,
      column: "staff",
      drill: (g) => ({ staffId: g.key }),
      openTestId: "open-staff",
    }),
    scoreCard({
      id: "weeks",
      title: "insight.byWeek",
      groups: data.by_week,
      column: "week",
      drill: (g) => ({ week: g.key }),
      openTestId: "open-week",
      weekly: true,
    }),
    {
      id: "reasons",
      title: t("insight.byReason"),
      caption:
        data.reasons.length > TOP_REASONS
          ? `${caption} · ${t("insight.topReasons", { shown: TOP_REASONS, count: data.reasons.length })}`
          : caption,
      empty:
        reasons.length === 0 ? (
          <EmptyChart title={t("insight.noReasonsTitle")} help={t("insight.noReasonsHelp")} />
        ) : undefined,
      chart: <CountBars rows={reasons} onOpen={(row) => open({ reason: row.id })} />,
    },
    {
      id: "outcomes",
      title: t("insight.byOutcome"),
      empty:
        outcomes.length === 0 ? (
          <EmptyChart title={t("insight.noOutcomesTitle")} help={t("insight.noOutcomesHelp")} />
        ) : undefined,
      figures: <OutcomeTable rows={outcomes} onOpen={(row) => isOutcome(row.id) && open({ outcome: row.id })} />,
      chart: <CountBars rows={outcomes} onOpen={(row) => isOutcome(row.id) && open({ outcome: row.id })} />,
    },
    {
      id: "heat-map",
      title: t("insight.heatTitle"),
      caption: `${caption} · ${t("insight.withFeeling", { count: felt, value: countText(felt) })}`,
      wide: true,
      empty:
        data.heat_map.length === 0 || felt === 0 ? (
          <EmptyChart title={t("insight.noFeelingsTitle")} help={t("insight.noFeelingsHelp")} />
        ) : undefined,
      chart: <HeatMap cells={data.heat_map} onOpen={(touchPointId, feeling) => open({ touchPointId, feeling })} />,
    },
    // Stores only where there is more than one to compare.
    ...(data.by_store.length > 1
      ? [
          scoreCard({
            id: "stores",
            title: "insight.byStore",
            groups: data.by_store,
            column: "store",
            drill: (g) => ({ store: { id: g.key, name: g.label } }),
            openTestId: "open-store",
          }),
        ]
      : []),
  ];

  return (
    <div className="insight-body" aria-busy={busy || undefined}>
      <InsightSummary scores={data.overall} caption={caption} />
      <div className="insight-grid">
        {cards.map((card) => (
          <ChartCard
            key={card.id}
            id={`chart-${card.id}`}
            testId={`chart-${card.id}`}
            title={card.title}
            caption={card.caption ?? caption}
            wide={card.wide}
            empty={card.empty}
            figures={card.figures}
          >
            {card.chart}
          </ChartCard>
        ))}
      </div>
    </div>
  );
}

/** One card of the dashboard: its id (`chart-<id>`, also its test id), title, caption (the
 * dashboard's unless it adds to it), what to show when there is nothing to draw, the chart and
 * its figures as a table. */
type Card = {
  id: string;
  title: string;
  caption?: string;
  wide?: boolean;
  empty: ReactNode | undefined;
  figures?: ReactNode;
  chart: ReactNode;
};

function isOutcome(value: string): value is Outcome {
  return (OUTCOMES as string[]).includes(value);
}

function OutcomeTable({ rows, onOpen }: { rows: CountRow[]; onOpen: (row: CountRow) => void }) {
  const { t } = useTranslation();
  return (
    <table className="insight-table">
      <thead>
        <tr>
          <th scope="col">{t("insight.columns.outcome")}</th>
          <th scope="col" className="num">
            {t("insight.columns.conversations")}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <th scope="row">
              {isOutcome(r.id) ? (
                <Button
                  className="link-button"
                  aria-label={t("insight.openConversations", { name: r.label })}
                  onPress={() => onOpen(r)}
                  data-testid="open-outcome"
                >
                  {r.label}
                </Button>
              ) : (
                r.label
              )}
            </th>
            <td className="num">{countText(r.count)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "1 Mar 2026 – 31 Mar 2026": the chosen dates as the caption says them. */
function chosenDates(filters: InsightFilters): string {
  const { from, to } = insightRange(filters);
  const last = subDays(new Date(to), 1);
  return dateRange(new Date(from), last);
}
