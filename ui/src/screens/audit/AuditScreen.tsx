import { useVirtualizer } from "@tanstack/react-virtual";
import { useMemo, useRef, useState } from "react";
import { Button, Tab, TabList, TabPanel, Tabs } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { canReview } from "../../actions";
import { errorMessage } from "../../api/commands";
import { useAuditLog, useRecentConflicts } from "../../api/audit";
import { useDeskInfo, useStaff } from "../../api/desk";
import type { AuditAction, AuditEntry, NameRef } from "../../bindings";
import { Choice } from "../../components/Choice";
import { absoluteTime, relativeTime } from "../../format";
import { profileFieldLabel } from "../../components/profileValues";
import { useNavigation } from "../../navigation";
import { AuditActionBadge } from "./AuditActionBadge";
import {
  AUDIT_ACTIONS,
  AUDIT_LIMIT,
  AUDIT_PERIODS,
  defaultFilters,
  toAuditFilter,
  type AuditFilters,
  type AuditPeriod,
} from "./auditFilter";
import { ConflictingEdits } from "./ConflictingEdits";
import "./audit.css";

const ANY = "__any__";
const ROW_HEIGHT = 40;
const HEAD_HEIGHT = 32;

export type AuditView = "trail" | "conflicts";

/** Audit: who viewed, changed, exported, erased or imported what, newest first; filtered by
 * action, staff member and period, or to one customer when opened from their page. Beside the
 * trail, the profile edits two desks made at once (asked of the server only when shown). */
export function AuditScreen({ customer = null }: { customer?: NameRef | null }) {
  const { t } = useTranslation();
  const desk = useDeskInfo();
  const allowed = canReview(desk.data?.staff.role);
  const connected = desk.data?.connected === true;
  const [view, setView] = useState<AuditView>("trail");
  const [filters, setFilters] = useState<AuditFilters>(() => defaultFilters(customer));
  const filter = useMemo(() => toAuditFilter(filters), [filters]);
  const log = useAuditLog(filter, allowed);
  const conflicts = useRecentConflicts(allowed && connected && view === "conflicts");
  const entries = log.data ?? [];

  if (!desk.isSuccess || !allowed) {
    return (
      <main className="screen audit" aria-labelledby="audit-title" data-testid="audit-screen">
        {desk.isSuccess ? (
          <div className="empty-state">
            <h2 id="audit-title">{t("audit.notAllowedTitle")}</h2>
            <p>{t("audit.notAllowed")}</p>
          </div>
        ) : (
          <div className="screen-head">
            <h1 id="audit-title">{t("audit.title")}</h1>
          </div>
        )}
      </main>
    );
  }

  const changed =
    filters.action !== null || filters.staffId !== null || filters.period !== defaultFilters(filters.customer).period;
  const waiting = log.isFetching && (log.isPlaceholderData || !log.data);

  const trail = view === "trail";

  return (
    <main className="screen audit" aria-labelledby="audit-title" data-testid="audit-screen">
      <Tabs selectedKey={view} onSelectionChange={(k) => setView(k as AuditView)} className="room-tabs">
        <div className="screen-head room-tabs-head">
          <div>
            <h1 id="audit-title">
              {trail && filters.customer ? t("audit.titleFor", { name: filters.customer.name }) : t("audit.title")}
            </h1>
            {trail ? (
              <p className="muted" aria-live="polite" data-testid="audit-count">
                {waiting ? t("audit.loading") : t("audit.count", { count: entries.length })}
              </p>
            ) : (
              <p className="muted" aria-live="polite" data-testid="conflicts-count">
                {!connected || conflicts.isError
                  ? t("audit.conflicts.subtitle")
                  : conflicts.isSuccess
                    ? t("audit.conflicts.count", { count: conflicts.data.length })
                    : t("audit.conflicts.loading")}
              </p>
            )}
          </div>
          <TabList className="tab-list room-tab-list" aria-label={t("audit.views")}>
            <Tab id="trail" className="tab" data-testid="audit-tab-trail">
              {t("audit.trailTab")}
            </Tab>
            <Tab id="conflicts" className="tab" data-testid="audit-tab-conflicts">
              {t("audit.conflictsTab")}
            </Tab>
          </TabList>
        </div>
        <TabPanel id="trail" className="room-tab-panel">
          <AuditFilterBar filters={filters} setFilters={setFilters} changed={changed} />

          {log.isError ? (
            <p className="field-error" role="alert">
              {t("audit.loadFailed", { message: errorMessage(log.error) })}
            </p>
          ) : log.isSuccess && entries.length === 0 && !waiting ? (
            <div className="empty-state" data-testid="audit-empty">
              <h2>{changed || filters.customer ? t("audit.emptyFilteredTitle") : t("audit.emptyTitle")}</h2>
              <p>{t("audit.emptyHelp")}</p>
            </div>
          ) : (
            <AuditTable entries={entries} busy={waiting} />
          )}
        </TabPanel>
        <TabPanel id="conflicts" className="room-tab-panel">
          <ConflictingEdits connected={connected} conflicts={conflicts} />
        </TabPanel>
      </Tabs>
    </main>
  );
}

function AuditFilterBar({
  filters,
  setFilters,
  changed,
}: {
  filters: AuditFilters;
  setFilters: (update: (f: AuditFilters) => AuditFilters) => void;
  changed: boolean;
}) {
  const { t } = useTranslation();
  const staff = useStaff();
  const set = <K extends keyof AuditFilters>(key: K, value: AuditFilters[K]) => setFilters((f) => ({ ...f, [key]: value }));

  return (
    <div className="queue-filters" role="group" aria-label={t("audit.filters")}>
      {filters.customer ? (
        <span className="filter-chip" data-testid="audit-customer-filter">
          {t("audit.customerFilter", { name: filters.customer.name })}
          <Button
            className="filter-chip-clear"
            aria-label={t("audit.clearCustomer", { name: filters.customer.name })}
            onPress={() => set("customer", null)}
          >
            <svg viewBox="0 0 20 20" width="12" height="12" aria-hidden="true">
              <path d="M5 5l10 10M15 5 5 15" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
            </svg>
          </Button>
        </span>
      ) : null}
      <div className="queue-filter" data-active={filters.action !== null || undefined}>
        <Choice
          label={t("audit.action")}
          hideLabel
          compact
          name="audit_action"
          value={filters.action ?? ANY}
          options={[
            { id: ANY, label: t("audit.anyAction") },
            ...AUDIT_ACTIONS.map((a) => ({ id: a, label: t(`audit.actions.${a}`) })),
          ]}
          onChange={(v) => set("action", v === ANY ? null : (v as AuditAction))}
        />
      </div>
      <div className="queue-filter" data-active={filters.staffId !== null || undefined}>
        <Choice
          label={t("audit.staff")}
          hideLabel
          compact
          name="audit_staff"
          value={filters.staffId ?? ANY}
          options={[
            { id: ANY, label: t("audit.allStaff") },
            ...(staff.data ?? []).map((s) => ({ id: s.id, label: s.name })),
          ]}
          onChange={(v) => set("staffId", v === ANY ? null : v)}
        />
      </div>
      <div
        className="queue-filter"
        data-active={filters.period !== defaultFilters(filters.customer).period || undefined}
      >
        <Choice<AuditPeriod>
          label={t("audit.period")}
          hideLabel
          compact
          name="audit_period"
          value={filters.period}
          options={AUDIT_PERIODS.map((p) => ({ id: p, label: t(`audit.periods.${p}`) }))}
          onChange={(p) => set("period", p)}
        />
      </div>
      {changed ? (
        <Button
          className="link-button queue-clear"
          onPress={() => setFilters((f) => defaultFilters(f.customer))}
          data-testid="audit-clear"
        >
          {t("review.clearFilters")}
        </Button>
      ) : null}
    </div>
  );
}

/** A dense table, virtualised: only the rows in view are drawn, so 500 entries scroll smoothly.
 * The scroller holds the whole table (its header sticks), so the table owns only rows. */
function AuditTable({ entries, busy }: { entries: AuditEntry[]; busy: boolean }) {
  const { t } = useTranslation();
  const scroller = useRef<HTMLDivElement>(null);
  // The virtualiser manages its own measurements; React Compiler must leave it alone.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtual = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    initialRect: { width: 960, height: 600 },
    // The rows start below the sticky header.
    scrollMargin: HEAD_HEIGHT,
  });

  return (
    <section className="card audit-card" aria-busy={busy || undefined}>
      <div className="audit-scroll" ref={scroller} tabIndex={0}>
        <div role="table" className="audit-table" aria-label={t("audit.listLabel")} aria-rowcount={entries.length + 1}>
          <div role="rowgroup" className="audit-head">
            <div role="row" aria-rowindex={1} className="audit-row audit-row-head" style={{ height: HEAD_HEIGHT }}>
              <span role="columnheader">{t("audit.columns.when")}</span>
              <span role="columnheader">{t("audit.columns.who")}</span>
              <span role="columnheader">{t("audit.columns.what")}</span>
              <span role="columnheader">{t("audit.columns.customer")}</span>
              <span role="columnheader">{t("audit.columns.detail")}</span>
            </div>
          </div>
          <div role="rowgroup" style={{ height: virtual.getTotalSize(), position: "relative" }}>
            {virtual.getVirtualItems().map((item) => {
              const entry = entries[item.index];
              if (!entry) return null;
              return (
                <div
                  key={item.key}
                  role="row"
                  aria-rowindex={item.index + 2}
                  className="audit-row"
                  data-testid="audit-entry"
                  style={{ height: ROW_HEIGHT, transform: `translateY(${item.start - HEAD_HEIGHT}px)` }}
                >
                  <AuditCells entry={entry} />
                </div>
              );
            })}
          </div>
        </div>
      </div>
      {entries.length >= AUDIT_LIMIT ? (
        <p className="queue-more muted small">{t("audit.more", { limit: AUDIT_LIMIT })}</p>
      ) : null}
    </section>
  );
}

function AuditCells({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const nav = useNavigation();
  const id = entry.customer_id;
  const name = entry.customer_name;
  const entity = t(`audit.entities.${entry.entity}`, { defaultValue: entry.entity });

  return (
    <>
      <span role="cell" className="audit-when">
        <time dateTime={entry.at} title={absoluteTime(entry.at)}>
          {relativeTime(entry.at)}
        </time>
      </span>
      <span role="cell" className="audit-who" title={entry.staff}>
        {entry.staff}
      </span>
      <span role="cell">
        <AuditActionBadge action={entry.action} />
      </span>
      <span role="cell" className="audit-customer">
        {id === null ? (
          <span className="muted">{entity}</span>
        ) : name === "" ? (
          <span className="muted audit-erased">{t("audit.erasedCustomer")}</span>
        ) : name === null ? (
          <span className="muted">{t("audit.customerElsewhere")}</span>
        ) : (
          <Button className="link-button" onPress={() => nav.go({ name: "customer", id })}>
            {name}
          </Button>
        )}
      </span>
      <span role="cell" className="audit-detail" title={entry.detail ?? undefined}>
        {auditDetail(entry, t)}
      </span>
    </>
  );
}

/** A sign-in pause: `wrong_pins=3;pause_secs=30;name=Maria Lopes` in words. */
function signInPause(detail: string, t: (key: string, options?: Record<string, unknown>) => string): string {
  const [pins, secs, ...rest] = detail.split(";");
  const value = (part: string | undefined) => part?.split("=")[1] ?? "";
  const name = rest.join(";").replace(/^name=/, "");
  const seconds = Number(value(secs));
  const pause = seconds >= 90 ? t("audit.details.minutes", { count: Math.ceil(seconds / 60) }) : t("audit.details.seconds", { count: seconds });
  return t("audit.details.signInPaused", { count: Number(value(pins)), name, pause });
}

/** An entry's detail in words: what a change did ("Deleted", "Changed: Name, Note", a
 * conversation's "Corrected: Reason"); an export's file as written. */
function auditDetail(entry: AuditEntry, t: (key: string, options?: Record<string, unknown>) => string): string {
  const detail = entry.detail ?? "";
  if (entry.action === "sign_in_locked") return signInPause(detail, t);
  if (entry.action !== "change") return detail;
  if (detail === "deleted" || detail === "restored") return t(`audit.details.${detail}`);
  if (!detail.startsWith("fields:")) return detail;
  const fields = detail.slice("fields:".length).split(",").filter(Boolean);
  if (entry.entity === "interaction") {
    const names = fields.map((f) => t(`amend.fields.${f.replace(/_id$/, "")}`, { defaultValue: f }));
    return t("audit.details.corrected", { fields: names.join(", ") });
  }
  return t("audit.details.changed", { fields: fields.map((f) => profileFieldLabel(f, t)).join(", ") });
}
