import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { absoluteTime, relativeTime } from "../../../src/format";
import { api, ConsoleError } from "../api";
import type { OrgStore } from "../api-types";

/** The periods the organisation's figures are read for, in days. */
export const PERIODS = [7, 30, 90, 365] as const;
export type Period = (typeof PERIODS)[number];

/** The period and store pickers above the organisation's figures; `id` prefixes the fields'
 * ids and test ids (`{id}-period`, `{id}-store`). */
export function PeriodAndStore({
  id,
  days,
  storeId,
  onDays,
  onStore,
}: {
  id: string;
  days: Period;
  storeId: string;
  onDays: (days: Period) => void;
  onStore: (storeId: string) => void;
}) {
  const { t } = useTranslation("console");
  const stores = useStores();
  return (
    <div className="console-filters">
      <label className="field-label" htmlFor={`${id}-period`}>
        {t("insight.period")}
      </label>
      <select
        id={`${id}-period`}
        className="input"
        value={days}
        onChange={(e) => onDays(Number(e.target.value) as Period)}
        data-testid={`${id}-period`}
      >
        {PERIODS.map((p) => (
          <option key={p} value={p}>
            {t("insight.lastDays", { count: p })}
          </option>
        ))}
      </select>
      <label className="field-label" htmlFor={`${id}-store`}>
        {t("insight.store")}
      </label>
      <select
        id={`${id}-store`}
        className="input"
        value={storeId}
        onChange={(e) => onStore(e.target.value)}
        data-testid={`${id}-store`}
      >
        <option value="">{t("insight.allStores")}</option>
        {stores.data?.map((s) => (
          <option key={s.store_id} value={s.store_id}>
            {s.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The organisation's stores, which most pages name. */
export function useStores() {
  return useQuery({ queryKey: ["stores"], queryFn: () => api.get<OrgStore[]>("stores") });
}

export function storeName(stores: OrgStore[] | undefined, id: string | null): string {
  return stores?.find((s) => s.store_id === id)?.name ?? "—";
}

/** What a refusal says for one field of a form, or null. */
export function fieldError(error: unknown, field: string): string | null {
  return error instanceof ConsoleError && error.field === field ? error.message : null;
}

/** A refusal no field of the form explains. */
export function FormProblem({ error, fields }: { error: unknown; fields: string[] }) {
  const { t } = useTranslation("console");
  if (!error) return null;
  if (error instanceof ConsoleError && error.field && fields.includes(error.field)) return null;
  const message =
    error instanceof ConsoleError
      ? error.code === "offline"
        ? t("signIn.offline")
        : error.message
      : String(error);
  return (
    <p className="field-error" role="alert">
      {message}
    </p>
  );
}

export function Field({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  error?: string | null;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <div className="console-field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children}
      {hint && (
        <span className="field-hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {error && (
        <span className="field-error" id={`${id}-error`} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/** Something done, said once where the person is looking (a PIN or a code is shown once). */
export function Done({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <p className="console-done" role="status" data-testid={testId}>
      {children}
    </p>
  );
}

export function When({ iso }: { iso: string | null | undefined }) {
  const { t } = useTranslation("console");
  if (!iso) return <span className="muted">{t("never")}</span>;
  return <time dateTime={iso} title={absoluteTime(iso)}>{relativeTime(iso)}</time>;
}

export function LoadProblem({ error }: { error: unknown }) {
  const { t } = useTranslation("console");
  if (!error) return null;
  return (
    <p className="field-error" role="alert">
      {t("failed", { message: error instanceof Error ? error.message : "" })}
    </p>
  );
}
