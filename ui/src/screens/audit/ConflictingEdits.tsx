import type { UseQueryResult } from "@tanstack/react-query";
import { Button } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { errorMessage } from "../../api/commands";
import type { StoreConflict } from "../../bindings";
import { profileFieldLabel, profileValue } from "../../components/profileValues";
import { absoluteTime, relativeTime } from "../../format";
import { useNavigation } from "../../navigation";

/** The server answers with at most this many, newest first. */
export const CONFLICTS_LIMIT = 100;

/** Conflicting edits: profile fields two desks changed at once, while neither could see the
 * other. The server kept the later value; this shows both, who set each, and which one the
 * customer record has now, so a supervisor can check with the customer. */
export function ConflictingEdits({
  connected,
  conflicts,
}: {
  connected: boolean;
  conflicts: UseQueryResult<StoreConflict[]>;
}) {
  const { t } = useTranslation();

  if (!connected) {
    return (
      <div className="empty-state" data-testid="conflicts-empty">
        <h2>{t("audit.conflicts.localTitle")}</h2>
        <p>{t("audit.conflicts.localHelp")}</p>
      </div>
    );
  }

  if (conflicts.isError) {
    return (
      <div className="empty-state" data-testid="conflicts-error">
        <h2>{t("audit.conflicts.loadFailed")}</h2>
        <p role="alert">{errorMessage(conflicts.error)}</p>
        <Button
          className="button conflicts-retry"
          isDisabled={conflicts.isFetching}
          onPress={() => void conflicts.refetch()}
          data-testid="conflicts-retry"
        >
          {t("common.retry")}
        </Button>
      </div>
    );
  }

  // Loading: the room's head says so (politely, for screen readers too).
  if (!conflicts.isSuccess) return <div aria-busy="true" />;

  // Newest first, as the server sends them; sorted again so a mixed answer still reads so.
  const list = [...conflicts.data].sort((a, b) => Date.parse(b.conflict.at) - Date.parse(a.conflict.at));
  if (list.length === 0) {
    return (
      <div className="empty-state" data-testid="conflicts-empty">
        <h2>{t("audit.conflicts.emptyTitle")}</h2>
        <p>{t("audit.conflicts.emptyHelp")}</p>
      </div>
    );
  }

  return (
    <section className="card conflicts-card" aria-busy={conflicts.isFetching || undefined}>
      <ul className="conflict-list" data-testid="conflicts-list" aria-label={t("audit.conflicts.listLabel")}>
        {list.map((c, i) => (
          <ConflictItem key={`${c.customer_id}-${c.conflict.field}-${c.conflict.at}-${i}`} item={c} />
        ))}
      </ul>
      {list.length >= CONFLICTS_LIMIT ? (
        <p className="queue-more muted small">{t("audit.conflicts.more", { limit: CONFLICTS_LIMIT })}</p>
      ) : null}
    </section>
  );
}

function ConflictItem({ item }: { item: StoreConflict }) {
  const { t } = useTranslation();
  const nav = useNavigation();
  const c = item.conflict;
  const name = item.customer_name;

  return (
    <li className="conflict-row" data-testid="conflict-item">
      <div className="conflict-head">
        <strong className="conflict-field">{profileFieldLabel(c.field, t)}</strong>
        <span className="sep" aria-hidden="true">
          ·
        </span>
        {name ? (
          <Button className="link-button" onPress={() => nav.go({ name: "customer", id: item.customer_id })}>
            {name}
          </Button>
        ) : (
          <span className="muted audit-erased">{t("audit.customerGone")}</span>
        )}
        <time className="conflict-when" dateTime={c.at} title={absoluteTime(c.at)}>
          {relativeTime(c.at)}
        </time>
      </div>
      <div className="conflict-side" data-testid="conflict-kept">
        <span className="conflict-chip kept">{t("audit.conflicts.kept")}</span>
        <span className="conflict-value">{profileValue(c.field, c.kept, t)}</span>
        <span className="muted small">{t("audit.conflicts.keptBy", { name: c.kept_by })}</span>
      </div>
      <div className="conflict-side" data-testid="conflict-not-kept">
        <span className="conflict-chip">{t("audit.conflicts.notKept")}</span>
        <span className="conflict-value was">{profileValue(c.field, c.not_kept, t)}</span>
        <span className="muted small">{t("audit.conflicts.notKeptBy", { name: c.not_kept_by })}</span>
      </div>
      <p className="muted small conflict-hint">{t("audit.conflicts.hint")}</p>
    </li>
  );
}
