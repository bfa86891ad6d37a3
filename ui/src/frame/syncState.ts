import type { TFunction } from "i18next";

import type { SyncStatus } from "../bindings";
import { relativeTime } from "../format";

export type SyncState = "local" | "synced" | "syncing" | "offline" | "refused" | "blocked" | "downloading";

/** The one sentence the indicator says, and its state. What needs a person comes first: a
 * blocked desk, then refused changes, then being offline, then the first download. */
export function describeSync(s: SyncStatus, t: TFunction, now: Date = new Date()): { state: SyncState; label: string } {
  if (!s.connected) return { state: "local", label: t("desk.localOnly") };
  if (s.blocked) return { state: "blocked", label: t(`sync.blocked.${s.blocked}`) };
  if (s.rejected > 0) return { state: "refused", label: t("sync.refused", { count: s.rejected }) };
  if (s.online === false) {
    return {
      state: "offline",
      label: s.pending > 0 ? t("sync.offlineWaiting", { count: s.pending }) : t("sync.offlineSaved"),
    };
  }
  if (s.first_sync_percent !== null) {
    return { state: "downloading", label: t("sync.downloading", { percent: Math.floor(s.first_sync_percent) }) };
  }
  if (s.syncing) return { state: "syncing", label: t("sync.syncing") };
  if (!s.last_success_at) return { state: "syncing", label: t("sync.starting") };
  return { state: "synced", label: t("sync.synced", { when: relativeTime(s.last_success_at, now) }) };
}
