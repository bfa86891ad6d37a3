import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import { CommandError, errorMessage } from "../api/commands";
import { useOpenServerCustomer, useServerSearch } from "../api/customers";
import { useSyncStatus } from "../api/sync";
import type { ServerCustomer } from "../bindings";
import { relativeTime } from "../format";
import { initials } from "../components/initials";

const ASK_AFTER_MS = 300;

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** When this desk found no one, a connected desk also asks the server (once typing pauses). */
export function useServerResults(typed: string, localEmpty: boolean) {
  const connected = useSyncStatus().data?.connected === true;
  const asking = connected && localEmpty && typed.length >= 2;
  const settled = useDebounced(typed, ASK_AFTER_MS);
  const search = useServerSearch(settled, asking && settled === typed);
  const current = asking && settled === typed;
  const open = useOpenServerCustomer();
  return {
    asking,
    results: current ? (search.data ?? []) : [],
    searching: asking && (!current || search.isFetching),
    error: current && search.isError ? search.error : null,
    open,
  };
}

/** One quiet line under the results: asking, could not ask, bringing a customer over. */
export function ServerNote({
  server,
  opening,
}: {
  server: ReturnType<typeof useServerResults>;
  opening: ServerCustomer | null;
}) {
  const { t } = useTranslation();
  const { open } = server;
  let note: string | null = null;
  let failed = false;
  if (opening && open.isPending) note = t("search.opening", { name: opening.name });
  else if (opening && open.isError) {
    note = t("search.openFailed", { name: opening.name, message: errorMessage(open.error) });
    failed = true;
  } else if (server.searching) note = t("search.askingOtherStores");
  else if (server.error) {
    const offline = server.error instanceof CommandError && server.error.error.kind === "offline";
    note = offline ? t("search.otherStoresOffline") : t("search.otherStoresFailed", { message: errorMessage(server.error) });
  }
  if (!note) return null;
  return (
    <p className={`search-note${failed ? " failed" : ""}`} role="status" data-testid="server-note">
      {note}
    </p>
  );
}

export function ServerHitRow({ customer: c }: { customer: ServerCustomer }) {
  const { t } = useTranslation();
  const contact = [c.phone, c.email].filter(Boolean).join(" · ");
  return (
    <>
      <span className="avatar other-store" aria-hidden="true">
        {initials(c.name)}
      </span>
      <span className="hit-main">
        <span className="hit-name">{c.name}</span>
        <span className="hit-contact">{contact || t("customer.contactNone")}</span>
      </span>
      <span className="hit-meta hit-meta-stack">
        <span>{c.home_store ?? t("search.storeUnknown")}</span>
        <span>{c.last_seen_at ? t("search.lastSeen", { when: relativeTime(c.last_seen_at) }) : t("search.neverSeen")}</span>
      </span>
    </>
  );
}
