import { useTranslation } from "react-i18next";

import type { Scores } from "../../bindings";
import { FeelingIcon } from "../../components/FeelingIcon";
import { countText, fewAnswers, feelingCounts, SCORE_FIGURES, shareText, withFeeling } from "./figures";

/** The dashboard in one line: how many conversations, NPS, CSAT, effort and how people felt,
 * under the population and period they count. */
export function InsightSummary({ scores, caption }: { scores: Scores; caption: string }) {
  const { t } = useTranslation();
  const felt = withFeeling(scores);
  // Fewer answers than the minimum sample: the figure is grey and its line says so.
  const answers = (n: number) =>
    t("insight.answers", { count: n, value: countText(n) }) + (fewAnswers(n) ? ` · ${t("insight.tooFew")}` : "");
  const big = (n: number) => (n > 0 && fewAnswers(n) ? "insight-big few" : "insight-big");

  return (
    <section className="card insight-summary" aria-labelledby="insight-summary-title" data-testid="insight-summary">
      <header className="insight-card-head">
        <h2 id="insight-summary-title">{t("insight.summaryTitle")}</h2>
        <p className="insight-caption" data-testid="summary-caption">
          {caption}
        </p>
      </header>
      <dl className="insight-figures-strip">
        <div className="insight-figure" data-testid="summary-conversations">
          <dt>{t("insight.columns.conversations")}</dt>
          <dd className="insight-big">{countText(scores.interactions)}</dd>
        </div>
        {SCORE_FIGURES.map((f) => (
          <div key={f.key} className="insight-figure" data-testid={`summary-${f.key}`}>
            <dt>{t(f.label)}</dt>
            <dd className={big(f.answers(scores))}>
              {f.text(scores)}
              {f.outOf === null || f.value(scores) === null ? null : (
                <span className="insight-out-of"> {t("insight.outOf", { max: f.outOf })}</span>
              )}
            </dd>
            <dd className="muted small">
              {f.value(scores) === null
                ? t("insight.noAnswers")
                : f.note
                  ? `${answers(f.answers(scores))} · ${t(f.note)}`
                  : answers(f.answers(scores))}
            </dd>
          </div>
        ))}
        <div className="insight-figure insight-feelings" data-testid="summary-feelings">
          <dt>{t("insight.feelingMix", { count: felt, value: countText(felt) })}</dt>
          <dd>
            <ul className="insight-feeling-list">
              {feelingCounts(scores).map(({ feeling, count }) => (
                <li key={feeling} className={`insight-feeling feeling-${feeling}`} data-feeling={feeling}>
                  <FeelingIcon feeling={feeling} size={16} />
                  <span className="insight-feeling-word">{t(`feeling.${feeling}`)}</span>
                  <span className="insight-feeling-figures">
                    <span className="insight-feeling-count">{countText(count)}</span>{" "}
                    <span className="insight-feeling-share">{shareText(count, felt)}</span>
                  </span>
                </li>
              ))}
            </ul>
          </dd>
        </div>
      </dl>
    </section>
  );
}
