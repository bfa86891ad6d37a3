import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";

import type {
  ContactChannel,
  CustomerEdit,
  ImportChoice,
  MergeRequest,
  NewCustomer,
  TimelineCursor,
  TimelinePage,
} from "../bindings";
import { api } from "./commands";
import { family, refreshAfterWrite } from "./freshness";

/** Query keys of customers: search, a customer's page, timeline and history. */
export const customerKeys = {
  search: (q: string) => [family.search, q] as const,
  page: (id: string) => [family.customer, id] as const,
  timeline: (id: string, filters: TimelineFilters) => [family.timeline, id, filters] as const,
  history: (id: string) => [family.history, id] as const,
  conflicts: (id: string) => [family.conflicts, id] as const,
  duplicatesOf: (id: string) => [family.customer, id, "duplicates"] as const,
  mergePreview: (survivorId: string, mergedId: string) => [family.customer, survivorId, "merge", mergedId] as const,
  storeDuplicates: () => [family.duplicates] as const,
  serverSearch: (q: string) => [family.serverSearch, q] as const,
};

export type TimelineFilters = { touchPointId: string | null; channel: ContactChannel | null };

/** Results for what is typed; the previous results stay on screen while the next arrive, so
 * the list never blinks or shifts as you type. */
export function useCustomerSearch(query: string, enabled = true) {
  return useQuery({
    queryKey: customerKeys.search(query.trim()),
    queryFn: () => api.searchCustomers(query),
    placeholderData: keepPreviousData,
    // One query per keystroke, twenty customers each: kept only while the box may go back.
    gcTime: 5_000,
    enabled,
  });
}

export function useCustomerPage(id: string) {
  return useQuery({ queryKey: customerKeys.page(id), queryFn: () => api.openCustomer(id) });
}

const TIMELINE_PAGE = 200;

/** The timeline in pages, oldest pages fetched as the list scrolls. The unfiltered first page
 * comes with the customer page, so opening a customer costs one call. */
export function useTimeline(id: string, filters: TimelineFilters, firstPage: TimelinePage | undefined) {
  const unfiltered = filters.touchPointId === null && filters.channel === null;
  return useInfiniteQuery({
    queryKey: customerKeys.timeline(id, filters),
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
    queryKey: customerKeys.conflicts(id),
    queryFn: () => api.customerConflicts(id),
    enabled,
    retry: false,
  });
}

export function useCustomerHistory(id: string, enabled: boolean) {
  return useQuery({ queryKey: customerKeys.history(id), queryFn: () => api.customerHistory(id), enabled });
}

export function useCreateCustomer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: NewCustomer) => api.createCustomer(input),
    onSuccess: () => refreshAfterWrite(qc),
  });
}

/** An edit of `customerId` that changes nothing yet: each form sets only what the person changed. */
export function unchangedEdit(customerId: string): CustomerEdit {
  return {
    customer_id: customerId,
    name: null,
    phones: null,
    emails: null,
    loyalty_id: null,
    external_id: null,
    language: null,
    tags: null,
    consent: null,
    note: null,
  };
}

/** Whether an edit sets any field (saving one that does not only closes the form). */
export function editChangesSomething(edit: CustomerEdit): boolean {
  return Object.entries(edit).some(([k, v]) => k !== "customer_id" && v !== null && v !== undefined);
}

export function useUpdateCustomer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: CustomerEdit) => api.updateCustomer(input),
    onSuccess: (_d, input) => refreshAfterWrite(qc, input.customer_id),
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
    onSuccess: () => void qc.invalidateQueries({ queryKey: [family.audit] }),
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

/** Customers at other stores, for a search this desk answered with no one. */
export function useServerSearch(query: string, enabled: boolean) {
  return useQuery({
    queryKey: customerKeys.serverSearch(query.trim()),
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
      qc.setQueryData(customerKeys.page(page.customer.id), page);
      void qc.invalidateQueries({ queryKey: [family.search] });
    },
  });
}

/** Other records possibly the same person as this customer. Under the customer's own key, so
 * whatever refreshes their page refreshes this too. */
export function usePossibleDuplicates(id: string) {
  return useQuery({ queryKey: customerKeys.duplicatesOf(id), queryFn: () => api.possibleDuplicatesOf(id) });
}

/** The store's possible duplicates, the pair with the newest record first (supervisors). */
export function useStoreDuplicates() {
  return useQuery({ queryKey: customerKeys.storeDuplicates(), queryFn: () => api.possibleDuplicates() });
}

/** What merging `mergedId` into `survivorId` would do: the fields to choose and the combined
 * timeline. */
export function useMergePreview(survivorId: string, mergedId: string) {
  return useQuery({
    queryKey: customerKeys.mergePreview(survivorId, mergedId),
    queryFn: () => api.mergePreview(survivorId, mergedId),
  });
}

/** After a merge or its undo both records' pages change, and every list that names them. */
function refreshBoth(qc: ReturnType<typeof useQueryClient>, a: string, b: string) {
  refreshAfterWrite(qc, a);
  refreshAfterWrite(qc, b);
}

export function useMergeCustomers() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: MergeRequest) => api.mergeCustomers(input),
    onSuccess: (page, input) => {
      qc.setQueryData(customerKeys.page(page.customer.id), page);
      refreshBoth(qc, input.survivor_id, input.merged_id);
    },
  });
}

export function useUndoMerge() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ mergeId }: { mergeId: string; mergedId: string }) => api.undoMerge(mergeId),
    onSuccess: (page, { mergedId }) => refreshBoth(qc, page.customer.id, mergedId),
  });
}

export function useMarkNotSamePerson() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ customerId, otherId }: { customerId: string; otherId: string }) =>
      api.markNotSamePerson(customerId, otherId),
    onSuccess: (_, { customerId, otherId }) => refreshBoth(qc, customerId, otherId),
  });
}
