import { Button } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { useDeskInfo, useSyncStatus, useSyncWatch } from "../api/hooks";
import { useNavigation } from "../navigation";
import { describeSync } from "./syncState";

/** Always says the truth about where the data is, in words and a coloured dot. Until a
 * server is connected, everything is saved on this desk, and that is what it says. Opens the
 * Sync panel (also `S`). */
export function SyncStatus() {
  const { t } = useTranslation();
  const nav = useNavigation();
  const desk = useDeskInfo();
  const status = useSyncStatus(true);
  useSyncWatch(status.data);
  if (!status.data && !status.isError) return null;

  // Relative to when the answer arrived, so "2 min ago" moves with every poll.
  const { state, label } = status.data
    ? describeSync(status.data, t, new Date(status.dataUpdatedAt))
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
