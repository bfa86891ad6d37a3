import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";

import type { NewReview, QueueItem, ReviewQueueFilter } from "../bindings";
import { api } from "./commands";
import { family } from "./freshness";
import { syncKeys } from "./sync";

/** Query keys of reviews and the scorecard. */
export const reviewKeys = {
  criteria: [family.reviewCriteria] as const,
  /** `draw` tells one random sample from the next with the same filter. */
  queue: (filter: ReviewQueueFilter, draw: number) => [family.reviewQueue, filter, draw] as const,
  ofInteraction: (interactionId: string) => [family.reviews, interactionId] as const,
  mine: [family.myReviews] as const,
};

export function useReviewCriteria() {
  return useQuery({ queryKey: reviewKeys.criteria, queryFn: api.reviewCriteria, staleTime: 5 * 60_000 });
}

/** Adds a criterion to the end of the scorecard (administrators of a desk that is not connected). */
export function useAddReviewCriterion() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.addReviewCriterion(name),
    onSuccess: () => qc.invalidateQueries({ queryKey: reviewKeys.criteria }),
  });
}

export function useRenameReviewCriterion() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, name }: { id: string; name: string }) => api.renameReviewCriterion(id, name),
    onSuccess: () => qc.invalidateQueries({ queryKey: reviewKeys.criteria }),
  });
}

/** Takes a criterion off the scorecard; reviews that scored it keep their scores. */
export function useRetireReviewCriterion() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.retireReviewCriterion(id),
    onSuccess: () => qc.invalidateQueries({ queryKey: reviewKeys.criteria }),
  });
}

/** The review queue for a filter (supervisors). The previous list stays on screen while the
 * next arrives, so changing a filter never blanks the list. A random sample is kept as drawn
 * until another is asked for. */
export function useReviewQueue(filter: ReviewQueueFilter, draw: number, enabled: boolean) {
  const sample = filter.sample !== null;
  return useQuery({
    queryKey: reviewKeys.queue(filter, draw),
    queryFn: () => api.reviewQueue(filter),
    placeholderData: keepPreviousData,
    enabled,
    staleTime: sample ? Infinity : 0,
    meta: { keep: sample },
  });
}

export function useInteractionReviews(interactionId: string) {
  return useQuery({ queryKey: reviewKeys.ofInteraction(interactionId), queryFn: () => api.interactionReviews(interactionId) });
}

/** Reviews of the signed-in person's work, those to acknowledge first. */
export function useMyReviews() {
  return useQuery({ queryKey: reviewKeys.mine, queryFn: api.myReviews });
}

export function useRecordReview() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: NewReview) => api.recordReview(input),
    onSuccess: (review) => {
      // The row shows its new count where it stands: the list does not reshuffle or drop the
      // row under the keyboard. The next look at any queue asks the desk again.
      qc.setQueriesData<QueueItem[]>({ queryKey: [family.reviewQueue] }, (items) =>
        items?.map((i) => (i.interaction_id === review.interaction_id ? { ...i, reviews: i.reviews + 1 } : i)),
      );
      void qc.invalidateQueries({ queryKey: [family.reviewQueue], refetchType: "none" });
      void qc.invalidateQueries({ queryKey: reviewKeys.ofInteraction(review.interaction_id) });
      void qc.invalidateQueries({ queryKey: reviewKeys.mine });
      void qc.invalidateQueries({ queryKey: syncKeys.status });
    },
  });
}

export function useAcknowledgeReview() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (reviewId: string) => api.acknowledgeReview(reviewId),
    onSuccess: (review) =>
      Promise.all([
        qc.invalidateQueries({ queryKey: reviewKeys.mine }),
        qc.invalidateQueries({ queryKey: reviewKeys.ofInteraction(review.interaction_id) }),
        qc.invalidateQueries({ queryKey: syncKeys.status }),
      ]),
  });
}
