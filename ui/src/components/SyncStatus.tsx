import { useTranslation } from "react-i18next";

import { useDeskInfo } from "../api/hooks";

/** Always says the truth about where the data is. Until a server is connected, everything is
 * saved on this desk, and that is what it says. */
export function SyncStatus() {
  const { t } = useTranslation();
  const desk = useDeskInfo();
  if (!desk.data) return null;
  const pending = desk.data.outbox.pending;
  return (
    <span
      className="sync-status local"
      role="status"
      title={`${t("desk.localOnlyDetail", { path: desk.data.database_path })}${
        pending > 0 ? ` · ${t("desk.waiting", { count: pending })}` : ""
      }`}
      data-testid="sync-status"
    >
      <span className="dot" aria-hidden="true" />
      {t("desk.localOnly")}
    </span>
  );
}
