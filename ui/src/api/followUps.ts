import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from "@tanstack/react-query";

import type { BoardFilter, CloseFollowUp, FollowUp, NewFollowUp, ReassignFollowUp, SnoozeFollowUp } from "../bindings";
import { api } from "./commands";
import { family, refreshAfterWrite } from "./freshness";

/** Query keys of follow-ups: all under one family, so every follow-up write refreshes the
 * board and the loop figures. */
export const followUpKeys = {
  mine: [family.followUps, "mine"] as const,
  closed: [family.followUps, "closed"] as const,
  board: (filter: BoardFilter) => [family.followUps, "board", filter] as const,
  loop: (from: string, to: string) => [family.followUps, "loop", from, to] as const,
};

export function useMyFollowUps() {
  return useQuery({ queryKey: followUpKeys.mine, queryFn: api.myFollowUps });
}

export function useMyClosedFollowUps() {
  return useQuery({ queryKey: followUpKeys.closed, queryFn: api.myClosedFollowUps });
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

/** The store's open follow-ups (supervisors). The previous board stays on screen while a new
 * filter's arrives. */
export function useFollowUpBoard(filter: BoardFilter, enabled: boolean) {
  return useQuery({
    queryKey: followUpKeys.board(filter),
    queryFn: () => api.followUpBoard(filter),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** After a follow-up changed: its row shows the change at once (not its old state until the
 * board is asked again), and everything that counts follow-ups refreshes. */
function followUpChanged(qc: QueryClient, f: FollowUp) {
  qc.setQueriesData<FollowUp[]>({ queryKey: [family.followUps, "board"] }, (items) =>
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
    queryKey: followUpKeys.loop(from, to),
    queryFn: () => api.loopMetrics(from, to),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** Writes the store's loop figures for a period and the follow-ups board (as filtered) as a CSV
 * next to the data; the export is audited. */
export function useExportFollowUps() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ from, to, filter }: { from: string; to: string; filter: BoardFilter }) =>
      api.exportFollowUps(from, to, filter),
    onSuccess: () => void qc.invalidateQueries({ queryKey: [family.audit] }),
  });
}
