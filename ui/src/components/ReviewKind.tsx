import { useTranslation } from "react-i18next";

import type { Review, ReviewKind } from "../bindings";
import { absoluteTime, relativeTime } from "../format";

export const REVIEW_KINDS: ReviewKind[] = ["praise", "coaching", "compliance"];

/** Praise a star, coaching a speech bubble, a compliance flag a flag: drawn, so they look the
 * same on every machine. */
export function ReviewKindIcon({ kind, size = 16 }: { kind: ReviewKind; size?: number }) {
  return (
    <svg
      className={`kind-icon kind-${kind}`}
      width={size}
      height={size}
      viewBox="0 0 20 20"
      aria-hidden="true"
      focusable="false"
    >
      {kind === "praise" ? (
        <path
          d="M10 2.6l2.2 4.6 5 .7-3.6 3.5.9 5-4.5-2.4-4.5 2.4.9-5L2.8 7.9l5-.7z"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.6"
          strokeLinejoin="round"
        />
      ) : kind === "coaching" ? (
        <>
          <path
            d="M3 4.5h14v8.5H9l-3.5 3v-3H3z"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.6"
            strokeLinejoin="round"
          />
          <path d="M6.5 7.8h7M6.5 10.2h4.5" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
        </>
      ) : (
        <path
          d="M5 17.5V3M5 3.5h10l-2.2 3.7L15 11H5"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.6"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      )}
    </svg>
  );
}

/** A review's kind as icon + word + colour (never colour alone). */
export function ReviewKindBadge({ kind }: { kind: ReviewKind }) {
  const { t } = useTranslation();
  return (
    <span className={`kind-badge kind-${kind}`} data-kind={kind}>
      <ReviewKindIcon kind={kind} size={14} />
      {t(`reviewKind.${kind}`)}
    </span>
  );
}

/** A review's kind and who wrote it when: "Coaching · by Marta · 2 h ago" (the head of a review in
 * the review dialog and in My reviews). */
export function ReviewKindAndAuthor({ review }: { review: Review }) {
  const { t } = useTranslation();
  return (
    <>
      <ReviewKindBadge kind={review.kind} />
      <span className="muted small">
        {t("review.by", { name: review.reviewer.name })}
        <span className="sep">·</span>
        <time dateTime={review.recorded_at} title={absoluteTime(review.recorded_at)}>
          {relativeTime(review.recorded_at)}
        </time>
      </span>
    </>
  );
}

/** A scorecard as chips: "Listening 4/5". */
export function ReviewScores({ scores }: { scores: { name: string; score: number }[] }) {
  const { t } = useTranslation();
  if (scores.length === 0) return null;
  return (
    <ul className="review-scores" aria-label={t("review.scorecard")}>
      {scores.map((s) => (
        <li key={s.name} className="score-chip">
          {t("review.scoreOf", { name: s.name, score: s.score })}
        </li>
      ))}
    </ul>
  );
}
