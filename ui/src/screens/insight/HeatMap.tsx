import type { CSSProperties } from "react";
import { Button } from "react-aria-components";
import { useTranslation } from "react-i18next";

import type { Feeling, HeatCell } from "../../bindings";
import { FeelingIcon } from "../../components/FeelingIcon";
import { FEELINGS } from "../../components/FeelingScale";
import { countText, shareText } from "./figures";

type Row = { id: string; name: string; counts: Map<Feeling, number>; total: number };

/** The heat map's rows: one a touch point, in the order the desk sent them. */
export function heatRows(cells: HeatCell[]): Row[] {
  const rows = new Map<string, Row>();
  for (const c of cells) {
    let row = rows.get(c.touch_point_id);
    if (!row) {
      row = { id: c.touch_point_id, name: c.touch_point, counts: new Map(), total: 0 };
      rows.set(c.touch_point_id, row);
    }
    row.counts.set(c.feeling, (row.counts.get(c.feeling) ?? 0) + c.count);
    row.total += c.count;
  }
  return [...rows.values()];
}

/** Touch point × feeling: a table whose every cell says its number; the shade (in the feeling's
 * colour) only repeats it. A cell opens the conversations behind it. */
export function HeatMap({
  cells,
  onOpen,
}: {
  cells: HeatCell[];
  onOpen: (touchPointId: string, feeling: Feeling) => void;
}) {
  const { t } = useTranslation();
  const rows = heatRows(cells);
  const most = Math.max(1, ...cells.map((c) => c.count));

  return (
    <table className="heat-map" data-testid="heat-map">
      <caption className="visually-hidden">{t("insight.heatCaption")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("insight.columns.touchPoint")}</th>
          {FEELINGS.map((f) => (
            <th scope="col" key={f} className={`heat-head feeling-${f}`}>
              <span className="heat-head-inner">
                <FeelingIcon feeling={f} size={16} />
                <span className="heat-head-word">{t(`feeling.${f}`)}</span>
              </span>
            </th>
          ))}
          <th scope="col" className="num">
            {t("insight.columns.total")}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id}>
            <th scope="row" className="heat-name">
              {row.name}
            </th>
            {FEELINGS.map((f) => {
              const count = row.counts.get(f) ?? 0;
              // Never fully saturated: dark numbers stay readable on every shade.
              const style = { "--heat": count === 0 ? 0 : 0.08 + 0.42 * (count / most) } as CSSProperties;
              const words = t("insight.heatCell", {
                touchPoint: row.name,
                feeling: t(`feeling.${f}`),
                count,
                value: countText(count),
                share: shareText(count, row.total),
              });
              return (
                <td key={f} className="heat-td">
                  {count > 0 ? (
                    <Button
                      className="heat-cell"
                      style={style}
                      data-feeling={f}
                      data-touch-point={row.id}
                      data-testid="heat-cell"
                      onPress={() => onOpen(row.id, f)}
                    >
                      {/* The words are the button's name; the figures show it (a name in
                          aria-label would not contain the visible "3 50%", WCAG 2.5.3). */}
                      <span className="visually-hidden">{words}</span>
                      <span className="heat-count" aria-hidden="true">
                        {countText(count)}
                      </span>
                      <span className="heat-share" aria-hidden="true">
                        {shareText(count, row.total)}
                      </span>
                    </Button>
                  ) : (
                    <span
                      className="heat-cell empty"
                      data-feeling={f}
                      data-touch-point={row.id}
                      data-testid="heat-cell"
                      title={words}
                    >
                      <span className="heat-count">0</span>
                    </span>
                  )}
                </td>
              );
            })}
            <td className="num heat-total">{countText(row.total)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
