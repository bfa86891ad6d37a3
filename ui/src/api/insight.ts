import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";

import type { InsightFilter } from "../bindings";
import { api } from "./commands";
import { family } from "./freshness";

/** Query keys of Insight and the customers at risk. */
export const insightKeys = {
  atRisk: [family.atRisk] as const,
  dashboards: (filter: InsightFilter) => [family.insight, filter] as const,
};

export function useAtRiskCustomers(enabled: boolean) {
  return useQuery({ queryKey: insightKeys.atRisk, queryFn: api.atRiskCustomers, enabled });
}

/** Writes the customers at risk, with their reasons, as a CSV next to the data; audited. */
export function useExportAtRisk() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.exportAtRisk(),
    onSuccess: () => void qc.invalidateQueries({ queryKey: [family.audit] }),
  });
}

/** The Insight dashboards for a population and period (supervisors). The previous figures stay
 * on screen while a new filter's arrive, so the charts never blank or jump. */
export function useInsight(filter: InsightFilter, enabled: boolean) {
  return useQuery({
    queryKey: insightKeys.dashboards(filter),
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
    onSuccess: () => void qc.invalidateQueries({ queryKey: [family.audit] }),
  });
}
