import { keepPreviousData, useQuery } from "@tanstack/react-query";

import type { AuditFilter } from "../bindings";
import { api } from "./commands";
import { family } from "./freshness";

/** Query keys of the audit log and the store's conflicting edits. */
export const auditKeys = {
  log: (filter: AuditFilter) => [family.audit, filter] as const,
  storeConflicts: [family.storeConflicts] as const,
};

/** Who viewed, changed, exported, erased or imported what (supervisors), newest first. */
export function useAuditLog(filter: AuditFilter, enabled: boolean) {
  return useQuery({
    queryKey: auditKeys.log(filter),
    queryFn: () => api.auditLog(filter),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** The newest profile edits two desks made to the same field at once, on the store's customers
 * (supervisors). Needs the server: an offline failure is shown, not retried behind the scenes. */
export function useRecentConflicts(enabled: boolean) {
  return useQuery({ queryKey: auditKeys.storeConflicts, queryFn: api.recentConflicts, enabled, retry: false });
}
