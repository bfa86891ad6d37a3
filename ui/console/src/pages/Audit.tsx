import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { absoluteTime } from "../../../src/format";
import { api } from "../api";
import type { AuditAction, ConsoleAuditEntry, DeskAuditEntry, OrgConflict, OrgStaff } from "../api-types";
import { LoadProblem, storeName, useStores } from "./common";

type View = "desks" | "conflicts" | "console";
const VIEWS: View[] = ["desks", "conflicts", "console"];
const ACTIONS: AuditAction[] = ["view", "change", "export", "erase", "import", "merge", "unmerge", "sign_in_locked"];
const PAGE = 100;

/** Stewardship across the organisation: what people did at desks, edits made apart, and the console's own log. */
export function AuditPage() {
  const { t } = useTranslation("console");
  const [view, setView] = useState<View>("desks");
  return (
    <section className="console-page" aria-labelledby="audit-heading">
      <div className="console-page-head">
        <h1 id="audit-heading">{t("audit.heading")}</h1>
        <div className="console-segments" role="group" aria-label={t("audit.heading")}>
          {VIEWS.map((v) => (
            <button
              key={v}
              type="button"
              className="button small"
              aria-pressed={view === v}
              onClick={() => setView(v)}
              data-testid={`audit-view-${v}`}
            >
              {t(`audit.views.${v}`)}
            </button>
          ))}
        </div>
      </div>
      {view === "desks" && <DeskAudit />}
      {view === "conflicts" && <Conflicts />}
      {view === "console" && <ConsoleAudit />}
    </section>
  );
}

type Filters = { staff: string; store: string; action: string; customer: { id: string; name: string } | null };

function DeskAudit() {
  const { t } = useTranslation("console");
  const stores = useStores();
  const staff = useQuery({ queryKey: ["staff"], queryFn: () => api.get<OrgStaff[]>("staff") });
  const [f, setF] = useState<Filters>({ staff: "", store: "", action: "", customer: null });
  const query = new URLSearchParams({ limit: String(PAGE) });
  if (f.staff) query.set("staff_id", f.staff);
  if (f.store) query.set("store_id", f.store);
  if (f.action) query.set("action", f.action);
  if (f.customer) query.set("customer_id", f.customer.id);
  const entries = useInfiniteQuery({
    queryKey: ["desk-audit", query.toString()],
    initialPageParam: null as number | null,
    queryFn: ({ pageParam }) =>
      api.get<DeskAuditEntry[]>(`desk-audit?${query.toString()}${pageParam === null ? "" : `&before=${pageParam}`}`),
    getNextPageParam: (last) => (last.length === PAGE ? (last[last.length - 1]?.seq ?? null) : null),
  });
  const rows = entries.data?.pages.flat() ?? [];
  return (
    <>
      <div className="console-filters console-filters-wrap" data-testid="desk-audit-filters">
        <label className="field-label" htmlFor="audit-person">
          {t("audit.person")}
        </label>
        <select id="audit-person" className="input" value={f.staff} onChange={(e) => setF({ ...f, staff: e.target.value })}>
          <option value="">{t("audit.anyone")}</option>
          {staff.data?.map((p) => (
            <option key={p.staff_id} value={p.staff_id}>
              {p.name}
            </option>
          ))}
        </select>
        <label className="field-label" htmlFor="audit-store">
          {t("audit.store")}
        </label>
        <select id="audit-store" className="input" value={f.store} onChange={(e) => setF({ ...f, store: e.target.value })}>
          <option value="">{t("insight.allStores")}</option>
          {stores.data?.map((s) => (
            <option key={s.store_id} value={s.store_id}>
              {s.name}
            </option>
          ))}
        </select>
        <label className="field-label" htmlFor="audit-action">
          {t("audit.action")}
        </label>
        <select
          id="audit-action"
          className="input"
          value={f.action}
          onChange={(e) => setF({ ...f, action: e.target.value })}
          data-testid="audit-action"
        >
          <option value="">{t("audit.anything")}</option>
          {ACTIONS.map((a) => (
            <option key={a} value={a}>
              {t(`audit.actions.${a}`, { ns: "translation" })}
            </option>
          ))}
        </select>
        {f.customer && (
          <button
            type="button"
            className="button small"
            onClick={() => setF({ ...f, customer: null })}
            aria-label={t("audit.clearCustomer", { name: f.customer.name })}
            data-testid="audit-customer-filter"
          >
            {f.customer.name} ✕
          </button>
        )}
      </div>
      <LoadProblem error={entries.error} />
      {entries.isSuccess && rows.length === 0 && <p className="muted">{t("audit.noneMatch")}</p>}
      {rows.length > 0 && (
        <table className="table console-table" data-testid="desk-audit">
          <thead>
            <tr>
              <th scope="col">{t("audit.at")}</th>
              <th scope="col">{t("audit.who")}</th>
              <th scope="col">{t("audit.action")}</th>
              <th scope="col">{t("audit.customer")}</th>
              <th scope="col">{t("audit.where")}</th>
              <th scope="col">{t("audit.detail")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <tr key={e.seq}>
                <td>
                  <time dateTime={e.at}>{absoluteTime(e.at)}</time>
                </td>
                <td>{e.staff_name ?? "—"}</td>
                <td data-action={e.action}>{t(`audit.actions.${e.action}`, { ns: "translation" })}</td>
                <td>
                  {e.customer_id ? (
                    <button
                      type="button"
                      className="link-button"
                      title={t("audit.onlyCustomer")}
                      onClick={() =>
                        e.customer_id &&
                        setF({ ...f, customer: { id: e.customer_id, name: e.customer_name ?? t("audit.erased") } })
                      }
                    >
                      {e.customer_name ?? t("audit.erased")}
                    </button>
                  ) : (
                    "—"
                  )}
                </td>
                <td>
                  {storeName(stores.data, e.store_id)}
                  {e.device_name ? <span className="muted"> · {e.device_name}</span> : null}
                </td>
                <td className="console-detail">{e.detail ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {entries.hasNextPage && (
        <button
          type="button"
          className="button"
          disabled={entries.isFetchingNextPage}
          onClick={() => void entries.fetchNextPage()}
        >
          {t("audit.older")}
        </button>
      )}
    </>
  );
}

/** A stored value as a person reads it: text without its quotes, lists joined, nothing as a dash. */
function shownValue(json: string): string {
  try {
    const v: unknown = JSON.parse(json);
    if (v === null || v === "") return "—";
    if (typeof v === "string") return v;
    if (Array.isArray(v)) return v.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).join(", ");
    return JSON.stringify(v);
  } catch {
    return json;
  }
}

function Conflicts() {
  const { t } = useTranslation("console");
  const conflicts = useQuery({ queryKey: ["conflicts"], queryFn: () => api.get<OrgConflict[]>("conflicts?limit=200") });
  return (
    <>
      <p className="muted">{t("audit.conflictsAbout")}</p>
      <LoadProblem error={conflicts.error} />
      {conflicts.data?.length === 0 && <p className="muted">{t("audit.noConflicts")}</p>}
      {!!conflicts.data?.length && (
        <table className="table console-table" data-testid="conflicts">
          <thead>
            <tr>
              <th scope="col">{t("audit.at")}</th>
              <th scope="col">{t("audit.customer")}</th>
              <th scope="col">{t("audit.field")}</th>
              <th scope="col">{t("audit.kept")}</th>
              <th scope="col">{t("audit.notKept")}</th>
            </tr>
          </thead>
          <tbody>
            {conflicts.data.map((c) => (
              <tr key={`${c.customer_id}-${c.field}-${c.recorded_at}`}>
                <td>
                  <time dateTime={c.recorded_at}>{absoluteTime(c.recorded_at)}</time>
                </td>
                <td>{c.customer_name ?? t("audit.erased")}</td>
                <td>{t(`audit.fields.${c.field}`, { defaultValue: c.field })}</td>
                <td>
                  {shownValue(c.kept_value)}
                  <span className="console-detail"> · {c.kept_staff_name ?? "—"}</span>
                </td>
                <td className="console-lost">
                  {shownValue(c.lost_value)}
                  <span className="console-detail"> · {c.lost_staff_name ?? "—"}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function ConsoleAudit() {
  const { t } = useTranslation("console");
  const stores = useStores();
  // A store named by its id in the detail is shown by its name.
  const shown = (key: string, value: string) => (key.endsWith("store_id") ? storeName(stores.data, value) : value);
  const entries = useQuery({ queryKey: ["audit"], queryFn: () => api.get<ConsoleAuditEntry[]>("audit?limit=200") });
  return (
    <>
      <LoadProblem error={entries.error} />
      {entries.data?.length === 0 && <p className="muted">{t("audit.empty")}</p>}
      {!!entries.data?.length && (
        <table className="table console-table" data-testid="audit">
          <thead>
            <tr>
              <th scope="col">{t("audit.at")}</th>
              <th scope="col">{t("audit.who")}</th>
              <th scope="col">{t("audit.action")}</th>
              <th scope="col">{t("audit.detail")}</th>
            </tr>
          </thead>
          <tbody>
            {entries.data.map((e) => (
              <tr key={e.entry_id}>
                <td>
                  <time dateTime={e.at}>{absoluteTime(e.at)}</time>
                </td>
                <td>{e.staff_name ?? "—"}</td>
                <td data-action={e.action}>{t(`audit.actions.${e.action}`, { defaultValue: e.action })}</td>
                <td className="console-detail">
                  {Object.entries(e.detail)
                    .filter(([, v]) => v !== "")
                    .map(([k, v]) => `${k}: ${shown(k, v)}`)
                    .join(" · ")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
