import { useRef, type ReactNode } from "react";
import { Button } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { errorMessage } from "../../api/commands";
import { useAcknowledgeReview, useMyReviews } from "../../api/reviews";
import type { Review } from "../../bindings";
import { ReviewKindAndAuthor, ReviewScores } from "../../components/ReviewKind";
import { absoluteTime, relativeTime } from "../../format";
import "./my-reviews.css";

/** My reviews: what supervisors said about my conversations, those I have not acknowledged
 * first; acknowledging says "I have read this". */
export function MyReviewsScreen() {
  const { t } = useTranslation();
  const reviews = useMyReviews();
  const acknowledge = useAcknowledgeReview();
  const lists = useRef<HTMLDivElement>(null);
  const all = reviews.data ?? [];
  const toAcknowledge = all.filter((r) => r.acknowledged_at === null);
  const acknowledged = all.filter((r) => r.acknowledged_at !== null);

  const onAcknowledge = (id: string) =>
    acknowledge.mutate(id, {
      // The acknowledged review moves down; focus goes on to the next one to read.
      // (A task, not a frame: an unpainted window runs no animation frames.)
      onSuccess: () =>
        window.setTimeout(() => lists.current?.querySelector<HTMLElement>("[data-testid=acknowledge-review]")?.focus(), 0),
    });

  return (
    <main className="screen my-reviews" aria-labelledby="my-reviews-title" data-testid="my-reviews-screen">
      <div className="screen-head">
        <div>
          <h1 id="my-reviews-title">{t("myReviews.title")}</h1>
          <p className="muted">
            {toAcknowledge.length > 0
              ? t("myReviews.toAcknowledgeCount", { count: toAcknowledge.length })
              : all.length > 0
                ? t("myReviews.allAcknowledged")
                : "\u00a0"}
          </p>
        </div>
      </div>
      {reviews.isError ? (
        <p className="field-error" role="alert">
          {t("myReviews.loadFailed", { message: errorMessage(reviews.error) })}
        </p>
      ) : reviews.isSuccess && all.length === 0 ? (
        <div className="empty-state" data-testid="my-reviews-empty">
          <h2>{t("myReviews.emptyTitle")}</h2>
          <p>{t("myReviews.emptyHelp")}</p>
        </div>
      ) : (
        <div ref={lists} className="my-review-lists">
          {toAcknowledge.length > 0 ? (
            <ReviewList id="to-acknowledge" title={t("myReviews.toAcknowledge")}>
              {toAcknowledge.map((r) => (
                <MyReview
                  key={r.id}
                  review={r}
                  onAcknowledge={() => onAcknowledge(r.id)}
                  pending={acknowledge.isPending && acknowledge.variables === r.id}
                  error={acknowledge.isError && acknowledge.variables === r.id ? acknowledge.error : null}
                />
              ))}
            </ReviewList>
          ) : null}
          {acknowledged.length > 0 ? (
            <ReviewList id="acknowledged" title={t("myReviews.acknowledged")}>
              {acknowledged.map((r) => (
                <MyReview key={r.id} review={r} />
              ))}
            </ReviewList>
          ) : null}
        </div>
      )}
    </main>
  );
}

/** A card of reviews under its title (to acknowledge, acknowledged). */
function ReviewList({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        {title}
      </h2>
      <ul className="my-review-list">{children}</ul>
    </section>
  );
}

function MyReview({
  review: r,
  onAcknowledge,
  pending = false,
  error = null,
}: {
  review: Review;
  onAcknowledge?: () => void;
  pending?: boolean;
  error?: unknown;
}) {
  const { t } = useTranslation();
  const c = r.conversation;
  const about = [c.touch_point, c.customer?.name ?? t("review.walkIn")];
  return (
    <li className="my-review" data-testid="my-review" data-kind={r.kind} data-acknowledged={r.acknowledged_at !== null}>
      <div className="my-review-head">
        <ReviewKindAndAuthor review={r} />
        <span className="my-review-state">
          {r.acknowledged_at !== null ? (
            <span className="acknowledged" title={absoluteTime(r.acknowledged_at)}>
              {t("myReviews.acknowledgedAt", { when: relativeTime(r.acknowledged_at) })}
            </span>
          ) : (
            <Button
              className="button small primary"
              onPress={onAcknowledge}
              isDisabled={pending}
              data-testid="acknowledge-review"
            >
              {t("myReviews.acknowledge")}
            </Button>
          )}
        </span>
      </div>
      <p className="my-review-about muted small">
        {t("myReviews.about", { when: relativeTime(c.occurred_at) })}
        <span className="sep">·</span>
        {about.join(" · ")}
        {c.reason ? (
          <>
            <span className="sep">·</span>
            <span className="my-review-reason">{c.reason}</span>
          </>
        ) : null}
      </p>
      {c.summary ? <p className="my-review-summary muted small">“{c.summary}”</p> : null}
      <p className="review-comment">{r.comment}</p>
      <ReviewScores scores={r.scores} />
      {error ? (
        <p className="field-error" role="alert">
          {errorMessage(error)}
        </p>
      ) : null}
    </li>
  );
}
