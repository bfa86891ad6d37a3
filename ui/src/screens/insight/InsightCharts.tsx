import type { MouseEvent, ReactNode } from "react";
import { Button } from "react-aria-components";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  LabelList,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
  type MouseHandlerDataParam,
  type TooltipContentProps,
} from "recharts";

import { MIN_SAMPLE, type Group } from "../../bindings";
import { AXIS_TICK, ChartBox, barsHeight, useChartColours, type ChartColours } from "./chartKit";
import { averageText, countText, fewAnswers, npsText, SCORE_FIGURES, weekText } from "./figures";

/** A chart's card: its title, the population and period it counts, the chart, and its figures
 * as a table (which is also the keyboard's way into the conversations behind each bar). */
export function ChartCard({
  id,
  testId,
  title,
  caption,
  empty,
  figures,
  children,
  wide = false,
}: {
  id: string;
  testId: string;
  title: string;
  caption: string;
  /** Shown instead of the chart when there is nothing to draw: what to do about it. */
  empty?: ReactNode;
  figures?: ReactNode;
  children?: ReactNode;
  wide?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <section
      className={`card insight-card${wide ? " wide" : ""}`}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-caption`}
      data-testid={testId}
    >
      <header className="insight-card-head">
        <h2 id={`${id}-title`}>{title}</h2>
        <p id={`${id}-caption`} className="insight-caption" data-testid="chart-caption">
          {caption}
        </p>
      </header>
      {empty ? (
        <div className="insight-empty" data-testid="chart-empty">
          {empty}
        </div>
      ) : (
        <>
          <div className="insight-card-body">{children}</div>
          {figures ? (
            <details className="insight-figures">
              <summary>{t("insight.figures")}</summary>
              {figures}
            </details>
          ) : null}
        </>
      )}
    </section>
  );
}

/** An empty chart's words: what is missing and what to do. */
export function EmptyChart({ title, help }: { title: string; help: string }) {
  return (
    <>
      <p className="insight-empty-title">{title}</p>
      <p className="muted small">{help}</p>
    </>
  );
}

/** Bars are drawn at once (no animation) and never fatter than a line of text. */
const barLook = { isAnimationActive: false, maxBarSize: 18 } as const;

type ScoreRow = {
  key: string;
  label: string;
  nps: number | null;
  csat: number | null;
  group: Group;
};

function scoreRow(g: Group, label: string): ScoreRow {
  return { key: g.key, label, nps: g.scores.nps, csat: g.scores.csat, group: g };
}

/** One score's bars: where each bar ends, and the words beside it (the score and how many
 * answers it rests on, or that there are none). */
type MetricRow = ScoreRow & { bar: number; text: string; few: boolean; none: boolean };

function metricRows(rows: ScoreRow[], metric: "nps" | "csat", t: TFunction): MetricRow[] {
  return rows.map((r) => {
    const value = r[metric];
    const n = metric === "nps" ? r.group.scores.nps_responses : r.group.scores.csat_responses;
    const shown = metric === "nps" ? npsText(value) : averageText(value);
    return {
      ...r,
      bar: value ?? 0,
      none: value === null,
      few: fewAnswers(n),
      text: value === null ? t("insight.noAnswers") : t("insight.barLabel", { value: shown, n: countText(n) }),
    };
  });
}

/** An axis's title, under the axis (or beside it, turned). */
function axisLabel(value: string, colours: ChartColours, side: "bottom" | "left" | "right" = "bottom") {
  const common = { value, fill: colours.axis, fontSize: 12 };
  if (side === "left") return { ...common, angle: -90, position: "insideLeft" as const };
  if (side === "right") return { ...common, angle: 90, position: "insideRight" as const };
  return { ...common, position: "insideBottom" as const, offset: -14 };
}

/** Which bar the pointer is over, from a chart's click. */
function clickedIndex(state: MouseHandlerDataParam): number | null {
  const i = state.activeTooltipIndex ?? state.activeIndex;
  if (i === undefined || i === null) return null;
  const n = Number(i);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

function ScoreTip({
  active,
  payload,
  weekly = false,
  canOpen,
}: Pick<TooltipContentProps<number, string>, "active" | "payload"> & { weekly?: boolean; canOpen: boolean }) {
  const { t } = useTranslation();
  const row = payload?.[0]?.payload as ScoreRow | undefined;
  if (!active || !row) return null;
  const s = row.group.scores;
  const answers = (n: number) => t("insight.answers", { count: n, value: countText(n) });
  return (
    <div className="chart-tip">
      <strong>{weekly ? t("insight.weekOf", { date: weekText(row.group.key) }) : row.label}</strong>
      <span>{t("insight.conversations", { count: s.interactions, value: countText(s.interactions) })}</span>
      {SCORE_FIGURES.map((f) => (
        <span key={f.key}>
          {t(f.title)} {f.text(s)} · {answers(f.answers(s))}
        </span>
      ))}
      {canOpen ? <span className="chart-tip-hint">{t("insight.clickToOpen")}</span> : null}
    </div>
  );
}

/** The two bar charts of a group's scores, each on its own honest scale. */
const BAR_SCALES = [
  { metric: "nps", title: "insight.npsTitle", axis: "insight.npsAxis", domain: [-100, 100], ticks: [-100, -50, 0, 50, 100] },
  { metric: "csat", title: "insight.csatTitle", axis: "insight.csatAxis", domain: [0, 5], ticks: [0, 1, 2, 3, 4, 5] },
] as const satisfies readonly { metric: "nps" | "csat"; title: string; axis: string; domain: number[]; ticks: number[] }[];

/** NPS and CSAT for each group (touch points, people, stores): two bar charts side by side,
 * each on its own honest scale, with a click opening the conversations behind a bar. */
export function ScoreBars({ groups, onOpen }: { groups: Group[]; onOpen: (g: Group) => void }) {
  const { t } = useTranslation();
  const colours = useChartColours();
  const rows = groups.map((g) => scoreRow(g, g.label));
  const npsRows = metricRows(rows, "nps", t);
  const csatRows = metricRows(rows, "csat", t);
  const anyFew = [...npsRows, ...csatRows].some((r) => r.few && !r.none);
  const height = barsHeight(rows.length);
  const open = (state: MouseHandlerDataParam) => {
    const i = clickedIndex(state);
    const row = i === null ? undefined : rows[i];
    if (row) onOpen(row.group);
  };
  // A click on a bar opens it; a click elsewhere in its row (a short or missing bar) too.
  const openBar = (item: { payload?: unknown }, _index: number, event: MouseEvent) => {
    event.stopPropagation();
    const row = item.payload as ScoreRow | undefined;
    if (row) onOpen(row.group);
  };
  // Every bar says its value and how many answers it rests on ("+18 · n 12"), right of the
  // bar's end (or of the zero line when negative), never over the names; a bar on fewer than
  // MIN_SAMPLE answers is grey, and a group with no answers says so instead of a bare axis.
  const metricBar = (metric: "nps" | "csat", data: MetricRow[]) => (
    <Bar
      dataKey="bar"
      name={t(metric === "nps" ? "insight.npsTitle" : "insight.csatTitle")}
      onClick={openBar}
      // A group with no answers keeps an invisible sliver, so its words are drawn beside it.
      minPointSize={(_v, i) => (data[i]?.none ? 1 : 0)}
      {...barLook}
    >
      {data.map((r) => (
        <Cell key={r.key} fill={r.few ? colours.axis : colours.accent} fillOpacity={r.none ? 0 : r.few ? 0.45 : 1} />
      ))}
      <LabelList
        dataKey="text"
        content={(p) => {
          const i = Number(p.index ?? -1);
          const row = data[i];
          if (!row) return null;
          const x = Number(p.x ?? 0);
          const w = Number(p.width ?? 0);
          const y = Number(p.y ?? 0);
          const h = Number(p.height ?? 0);
          return (
            <text
              x={Math.max(x, x + w) + 4}
              y={y + h / 2}
              dominantBaseline="central"
              fill={row.few ? colours.axis : colours.text}
              fontSize={12}
              data-testid={`${metric}-bar-label`}
            >
              {row.text}
            </text>
          );
        }}
      />
    </Bar>
  );
  const common = {
    layout: "vertical" as const,
    margin: { top: 4, right: 92, bottom: 22, left: 4 },
    onClick: open,
    className: "insight-clickable",
  };
  const yAxis = (
    <YAxis type="category" dataKey="label" width={128} tick={{ ...AXIS_TICK, fill: colours.text }} interval={0} />
  );
  const tip = (
    <Tooltip
      isAnimationActive={false}
      cursor={{ fill: colours.accentWeak }}
      content={(p) => <ScoreTip active={p.active} payload={p.payload} canOpen />}
    />
  );

  return (
    <div className="insight-pair">
      {BAR_SCALES.map((scale) => (
        <div key={scale.metric}>
          <p className="insight-metric">{t(scale.title)}</p>
          <ChartBox height={height} fallback={420}>
            {(width) => (
              <BarChart width={width} height={height} data={scale.metric === "nps" ? npsRows : csatRows} {...common}>
                <CartesianGrid horizontal={false} stroke={colours.grid} />
                <XAxis
                  type="number"
                  domain={scale.domain}
                  ticks={scale.ticks}
                  tick={{ ...AXIS_TICK, fill: colours.axis }}
                  {...(scale.metric === "nps" ? { tickFormatter: (v: number) => npsText(v) } : {})}
                  label={axisLabel(t(scale.axis), colours)}
                />
                {yAxis}
                {scale.metric === "nps" ? <ReferenceLine x={0} stroke={colours.axis} /> : null}
                {tip}
                {metricBar(scale.metric, scale.metric === "nps" ? npsRows : csatRows)}
              </BarChart>
            )}
          </ChartBox>
        </div>
      ))}
      {anyFew ? (
        <p className="insight-few-note muted small" data-testid="few-answers-note">
          {t("insight.fewAnswersNote", { min: MIN_SAMPLE })}
        </p>
      ) : null}
    </div>
  );
}

/** The same groups as a table: exact figures with their answer counts, and a link per row to
 * the conversations behind it. */
export function ScoreTable({
  groups,
  nameHeader,
  onOpen,
  openLabel,
  testId,
}: {
  groups: Group[];
  nameHeader: string;
  onOpen: (g: Group) => void;
  /** The link's words for a row ("Open the conversations at Returns desk"). */
  openLabel: (g: Group) => string;
  testId: string;
}) {
  const { t } = useTranslation();
  const answers = (n: number) => (
    <span className="muted">{` (${t("insight.answers", { count: n, value: countText(n) })})`}</span>
  );
  return (
    <table className="insight-table">
      <thead>
        <tr>
          <th scope="col">{nameHeader}</th>
          <th scope="col" className="num">
            {t("insight.columns.conversations")}
          </th>
          {SCORE_FIGURES.map((f) => (
            <th key={f.key} scope="col" className="num">
              {t(f.column)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {groups.map((g) => (
          <tr key={g.key}>
            <th scope="row">
              <Button className="link-button" aria-label={openLabel(g)} onPress={() => onOpen(g)} data-testid={testId}>
                {g.label}
              </Button>
            </th>
            <td className="num">{countText(g.scores.interactions)}</td>
            {SCORE_FIGURES.map((f) => (
              <td key={f.key} className={fewAnswers(f.answers(g.scores)) ? "num few" : "num"}>
                {f.text(g.scores)}
                {answers(f.answers(g.scores))}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** NPS and CSAT week by week: two lines on their own scales (NPS left, CSAT right); a click on
 * a week opens its conversations. */
export function WeekLines({ weeks, onOpen }: { weeks: Group[]; onOpen: (g: Group) => void }) {
  const { t } = useTranslation();
  const colours = useChartColours();
  const rows = weeks.map((g) => scoreRow(g, weekText(g.key)));
  const height = 240;
  const nps = t("insight.npsLine");
  const csat = t("insight.csatLine");
  return (
    <ChartBox height={height} fallback={900}>
      {(width) => (
        <LineChart
          width={width}
          height={height}
          data={rows}
          margin={{ top: 8, right: 8, bottom: 4, left: 8 }}
          className="insight-clickable"
          onClick={(state) => {
            const i = clickedIndex(state);
            const row = i === null ? undefined : rows[i];
            if (row) onOpen(row.group);
          }}
        >
          <CartesianGrid vertical={false} stroke={colours.grid} />
          <XAxis dataKey="label" tick={{ ...AXIS_TICK, fill: colours.axis }} interval="preserveStartEnd" />
          <YAxis
            yAxisId="nps"
            domain={[-100, 100]}
            ticks={[-100, -50, 0, 50, 100]}
            tickFormatter={(v: number) => npsText(v)}
            tick={{ ...AXIS_TICK, fill: colours.axis }}
            width={56}
            label={axisLabel(t("insight.npsTitle"), colours, "left")}
          />
          <YAxis
            yAxisId="csat"
            orientation="right"
            domain={[1, 5]}
            ticks={[1, 2, 3, 4, 5]}
            tick={{ ...AXIS_TICK, fill: colours.axis }}
            width={48}
            label={axisLabel(t("insight.csatTitle"), colours, "right")}
          />
          <Tooltip
            isAnimationActive={false}
            cursor={{ stroke: colours.grid }}
            content={(p) => <ScoreTip active={p.active} payload={p.payload} weekly canOpen />}
          />
          <Legend verticalAlign="top" height={24} iconType="plainline" wrapperStyle={{ fontSize: 12 }} />
          <Line
            yAxisId="nps"
            dataKey="nps"
            name={nps}
            stroke={colours.accent}
            strokeWidth={2}
            dot={{ r: 3, fill: colours.accent }}
            activeDot={{ r: 5 }}
            isAnimationActive={false}
          />
          <Line
            yAxisId="csat"
            dataKey="csat"
            name={csat}
            stroke={colours.second}
            strokeWidth={2}
            strokeDasharray="5 3"
            dot={{ r: 3, fill: colours.second }}
            activeDot={{ r: 5 }}
            isAnimationActive={false}
          />
        </LineChart>
      )}
    </ChartBox>
  );
}

export type CountRow = { id: string; label: string; count: number };

function CountTip({
  active,
  payload,
  canOpen,
}: Pick<TooltipContentProps<number, string>, "active" | "payload"> & { canOpen: boolean }) {
  const { t } = useTranslation();
  const row = payload?.[0]?.payload as CountRow | undefined;
  if (!active || !row) return null;
  return (
    <div className="chart-tip">
      <strong>{row.label}</strong>
      <span>{t("insight.conversations", { count: row.count, value: countText(row.count) })}</span>
      {canOpen ? <span className="chart-tip-hint">{t("insight.clickToOpen")}</span> : null}
    </div>
  );
}

/** How many conversations for each reason or outcome: horizontal bars, each labelled with its
 * number. `onOpen` makes them clickable (where the Review room can filter by them). */
export function CountBars({ rows, onOpen }: { rows: CountRow[]; onOpen?: (row: CountRow) => void }) {
  const { t } = useTranslation();
  const colours = useChartColours();
  const height = barsHeight(rows.length);
  return (
    <ChartBox height={height} fallback={420}>
      {(width) => (
        <BarChart
          width={width}
          height={height}
          data={rows}
          layout="vertical"
          margin={{ top: 4, right: 44, bottom: 22, left: 4 }}
          className={onOpen ? "insight-clickable" : undefined}
          onClick={(state) => {
            const i = clickedIndex(state);
            const row = i === null ? undefined : rows[i];
            if (row && onOpen) onOpen(row);
          }}
        >
          <CartesianGrid horizontal={false} stroke={colours.grid} />
          <XAxis
            type="number"
            allowDecimals={false}
            tick={{ ...AXIS_TICK, fill: colours.axis }}
            tickFormatter={(v: number) => countText(v)}
            label={axisLabel(t("insight.countAxis"), colours)}
          />
          <YAxis type="category" dataKey="label" width={148} tick={{ ...AXIS_TICK, fill: colours.text }} interval={0} />
          <Tooltip
            isAnimationActive={false}
            cursor={{ fill: colours.accentWeak }}
            content={(p) => <CountTip active={p.active} payload={p.payload} canOpen={Boolean(onOpen)} />}
          />
          <Bar
            dataKey="count"
            fill={colours.accent}
            isAnimationActive={false}
            maxBarSize={18}
            onClick={(item, _index, event) => {
              event.stopPropagation();
              const row = item.payload as CountRow | undefined;
              if (row && onOpen) onOpen(row);
            }}
          >
            <LabelList
              dataKey="count"
              position="right"
              fill={colours.text}
              fontSize={12}
              formatter={(v) => (typeof v === "number" ? countText(v) : "")}
            />
          </Bar>
        </BarChart>
      )}
    </ChartBox>
  );
}
