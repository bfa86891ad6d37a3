import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { absoluteTime } from "../../../src/format";
import { api } from "../api";
import type { CodeKind, IssuedCode, NewEnrollmentCode } from "../api-types";
import { Done, Field, FormProblem, fieldError, storeName, useStores } from "./common";

const KINDS: CodeKind[] = ["till", "supervisor", "reads_stores", "whole_organisation"];

export function CodesPage() {
  const { t } = useTranslation("console");
  const stores = useStores();
  const [store, setStore] = useState<string | null>(null);
  const [kind, setKind] = useState<CodeKind>("till");
  const [also, setAlso] = useState<string[]>([]);
  const [hours, setHours] = useState("24");
  const chosen = store ?? stores.data?.[0]?.store_id ?? "";
  const issue = useMutation({ mutationFn: (req: NewEnrollmentCode) => api.post<IssuedCode>("enrollment-codes", req) });
  return (
    <section className="console-page" aria-labelledby="codes-heading">
      <h1 id="codes-heading">{t("codes.heading")}</h1>
      <p className="muted">{t("codes.lead")}</p>
      <form
        className="card console-form"
        onSubmit={(e) => {
          e.preventDefault();
          issue.mutate({
            store_id: chosen,
            kind,
            also_reads: kind === "reads_stores" ? also : [],
            valid_hours: Number.parseInt(hours, 10) || 0,
          });
        }}
      >
        <Field id="code-store" label={t("codes.store")} error={fieldError(issue.error, "store_id")}>
          <select id="code-store" className="input" value={chosen} onChange={(e) => setStore(e.target.value)} data-testid="code-store">
            {stores.data?.map((s) => (
              <option key={s.store_id} value={s.store_id}>
                {s.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="code-kind" label={t("codes.kind")}>
          <select id="code-kind" className="input" value={kind} onChange={(e) => setKind(e.target.value as CodeKind)} data-testid="code-kind">
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`codes.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        {kind === "reads_stores" && (
          <fieldset className="console-field">
            <legend className="field-label">{t("codes.alsoReads")}</legend>
            {stores.data
              ?.filter((s) => s.store_id !== chosen)
              .map((s) => (
                <label key={s.store_id} className="console-check">
                  <input
                    type="checkbox"
                    checked={also.includes(s.store_id)}
                    onChange={(e) =>
                      setAlso(e.target.checked ? [...also, s.store_id] : also.filter((x) => x !== s.store_id))
                    }
                  />
                  {s.name}
                </label>
              ))}
            {fieldError(issue.error, "also_reads") && (
              <span className="field-error" role="alert">
                {fieldError(issue.error, "also_reads")}
              </span>
            )}
          </fieldset>
        )}
        <Field id="code-hours" label={t("codes.hours")} error={fieldError(issue.error, "valid_hours")}>
          <input
            id="code-hours"
            className="input console-narrow"
            type="number"
            min={1}
            max={336}
            value={hours}
            onChange={(e) => setHours(e.target.value)}
            data-testid="code-hours"
          />
        </Field>
        <div className="console-form-actions">
          <button type="submit" className="button primary" disabled={issue.isPending || !chosen} data-testid="issue-code">
            {t("codes.issue")}
          </button>
        </div>
        <FormProblem error={issue.error} fields={["store_id", "also_reads", "valid_hours"]} />
      </form>
      {issue.data && (
        <Done testId="code-issued">
          {t("codes.issued", {
            store: storeName(stores.data, issue.data.store_id),
            code: issue.data.code,
            until: absoluteTime(issue.data.expires_at),
          })}
          <code className="console-code" data-testid="issued-code">
            {issue.data.code}
          </code>
        </Done>
      )}
    </section>
  );
}
