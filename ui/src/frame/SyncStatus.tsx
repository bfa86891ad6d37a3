import { useEffect, useState } from "react";
import { Button } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { useDeskInfo } from "../api/desk";
import { useSyncEvents, useSyncStatus } from "../api/sync";
import { useNavigation } from "../navigation";
import { describeSync } from "./syncState";

/** The time now, again every `everyMs`. */
function useNow(everyMs: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** Always says the truth about where the data is, in words and a coloured dot. Until a
 * server is connected, everything is saved on this desk, and that is what it says. Opens the
 * Sync panel (also `S`). */
export function SyncStatus() {
  const { t } = useTranslation();
  const nav = useNavigation();
  const desk = useDeskInfo();
  const status = useSyncStatus();
  useSyncEvents();
  const now = useNow(30_000);
  if (!status.data && !status.isError) return null;

  // "2 min ago" moves with the clock, not with calls to the desk.
  const { state, label } = status.data
    ? describeSync(status.data, t, now)
    : { state: "blocked", label: t("sync.unknown") };
  const pending = status.data?.pending ?? 0;
  const title =
    state === "local" && desk.data
      ? `${t("desk.localOnlyDetail", { path: desk.data.database_path })}${
          pending > 0 ? ` · ${t("desk.waiting", { count: pending })}` : ""
        }`
      : t("sync.open");

  return (
    <Button
      className="sync-status"
      data-state={state}
      aria-keyshortcuts="S"
      onPress={() => nav.setOverlay("sync")}
      data-testid="sync-status"
    >
      <span className="dot" aria-hidden="true" />
      <span title={title}>{label}</span>
    </Button>
  );
}
