import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api } from "../api";
import type { StaffImport, StaffImportRequest } from "../api-types";
import { Done, FormProblem, storeName, useStores } from "./common";

/** The PINs of the people just added, as a file to hand out (the only time they are shown). */
function pinsFile(done: StaffImport, store: (id: string | null) => string): string {
  const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = done.rows.map((r) => [r.name, r.role ?? "", store(r.home_store_id), r.pin ?? ""].map(cell).join(","));
  return ["name,role,store,pin", ...lines].join("\n") + "\n";
}

/** A row's problem without the field the server names first (the column already says it). */
const withoutField = (problem: string) => problem.replace(/^[a-z_]+: /, "");

/** Staff from a spreadsheet: checked first (every row's problem shown), then added at once. */
export function ImportStaff() {
  const { t } = useTranslation("console");
  const queries = useQueryClient();
  const stores = useStores();
  const [csv, setCsv] = useState<string | null>(null);
  const [file, setFile] = useState("");
  const run = useMutation({
    mutationFn: (req: StaffImportRequest) => api.post<StaffImport>("staff/import", req),
    onSuccess: (done) => {
      if (done.added > 0) void queries.invalidateQueries({ queryKey: ["staff"] });
    },
  });
  const result = run.data;
  const problems = result?.rows.filter((r) => r.problem) ?? [];
  const store = (id: string | null) => (id ? storeName(stores.data, id) : t("staff.anyStore"));
  const choose = async (f: File | undefined) => {
    if (!f) return;
    const text = await f.text();
    setFile(f.name);
    setCsv(text);
    run.mutate({ csv: text, dry_run: true });
  };
  const download = (done: StaffImport) => {
    const url = URL.createObjectURL(new Blob([pinsFile(done, store)], { type: "text/csv" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = "touchpoint-pins.csv";
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <section className="card console-list console-import" aria-labelledby="import-heading" data-testid="staff-import">
      <h2 id="import-heading">{t("import.heading")}</h2>
      <p className="muted">{t("import.about")}</p>
      <div className="console-inline-form">
        <input
          id="import-file"
          className="visually-hidden console-file"
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => void choose(e.target.files?.[0])}
          data-testid="import-file"
        />
        <label className="button" htmlFor="import-file">
          {t("import.choose")}
        </label>
        {file && <span className="muted">{file}</span>}
      </div>
      <FormProblem error={run.error} fields={[]} />
      {result?.file_problem && (
        <p className="field-error" role="alert" data-testid="import-file-problem">
          {result.file_problem.replace(/^csv: /, "")}
        </p>
      )}
      {result && result.dry_run && !result.file_problem && (
        <>
          <p className="console-import-status" role="status" data-testid="import-checked">
            {problems.length > 0
              ? t("import.problems", { count: problems.length, rows: result.rows.length })
              : t("import.ready", { count: result.rows.length })}
          </p>
          <table className="table console-table">
            <thead>
              <tr>
                <th scope="col">{t("import.line")}</th>
                <th scope="col">{t("staff.name")}</th>
                <th scope="col">{t("staff.role")}</th>
                <th scope="col">{t("staff.store")}</th>
                <th scope="col">{t("import.check")}</th>
              </tr>
            </thead>
            <tbody>
              {result.rows.map((r) => (
                <tr key={r.line}>
                  <td>{r.line}</td>
                  <td>{r.name || "—"}</td>
                  <td>{r.role ? t(`role.${r.role}`) : "—"}</td>
                  <td>{r.problem?.startsWith("store:") ? "—" : store(r.home_store_id)}</td>
                  <td data-refused={r.problem ? "" : undefined}>{r.problem ? withoutField(r.problem) : t("import.ok")}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {problems.length === 0 && csv && (
            <div className="console-form-actions">
              <button
                type="button"
                className="button primary"
                disabled={run.isPending}
                onClick={() => run.mutate({ csv, dry_run: false })}
                data-testid="import-add"
              >
                {t("import.add", { count: result.rows.length })}
              </button>
            </div>
          )}
        </>
      )}
      {result && !result.dry_run && (
        <>
          <Done testId="import-done">{t("import.added", { count: result.added })}</Done>
          <table className="table console-table" data-testid="import-pins">
            <thead>
              <tr>
                <th scope="col">{t("staff.name")}</th>
                <th scope="col">{t("staff.store")}</th>
                <th scope="col">{t("import.pin")}</th>
              </tr>
            </thead>
            <tbody>
              {result.rows.map((r) => (
                <tr key={r.line}>
                  <td>{r.name}</td>
                  <td>{store(r.home_store_id)}</td>
                  <td className="console-pin">{r.pin}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="console-form-actions">
            <button type="button" className="button" onClick={() => download(result)}>
              {t("import.download")}
            </button>
          </div>
        </>
      )}
    </section>
  );
}
