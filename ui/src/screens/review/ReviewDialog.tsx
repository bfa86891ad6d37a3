import { useEffect, useState } from "react";
import { Button, Keyboard, Label, Radio, RadioGroup } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { errorMessage, fieldErrors } from "../../api/commands";
import { isFrontlineDesk } from "../../actions";
import { useDeskInfo } from "../../api/desk";
import { useInteractionReviews, useRecordReview, useReviewCriteria } from "../../api/reviews";
import type { QueueItem, Review, ReviewKind } from "../../bindings";
import { DialogFrame } from "../../components/DialogFrame";
import { FormError } from "../../components/FormParts";
import { REVIEW_KINDS, ReviewKindAndAuthor, ReviewKindBadge, ReviewKindIcon, ReviewScores } from "../../components/ReviewKind";
import { ScoreScale } from "../../components/ScoreScale";
import { TextInput } from "../../components/TextInput";
import { absoluteTime, relativeTime } from "../../format";
import { ConversationTags } from "./ConversationTags";

type ReviewDraft = { kind: ReviewKind | null; comment: string; scores: Record<string, number> };

const EMPTY: ReviewDraft = { kind: null, comment: "", scores: {} };

function isEmpty(d: ReviewDraft): boolean {
  return d.kind === null && d.comment === "" && Object.keys(d.scores).length === 0;
}

/** A half-written review survives closing the dialog, a refusal or a crash; it is kept in local
 * storage (only while something is typed) until it is saved. */
function useReviewDraft(interactionId: string): [ReviewDraft, (update: (d: ReviewDraft) => ReviewDraft) => void, () => void] {
  const storageKey = `touchpoint.draft.review.${interactionId}`;
  const [draft, setDraft] = useState<ReviewDraft>(() => {
    try {
      const saved = window.localStorage.getItem(storageKey);
      if (saved) return { ...EMPTY, ...(JSON.parse(saved) as Partial<ReviewDraft>) };
    } catch {
      // A damaged draft is dropped rather than blocking the form.
    }
    return EMPTY;
  });
  useEffect(() => {
    try {
      if (isEmpty(draft)) window.localStorage.removeItem(storageKey);
      else window.localStorage.setItem(storageKey, JSON.stringify(draft));
    } catch {
      // Storage unavailable: the form still works, only the crash safety net is gone.
    }
  }, [storageKey, draft]);
  const forget = () => {
    try {
      window.localStorage.removeItem(storageKey);
    } catch {
      // Nothing to forget.
    }
  };
  return [draft, setDraft, forget];
}

/** Review one conversation: what happened, what others already said, then praise, coaching or
 * a compliance flag with a comment and an optional scorecard. Ctrl+Enter saves; a refusal
 * shows next to its field and keeps everything typed. */
export function ReviewDialog({
  item,
  onClose,
  onSaved,
}: {
  item: QueueItem;
  onClose: () => void;
  onSaved: (review: Review) => void;
}) {
  const { t } = useTranslation();
  const criteria = useReviewCriteria();
  const record = useRecordReview();
  const desk = useDeskInfo();
  // A till sends no reviews (the desk and the server would refuse): it reads, and says why.
  const readOnly = isFrontlineDesk(desk.data?.device_role);
  const [draft, setDraft, forget] = useReviewDraft(item.interaction_id);
  const [kindMissing, setKindMissing] = useState(false);
  const errors = fieldErrors(record.error);

  const save = () => {
    if (record.isPending || readOnly) return;
    if (draft.kind === null) {
      setKindMissing(true);
      return;
    }
    const scores = (criteria.data ?? []).flatMap((c) => {
      const score = draft.scores[c.id];
      return score ? [{ criterion_id: c.id, score }] : [];
    });
    record.mutate(
      { interaction_id: item.interaction_id, kind: draft.kind, comment: draft.comment, scores },
      {
        onSuccess: (review) => {
          forget();
          onSaved(review);
        },
      },
    );
  };

  const setScore = (id: string, score: number | null) =>
    setDraft((d) => {
      const scores = { ...d.scores };
      if (score === null) delete scores[id];
      else scores[id] = score;
      return { ...d, scores };
    });

  return (
    <DialogFrame isOpen onClose={onClose} title={t("review.dialogTitle")} width={920} testId="review-dialog">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
        // Capture: the scorecard's radios handle (and stop) the keys they receive.
        onKeyDownCapture={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            save();
          }
        }}
      >
        <div className="dialog-body review-dialog-body">
          <div className="review-context">
            <Conversation item={item} />
            <PreviousReviews interactionId={item.interaction_id} />
          </div>
          <div className="review-fields">
            {errors.interaction_id ? (
              <p className="field-error" role="alert" data-testid="review-interaction-error">
                {errors.interaction_id}
              </p>
            ) : null}
            <RadioGroup
              className="kind-field"
              name="kind"
              orientation="horizontal"
              value={draft.kind}
              onChange={(v) => setDraft((d) => ({ ...d, kind: v as ReviewKind }))}
              isInvalid={kindMissing && draft.kind === null}
            >
              <Label className="field-label">{t("review.kind")}</Label>
              <div className="kind-options">
                {REVIEW_KINDS.map((k) => (
                  <Radio
                    key={k}
                    value={k}
                    className={`kind-option kind-${k}`}
                    data-kind={k}
                    autoFocus={draft.kind === null ? k === "praise" : draft.kind === k}
                  >
                    <ReviewKindIcon kind={k} size={22} />
                    <span className="kind-word">{t(`reviewKind.${k}`)}</span>
                    <span className="kind-help">{t(`review.kindHelp.${k}`)}</span>
                  </Radio>
                ))}
              </div>
              {kindMissing && draft.kind === null ? <div className="field-error">{t("review.kindMissing")}</div> : null}
            </RadioGroup>
            <TextInput
              name="comment"
              label={t("review.comment")}
              hint={t("review.commentHint")}
              placeholder={t("review.commentPlaceholder")}
              value={draft.comment}
              onChange={(comment) => setDraft((d) => ({ ...d, comment }))}
              error={errors.comment}
              rule="review_comment"
              multiline
              testId="review-comment"
            />
            {(criteria.data ?? []).length > 0 ? (
              <fieldset className="scorecard" data-testid="scorecard">
                <legend className="field-label">{t("review.scorecard")}</legend>
                <p className="field-hint">{t("review.scorecardHint")}</p>
                {(criteria.data ?? []).map((c) => (
                  <ScoreScale
                    key={c.id}
                    name={`criterion-${c.id}`}
                    label={c.name}
                    min={1}
                    max={5}
                    value={draft.scores[c.id] ?? null}
                    onChange={(v) => setScore(c.id, v)}
                  />
                ))}
                {errors.scores ? <p className="field-error">{errors.scores}</p> : null}
              </fieldset>
            ) : errors.scores ? (
              <p className="field-error">{errors.scores}</p>
            ) : null}
            {criteria.isError ? (
              <p className="field-hint">{t("review.criteriaFailed", { message: errorMessage(criteria.error) })}</p>
            ) : null}
            <FormError error={record.error} />
          </div>
        </div>
        <div className="dialog-actions">
          <span className="muted small push-left" data-testid="review-save-hint">
            {readOnly ? t("review.frontlineDesk") : t("review.saveHint")}
          </span>
          <Button className="button" onPress={onClose}>
            {t("common.cancel")}
          </Button>
          <Button
            type="submit"
            className="button primary"
            isDisabled={record.isPending || readOnly}
            data-testid="review-save"
          >
            {t("review.save")}
            <Keyboard className="kbd on-accent">Ctrl+Enter</Keyboard>
          </Button>
        </div>
      </form>
    </DialogFrame>
  );
}

/** The conversation as it was logged: who, with whom, when, where, what, how it went. */
function Conversation({ item }: { item: QueueItem }) {
  const { t } = useTranslation();
  return (
    <section className="review-conversation" aria-labelledby="review-conversation-title" data-testid="review-conversation">
      <h3 id="review-conversation-title" className="section-title">
        {item.customer?.name ?? t("review.walkIn")}
        <span className="muted"> · {t("review.withStaff", { name: item.staff.name })}</span>
      </h3>
      <p className="muted small">
        <time dateTime={item.occurred_at} title={absoluteTime(item.occurred_at)}>
          {relativeTime(item.occurred_at)}
        </time>
        <span className="sep">·</span>
        {item.touch_point}
        <span className="sep">·</span>
        {t(`channel.${item.channel}`)}
        <span className="sep">·</span>
        {item.store}
      </p>
      <div className="entry-reason">{item.reason ?? t("review.noReason")}</div>
      {item.summary ? <p className="entry-summary">{item.summary}</p> : <p className="muted small">{t("review.noSummary")}</p>}
      <div className="entry-tags">
        <ConversationTags item={item} />
      </div>
    </section>
  );
}

function PreviousReviews({ interactionId }: { interactionId: string }) {
  const { t } = useTranslation();
  const reviews = useInteractionReviews(interactionId);
  const list = reviews.data ?? [];
  return (
    <section className="previous-reviews" aria-labelledby="previous-reviews-title" data-testid="previous-reviews">
      <h3 id="previous-reviews-title" className="section-title">
        {t("review.previous")}
      </h3>
      {reviews.isError ? (
        <p className="field-error">{t("review.previousFailed", { message: errorMessage(reviews.error) })}</p>
      ) : reviews.isSuccess && list.length === 0 ? (
        <p className="muted small">{t("review.noPrevious")}</p>
      ) : (
        <ul className="review-list">
          {list.map((r) => (
            <PreviousReview key={r.id} review={r} />
          ))}
        </ul>
      )}
    </section>
  );
}

function PreviousReview({ review: r }: { review: Review }) {
  const { t } = useTranslation();
  return (
    <li className="review-item" data-testid="previous-review">
      <div className="review-item-head">
        <ReviewKindAndAuthor review={r} />
      </div>
      <p className="review-comment">{r.comment}</p>
      <ReviewScores scores={r.scores} />
      <p className="muted small">
        {r.acknowledged_at
          ? t("review.seenBy", { name: r.staff.name, when: relativeTime(r.acknowledged_at) })
          : t("review.notSeenYet", { name: r.staff.name })}
      </p>
    </li>
  );
}

/** After a review is saved: say so, and offer the next conversation of the queue (Enter) or the
 * list (Esc), so a supervisor works down the queue without reaching for the mouse. */
export function ReviewSavedDialog({
  item,
  kind,
  next,
  onNext,
  onClose,
}: {
  item: QueueItem;
  kind: ReviewKind;
  next: QueueItem | null;
  onNext: (next: QueueItem) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const customer = item.customer?.name ?? t("review.walkIn");
  return (
    <DialogFrame isOpen onClose={onClose} title={t("review.savedTitle")} width={520} testId="review-saved">
      <div className="dialog-body">
        <p role="status" data-testid="review-saved-what">
          <ReviewKindBadge kind={kind} />{" "}
          {t("review.savedWhat", { customer, staff: item.staff.name })}
        </p>
        {next ? (
          <p className="muted small" data-testid="review-next">
            {t("review.nextIs", {
              customer: next.customer?.name ?? t("review.walkIn"),
              reason: next.reason ?? t("review.noReason"),
              staff: next.staff.name,
            })}
          </p>
        ) : (
          <p className="muted small" data-testid="review-next">
            {t("review.noNext")}
          </p>
        )}
      </div>
      <div className="dialog-actions">
        <Button
          className="button"
          onPress={onClose}
          data-autofocus={next ? undefined : true}
          data-testid="review-back-to-list"
        >
          {t("review.backToList")}
        </Button>
        {next ? (
          <Button className="button primary" onPress={() => onNext(next)} data-autofocus data-testid="review-next-button">
            {t("review.next")}
            <Keyboard className="kbd on-accent">Enter</Keyboard>
          </Button>
        ) : null}
      </div>
    </DialogFrame>
  );
}
