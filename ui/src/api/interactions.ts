import { useMutation, useQueryClient } from "@tanstack/react-query";

import type { AmendInteraction, LogInteraction } from "../bindings";
import { api } from "./commands";
import { refreshAfterWrite } from "./freshness";

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
