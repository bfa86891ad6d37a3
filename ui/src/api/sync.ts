import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

import { events } from "../bindings";
import { api } from "./commands";
import { family, refreshAllButSync, refreshChanged } from "./freshness";
import { deskKeys } from "./desk";

/** Query keys of the sync status and what the server refused. */
export const syncKeys = {
  status: [family.sync] as const,
  rejected: (count: number) => [family.sync, "rejected", count] as const,
};

/** Where this desk stands with the server. Nothing polls: the answer is kept current by sync
 * events (see `useSyncEvents`) and by the writes made here. */
export function useSyncStatus() {
  return useQuery({ queryKey: syncKeys.status, queryFn: api.syncStatus });
}

/** Keeps views current with the server: each sync event brings the status (put straight into
 * the cache) and names what arrived from other desks, and only that refreshes. The network
 * coming back starts a round at once. Mounted once, by the sync indicator in the top bar. */
export function useSyncEvents() {
  const qc = useQueryClient();
  useEffect(() => {
    let stop: (() => void) | undefined;
    let gone = false;
    events.syncEvent
      .listen(({ payload }) => {
        qc.setQueryData(syncKeys.status, payload.status);
        refreshChanged(qc, payload.changed);
      })
      .then((unlisten) => (gone ? unlisten() : (stop = unlisten)))
      .catch(() => undefined);
    return () => {
      gone = true;
      stop?.();
    };
  }, [qc]);

  useEffect(() => {
    const onOnline = () => {
      api
        .syncNow()
        .catch(() => undefined)
        .finally(() => void qc.invalidateQueries({ queryKey: syncKeys.status }));
    };
    window.addEventListener("online", onOnline);
    return () => window.removeEventListener("online", onOnline);
  }, [qc]);
}

export function useRejectedChanges(count: number, enabled: boolean) {
  return useQuery({ queryKey: syncKeys.rejected(count), queryFn: api.rejectedChanges, enabled });
}

export function useSyncNow() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: api.syncNow,
    onSettled: () => void qc.invalidateQueries({ queryKey: syncKeys.status }),
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
      qc.setQueryData(syncKeys.status, status);
      refreshAllButSync(qc);
    },
  });
}

export function useDisconnectServer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: api.disconnectServer,
    onSuccess: (status) => {
      qc.setQueryData(syncKeys.status, status);
      refreshAllButSync(qc);
    },
  });
}

export function useDismissRejected() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (opId: string) => api.dismissRejected(opId),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: syncKeys.status });
      void qc.invalidateQueries({ queryKey: deskKeys.info });
    },
  });
}
