import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from "@tanstack/react-query";
import { useEffect, useRef } from "react";

import type {
  AmendInteraction,
  AuditFilter,
  BoardFilter,
  CloseFollowUp,
  ContactChannel,
  CustomerEdit,
  FollowUp,
  ImportChoice,
  InsightFilter,
  LogInteraction,
  NewCustomer,
  NewFollowUp,
  NewReview,
  NewStaff,
  QueueItem,
  ReassignFollowUp,
  ReviewQueueFilter,
  SnoozeFollowUp,
  SyncStatus,
  TimelineCursor,
  TimelinePage,
} from "../bindings";
import { api } from "./commands";

export const keys = {
  desk: ["desk"] as const,
  stores: ["stores"] as const,
  touchPoints: ["touch-points"] as const,
  reasons: ["reasons"] as const,
  staff: ["staff"] as const,
  search: (q: string) => ["search", q] as const,
  customer: (id: string) => ["customer", id] as const,
  timeline: (id: string, filters: TimelineFilters) => ["timeline", id, filters] as const,
  history: (id: string) => ["history", id] as const,
  myFollowUps: ["follow-ups", "mine"] as const,
  myClosedFollowUps: ["follow-ups", "closed"] as const,
  sync: ["sync"] as const,
  rejected: (count: number) => ["sync", "rejected", count] as const,
  serverSearch: (q: string) => ["server-search", q] as const,
  reviewCriteria: ["review-criteria"] as const,
  /** `draw` tells one random sample from the next with the same filter. */
  reviewQueue: (filter: ReviewQueueFilter, draw: number) => ["review-queue", filter, draw] as const,
  interactionReviews: (interactionId: string) => ["reviews", interactionId] as const,
  myReviews: ["my-reviews"] as const,
  /** Under "follow-ups", so every follow-up write refreshes the board and the loop figures. */
  followUpBoard: (filter: BoardFilter) => ["follow-ups", "board", filter] as const,
  loopMetrics: (from: string, to: string) => ["follow-ups", "loop", from, to] as const,
  auditLog: (filter: AuditFilter) => ["audit", filter] as const,
  recentConflicts: ["store-conflicts"] as const,
  atRisk: ["at-risk"] as const,
  insight: (filter: InsightFilter) => ["insight", filter] as const,
};

export type TimelineFilters = { touchPointId: string | null; channel: ContactChannel | null };

/** After any write, these views may show something new. */
function refreshAfterWrite(qc: QueryClient, customerId?: string | null) {
  if (customerId) {
    void qc.invalidateQueries({ queryKey: keys.customer(customerId) });
    void qc.invalidateQueries({ queryKey: ["timeline", customerId] });
    void qc.invalidateQueries({ queryKey: keys.history(customerId) });
  }
  void qc.invalidateQueries({ queryKey: ["search"] });
  void qc.invalidateQueries({ queryKey: ["follow-ups"] });
  void qc.invalidateQueries({ queryKey: keys.atRisk });
  void qc.invalidateQueries({ queryKey: ["insight"] });
  void qc.invalidateQueries({ queryKey: ["audit"] });
  void qc.invalidateQueries({ queryKey: keys.desk });
  void qc.invalidateQueries({ queryKey: keys.sync });
}

/** Everything but the sync status itself: what other desks recorded may show anywhere. A
 * random sample being worked through is kept as drawn (`meta.keep`): it must not reshuffle. */
function refreshAllButSync(qc: QueryClient) {
  void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== keys.sync[0] && q.meta?.keep !== true });
}

export function useDeskInfo() {
  return useQuery({ queryKey: keys.desk, queryFn: api.deskInfo });
}

/** Every store this desk knows: its own, and the organisation's once connected. */
export function useStores() {
  return useQuery({ queryKey: keys.stores, queryFn: api.stores });
}

export function useTouchPoints() {
  return useQuery({ queryKey: keys.touchPoints, queryFn: api.touchPoints, staleTime: Infinity });
}

export function useReasons() {
  return useQuery({ queryKey: keys.reasons, queryFn: api.reasons, staleTime: Infinity });
}

export function useStaff() {
  return useQuery({ queryKey: keys.staff, queryFn: api.listStaff });
}

/** Results for what is typed; the previous results stay on screen while the next arrive, so
 * the list never blinks or shifts as you type. */
export function useCustomerSearch(query: string, enabled = true) {
  return useQuery({
    queryKey: keys.search(query.trim()),
    queryFn: () => api.searchCustomers(query),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useCustomerPage(id: string) {
  return useQuery({ queryKey: keys.customer(id), queryFn: () => api.openCustomer(id) });
}

const TIMELINE_PAGE = 200;

/** The timeline in pages, oldest pages fetched as the list scrolls. The unfiltered first page
 * comes with the customer page, so opening a customer costs one call. */
export function useTimeline(id: string, filters: TimelineFilters, firstPage: TimelinePage | undefined) {
  const unfiltered = filters.touchPointId === null && filters.channel === null;
  return useInfiniteQuery({
    queryKey: keys.timeline(id, filters),
    queryFn: ({ pageParam }) =>
      api.customerTimeline(id, {
        before: pageParam,
        limit: TIMELINE_PAGE,
        touch_point_id: filters.touchPointId,
        channel: filters.channel,
      }),
    initialPageParam: null as TimelineCursor | null,
    getNextPageParam: (last) => last.next ?? undefined,
    initialData: unfiltered && firstPage ? { pages: [firstPage], pageParams: [null] } : undefined,
    staleTime: unfiltered ? 0 : undefined,
  });
}

/** Profile fields two desks set at once, from the server (nothing when offline or local). */
export function useCustomerConflicts(id: string, enabled: boolean) {
  return useQuery({
    queryKey: ["conflicts", id] as const,
    queryFn: () => api.customerConflicts(id),
    enabled,
    retry: false,
  });
}

export function useCustomerHistory(id: string, enabled: boolean) {
  return useQuery({ queryKey: keys.history(id), queryFn: () => api.customerHistory(id), enabled });
}

export function useMyFollowUps() {
  return useQuery({ queryKey: keys.myFollowUps, queryFn: api.myFollowUps });
}

export function useMyClosedFollowUps() {
  return useQuery({ queryKey: keys.myClosedFollowUps, queryFn: api.myClosedFollowUps });
}

export function useCreateCustomer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: NewCustomer) => api.createCustomer(input),
    onSuccess: () => refreshAfterWrite(qc),
  });
}

export function useUpdateCustomer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: CustomerEdit) => api.updateCustomer(input),
    onSuccess: (_d, input) => refreshAfterWrite(qc, input.customer_id),
  });
}

export function useLogInteraction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: LogInteraction) => api.logInteraction(input),
    onSuccess: (_data, input) => refreshAfterWrite(qc, input.customer_id),
  });
}

export function useAmendInteraction(customerId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: AmendInteraction) => api.amendInteraction(input),
    onSuccess: () => refreshAfterWrite(qc, customerId),
  });
}

export function useCreateFollowUp() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: NewFollowUp) => api.createFollowUp(input),
    onSuccess: (_d, input) => refreshAfterWrite(qc, input.customer_id),
  });
}

export function useCloseFollowUp() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: CloseFollowUp) => api.closeFollowUp(input),
    onSuccess: (f) => refreshAfterWrite(qc, f.customer?.id),
  });
}

export function useSetDeskTouchPoint() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.setDeskTouchPoint(id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.desk }),
  });
}

export function useSignIn() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ staffId, pin }: { staffId: string; pin: string | null }) => api.signIn(staffId, pin),
    // Everything "mine" changes with the person.
    onSuccess: () => void qc.invalidateQueries(),
  });
}

/** Checks the signed-in person's PIN again (taking the screen back from a customer): the same
 * person stays signed in, so nothing else changes. */
export function useCheckStaffPin() {
  return useMutation({
    mutationFn: ({ staffId, pin }: { staffId: string; pin: string }) => api.signIn(staffId, pin),
  });
}

export function useAddStaff() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: NewStaff) => api.addStaff(input),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.staff }),
  });
}

export function useSetPin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ staffId, pin }: { staffId: string; pin: string }) => api.setPin(staffId, pin),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.staff }),
  });
}

export function useImportCustomers() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ csv, commit, choices }: { csv: string; commit: boolean; choices: ImportChoice[] }) =>
      api.importCustomers(csv, commit, choices),
    onSuccess: (report) => {
      if (report.committed) refreshAfterWrite(qc);
    },
  });
}

export function useExportCustomer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.exportCustomer(id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["audit"] }),
  });
}

/** Deletes a customer. Their own page is left alone: it is about to be left, and asking for it
 * again would only say they are gone. */
export function useDeleteCustomer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.deleteCustomer(id),
    onSuccess: () => refreshAfterWrite(qc),
  });
}

export function useEraseCustomer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.eraseCustomer(id),
    onSuccess: () => refreshAfterWrite(qc),
  });
}

export function useRestoreCustomer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.restoreCustomer(id),
    onSuccess: (customer) => refreshAfterWrite(qc, customer.id),
  });
}

const SYNC_POLL_MS = 2000;

/** Where this desk stands with the server. Only the indicator polls (`poll`); other views read
 * the same answer without asking again. */
export function useSyncStatus(poll = false) {
  return useQuery({ queryKey: keys.sync, queryFn: api.syncStatus, refetchInterval: poll ? SYNC_POLL_MS : false });
}

/** Keeps views current with the server: when changes from other desks arrive (or the first
 * download ends) every view refreshes, and the network coming back starts a round at once. */
export function useSyncWatch(status: SyncStatus | undefined) {
  const qc = useQueryClient();
  const received = status?.received;
  const downloading = status ? status.first_sync_percent !== null : undefined;
  const seen = useRef<{ received?: number; downloading?: boolean }>({});
  useEffect(() => {
    const before = seen.current;
    const arrived = received !== undefined && before.received !== undefined && received > before.received;
    const downloaded = before.downloading === true && downloading === false;
    if (arrived || downloaded) refreshAllButSync(qc);
    seen.current = { received, downloading };
  }, [received, downloading, qc]);

  useEffect(() => {
    const onOnline = () => {
      api
        .syncNow()
        .catch(() => undefined)
        .finally(() => void qc.invalidateQueries({ queryKey: keys.sync }));
    };
    window.addEventListener("online", onOnline);
    return () => window.removeEventListener("online", onOnline);
  }, [qc]);
}

export function useRejectedChanges(count: number, enabled: boolean) {
  return useQuery({ queryKey: keys.rejected(count), queryFn: api.rejectedChanges, enabled });
}

export function useSyncNow() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: api.syncNow,
    onSettled: () => void qc.invalidateQueries({ queryKey: keys.sync }),
  });
}

export function useConnectServer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({
      serverUrl,
      code,
      deviceName,
      allowUnencrypted,
    }: {
      serverUrl: string;
      code: string;
      deviceName: string;
      allowUnencrypted: boolean;
    }) => api.connectServer(serverUrl, code, deviceName, allowUnencrypted),
    // The server's staff and data replace the desk's own: every view may change.
    onSuccess: (status) => {
      qc.setQueryData(keys.sync, status);
      refreshAllButSync(qc);
    },
  });
}

export function useDisconnectServer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: api.disconnectServer,
    onSuccess: (status) => {
      qc.setQueryData(keys.sync, status);
      refreshAllButSync(qc);
    },
  });
}

export function useDismissRejected() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (opId: string) => api.dismissRejected(opId),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.sync });
      void qc.invalidateQueries({ queryKey: keys.desk });
    },
  });
}

/** Customers at other stores, for a search this desk answered with no one. */
export function useServerSearch(query: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.serverSearch(query.trim()),
    queryFn: () => api.searchServer(query.trim()),
    enabled,
    staleTime: 30_000,
  });
}

/** Brings a customer from another store onto this desk; their page is ready when it lands. */
export function useOpenServerCustomer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.openServerCustomer(id),
    onSuccess: (page) => {
      qc.setQueryData(keys.customer(page.customer.id), page);
      void qc.invalidateQueries({ queryKey: ["search"] });
    },
  });
}

export function useReviewCriteria() {
  return useQuery({ queryKey: keys.reviewCriteria, queryFn: api.reviewCriteria, staleTime: 5 * 60_000 });
}

/** Adds a criterion to the end of the scorecard (administrators of a desk that is not connected). */
export function useAddReviewCriterion() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.addReviewCriterion(name),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.reviewCriteria }),
  });
}

export function useRenameReviewCriterion() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, name }: { id: string; name: string }) => api.renameReviewCriterion(id, name),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.reviewCriteria }),
  });
}

/** Takes a criterion off the scorecard; reviews that scored it keep their scores. */
export function useRetireReviewCriterion() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.retireReviewCriterion(id),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.reviewCriteria }),
  });
}

/** The review queue for a filter (supervisors). The previous list stays on screen while the
 * next arrives, so changing a filter never blanks the list. A random sample is kept as drawn
 * until another is asked for. */
export function useReviewQueue(filter: ReviewQueueFilter, draw: number, enabled: boolean) {
  const sample = filter.sample !== null;
  return useQuery({
    queryKey: keys.reviewQueue(filter, draw),
    queryFn: () => api.reviewQueue(filter),
    placeholderData: keepPreviousData,
    enabled,
    staleTime: sample ? Infinity : 0,
    meta: { keep: sample },
  });
}

export function useInteractionReviews(interactionId: string) {
  return useQuery({ queryKey: keys.interactionReviews(interactionId), queryFn: () => api.interactionReviews(interactionId) });
}

/** Reviews of the signed-in person's work, those to acknowledge first. */
export function useMyReviews() {
  return useQuery({ queryKey: keys.myReviews, queryFn: api.myReviews });
}

export function useRecordReview() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: NewReview) => api.recordReview(input),
    onSuccess: (review) => {
      // The row shows its new count where it stands: the list does not reshuffle or drop the
      // row under the keyboard. The next look at any queue asks the desk again.
      qc.setQueriesData<QueueItem[]>({ queryKey: ["review-queue"] }, (items) =>
        items?.map((i) => (i.interaction_id === review.interaction_id ? { ...i, reviews: i.reviews + 1 } : i)),
      );
      void qc.invalidateQueries({ queryKey: ["review-queue"], refetchType: "none" });
      void qc.invalidateQueries({ queryKey: keys.interactionReviews(review.interaction_id) });
      void qc.invalidateQueries({ queryKey: keys.myReviews });
      void qc.invalidateQueries({ queryKey: keys.sync });
    },
  });
}

export function useAcknowledgeReview() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (reviewId: string) => api.acknowledgeReview(reviewId),
    onSuccess: (review) =>
      Promise.all([
        qc.invalidateQueries({ queryKey: keys.myReviews }),
        qc.invalidateQueries({ queryKey: keys.interactionReviews(review.interaction_id) }),
        qc.invalidateQueries({ queryKey: keys.sync }),
      ]),
  });
}

/** The store's open follow-ups (supervisors). The previous board stays on screen while a new
 * filter's arrives. */
export function useFollowUpBoard(filter: BoardFilter, enabled: boolean) {
  return useQuery({
    queryKey: keys.followUpBoard(filter),
    queryFn: () => api.followUpBoard(filter),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** After a follow-up changed: its row shows the change at once (not its old state until the
 * board is asked again), and everything that counts follow-ups refreshes. */
function followUpChanged(qc: QueryClient, f: FollowUp) {
  qc.setQueriesData<FollowUp[]>({ queryKey: ["follow-ups", "board"] }, (items) =>
    items?.map((i) => (i.id === f.id ? f : i)),
  );
  refreshAfterWrite(qc, f.customer?.id);
}

export function useReassignFollowUp() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ReassignFollowUp) => api.reassignFollowUp(input),
    onSuccess: (f) => followUpChanged(qc, f),
  });
}

export function useSnoozeFollowUp() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: SnoozeFollowUp) => api.snoozeFollowUp(input),
    onSuccess: (f) => followUpChanged(qc, f),
  });
}

/** How well the loop closed over a period (supervisors). */
export function useLoopMetrics(from: string, to: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.loopMetrics(from, to),
    queryFn: () => api.loopMetrics(from, to),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** Who viewed, changed, exported, erased or imported what (supervisors), newest first. */
export function useAuditLog(filter: AuditFilter, enabled: boolean) {
  return useQuery({
    queryKey: keys.auditLog(filter),
    queryFn: () => api.auditLog(filter),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** The newest profile edits two desks made to the same field at once, on the store's customers
 * (supervisors). Needs the server: an offline failure is shown, not retried behind the scenes. */
export function useRecentConflicts(enabled: boolean) {
  return useQuery({ queryKey: keys.recentConflicts, queryFn: api.recentConflicts, enabled, retry: false });
}

export function useAtRiskCustomers(enabled: boolean) {
  return useQuery({ queryKey: keys.atRisk, queryFn: api.atRiskCustomers, enabled });
}

/** The Insight dashboards for a population and period (supervisors). The previous figures stay
 * on screen while a new filter's arrive, so the charts never blank or jump. */
export function useInsight(filter: InsightFilter, enabled: boolean) {
  return useQuery({
    queryKey: keys.insight(filter),
    queryFn: () => api.insight(filter),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** Writes the dashboards' figures as a CSV next to the data; the export is audited. */
export function useExportInsight() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (filter: InsightFilter) => api.exportInsight(filter),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["audit"] }),
  });
}

/** Writes the store's loop figures for a period and the follow-ups board (as filtered) as a CSV
 * next to the data; the export is audited. */
export function useExportFollowUps() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ from, to, filter }: { from: string; to: string; filter: BoardFilter }) =>
      api.exportFollowUps(from, to, filter),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["audit"] }),
  });
}

/** Writes the customers at risk, with their reasons, as a CSV next to the data; audited. */
export function useExportAtRisk() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.exportAtRisk(),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["audit"] }),
  });
}
