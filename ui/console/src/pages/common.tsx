import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { absoluteTime, relativeTime } from "../../../src/format";
import { api, ConsoleError } from "../api";
import type { OrgStore } from "../api-types";

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
