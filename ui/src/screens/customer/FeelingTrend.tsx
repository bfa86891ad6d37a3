import { useTranslation } from "react-i18next";

import type { FeelingPoint, Trend } from "../../bindings";
import { absoluteTime } from "../../format";
import { FeelingIcon } from "../../components/FeelingIcon";

/** The last few feelings as small faces, oldest to newest, with the trend in words. */
export function FeelingTrend({ points, trend }: { points: FeelingPoint[]; trend: Trend | null }) {
  const { t } = useTranslation();
  if (points.length < 2) return null;
  return (
    <span className="feeling-trend" data-testid="feeling-trend">
      <span className="trend-faces" aria-hidden="true">
        {points.map((p) => (
          <span key={p.at} title={`${t(`feeling.${p.feeling}`)} · ${absoluteTime(p.at)}`}>
            <FeelingIcon feeling={p.feeling} size={14} />
          </span>
        ))}
      </span>
      {trend ? <span className={`trend trend-${trend}`}>{t(`trend.${trend}`)}</span> : null}
    </span>
  );
}
