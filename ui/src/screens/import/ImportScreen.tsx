import { useState } from "react";
import { Button, FileTrigger } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { errorMessage, fieldErrors } from "../../api/commands";
import { useImportCustomers } from "../../api/hooks";
import type { ImportReport } from "../../bindings";
import { TextInput } from "../../components/TextInput";

/** Import customers from a CSV file: check first (nothing written, every line explained), then
 * import exactly what was checked. */
export function ImportScreen() {
  const { t } = useTranslation();
  const run = useImportCustomers();
  const [csv, setCsv] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const errors = fieldErrors(run.error);

  function check(commit: boolean) {
    run.mutate({ csv, commit }, { onSuccess: setReport });
  }

  return (
    <main className="screen import" aria-labelledby="import-title">
      <div className="screen-head">
        <div>
          <h1 id="import-title">{t("import.title")}</h1>
          <p className="muted">{t("import.help")}</p>
        </div>
      </div>
      <section className="card import-input">
        <div className="import-source">
          <FileTrigger
            acceptedFileTypes={[".csv", "text/csv", "text/plain"]}
            onSelect={(files) => {
              const file = files?.[0];
              if (!file) return;
              setFileName(file.name);
              setReport(null);
              void file.text().then(setCsv);
            }}
          >
            <Button className="button">{t("import.choose")}</Button>
          </FileTrigger>
          <span className="muted">{fileName ? t("import.chosen", { name: fileName }) : t("import.orPaste")}</span>
        </div>
        <TextInput
          name="csv"
          label={t("import.csv")}
          hint={t("import.columns")}
          value={csv}
          onChange={(v) => {
            setCsv(v);
            setReport(null);
          }}
          error={errors.file}
          multiline
        />
        <div className="form-actions">
          <span />
          <div className="actions-row">
            <Button className="button" isDisabled={!csv.trim() || run.isPending} onPress={() => check(false)} data-testid="import-check">
              {t("import.check")}
            </Button>
            <Button
              className="button primary"
              isDisabled={!report || report.committed || report.created + report.updated === 0 || run.isPending}
              onPress={() => check(true)}
              data-testid="import-commit"
            >
              {report && !report.committed
                ? t("import.commit", { count: report.created + report.updated })
                : t("import.commitPlain")}
            </Button>
          </div>
        </div>
        {run.isError && !errors.file ? <p className="field-error">{errorMessage(run.error)}</p> : null}
      </section>
      {report ? <Report report={report} /> : null}
    </main>
  );
}

function Report({ report }: { report: ImportReport }) {
  const { t } = useTranslation();
  return (
    <section className="card import-report" aria-labelledby="report-title" data-testid="import-report">
      <h2 id="report-title" className="card-title">
        {report.committed ? t("import.done") : t("import.preview")}
      </h2>
      <p className="import-summary" data-testid="import-summary">
        {t("import.summary", {
          created: report.created,
          updated: report.updated,
          unchanged: report.unchanged,
          errors: report.errors,
        })}
        {report.ignored_columns.length > 0 ? (
          <span className="muted"> · {t("import.ignored", { list: report.ignored_columns.join(", ") })}</span>
        ) : null}
      </p>
      <table className="table">
        <thead>
          <tr>
            <th>{t("import.line")}</th>
            <th>{t("import.name")}</th>
            <th>{t("import.action")}</th>
            <th>{t("import.details")}</th>
          </tr>
        </thead>
        <tbody>
          {report.rows.map((r) => (
            <tr key={r.line} data-testid="import-row" data-action={r.action}>
              <td className="muted">{r.line}</td>
              <td>{r.name || "—"}</td>
              <td>
                <span className={`action-chip action-${r.action}`}>{t(`import.actions.${r.action}`)}</span>
              </td>
              <td>
                {r.errors.length > 0 ? (
                  <ul className="row-errors">
                    {r.errors.map((e) => (
                      <li key={e}>{e}</li>
                    ))}
                  </ul>
                ) : (
                  <span className="muted">
                    {r.matched_on ? t("import.matched", { on: t(`import.on.${r.matched_on}`) }) + " · " : ""}
                    {r.fields.map((f) => t(`profile.fields.${f}`)).join(", ")}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
