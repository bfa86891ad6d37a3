import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import type { LogInteraction, NewCustomer } from "../bindings";
import { api } from "./commands";

export const keys = {
  desk: ["desk"] as const,
  touchPoints: ["touch-points"] as const,
  reasons: ["reasons"] as const,
  search: (q: string) => ["search", q] as const,
  customer: (id: string) => ["customer", id] as const,
};

export function useDeskInfo() {
  return useQuery({ queryKey: keys.desk, queryFn: api.deskInfo });
}

export function useTouchPoints() {
  return useQuery({ queryKey: keys.touchPoints, queryFn: api.touchPoints, staleTime: Infinity });
}

export function useReasons() {
  return useQuery({ queryKey: keys.reasons, queryFn: api.reasons, staleTime: Infinity });
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

export function useCreateCustomer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: NewCustomer) => api.createCustomer(input),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["search"] });
      void qc.invalidateQueries({ queryKey: keys.desk });
    },
  });
}

export function useLogInteraction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: LogInteraction) => api.logInteraction(input),
    onSuccess: (_data, input) => {
      if (input.customer_id) void qc.invalidateQueries({ queryKey: keys.customer(input.customer_id) });
      void qc.invalidateQueries({ queryKey: ["search"] });
      void qc.invalidateQueries({ queryKey: keys.desk });
    },
  });
}

export function useSetDeskTouchPoint() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.setDeskTouchPoint(id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.desk }),
  });
}
