import { useState } from "react";
import { Button, FileTrigger } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { errorMessage, fieldErrors } from "../../api/commands";
import { useImportCustomers } from "../../api/customers";
import type { TFunction } from "i18next";

import type { ConflictChoice, ImportChoice, ImportReport } from "../../bindings";
import { Choice } from "../../components/Choice";
import { TextInput } from "../../components/TextInput";
import "./import.css";

/** Import customers from a CSV file: check first (nothing written, every line explained), then
 * import exactly what was checked. */
export function ImportScreen() {
  const { t } = useTranslation();
  const run = useImportCustomers();
  const [csv, setCsv] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  // What the person chose for each conflicting line (a phone match under another name).
  const [choices, setChoices] = useState<ImportChoice[]>([]);
  const errors = fieldErrors(run.error);

  function check(commit: boolean, chosen: ImportChoice[] = choices) {
    run.mutate({ csv, commit, choices: chosen }, { onSuccess: setReport });
  }

  function choose(line: number, choice: ConflictChoice) {
    const chosen = [...choices.filter((c) => c.line !== line), { line, choice }];
    setChoices(chosen);
    check(false, chosen); // the preview shows what the choice does
  }

  const fileChanged = (text: string) => {
    setCsv(text);
    setReport(null);
    setChoices([]);
  };

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
              void file.text().then(fileChanged);
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
          onChange={fileChanged}
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
              isDisabled={
                !report || report.committed || report.conflicts > 0 || report.created + report.updated === 0 || run.isPending
              }
              onPress={() => check(true)}
              data-testid="import-commit"
            >
              {report && !report.committed
                ? t("import.commit", { count: report.created + report.updated })
                : t("import.commitPlain")}
            </Button>
          </div>
        </div>
        {report && !report.committed && report.conflicts > 0 ? (
          <p className="import-waiting" role="status" data-testid="import-waiting">
            {t("import.waiting", { count: report.conflicts })}
          </p>
        ) : null}
        {run.isError && !errors.file ? <p className="field-error">{errorMessage(run.error)}</p> : null}
      </section>
      {report ? <Report report={report} onChoose={choose} /> : null}
    </main>
  );
}

const CHOICES: ConflictChoice[] = ["keep_name", "use_new_name", "new_customer"];

function Report({ report, onChoose }: { report: ImportReport; onChoose: (line: number, c: ConflictChoice) => void }) {
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
        {report.conflicts > 0 ? <strong className="import-to-choose"> · {t("import.toChoose", { count: report.conflicts })}</strong> : null}
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
                  <>
                    {r.current_name ? (
                      <div className="import-conflict" data-testid="import-conflict">
                        <p>{t("import.conflict", { current: r.current_name, name: r.name })}</p>
                        {report.committed ? null : (
                          <Choice
                            label={t("import.conflictChoice")}
                            hideLabel
                            compact
                            name={`conflict-${r.line}`}
                            value={r.choice}
                            options={CHOICES.map((c) => ({ id: c, label: t(`import.choices.${c}`, { current: r.current_name, name: r.name }) }))}
                            onChange={(c) => onChoose(r.line, c)}
                          />
                        )}
                      </div>
                    ) : null}
                    {r.matched_on ? (
                      <span className="muted small">{t("import.matched", { on: t(`import.on.${r.matched_on}`) })}</span>
                    ) : null}
                    {r.changes.length > 0 ? (
                      <ul className="import-changes" data-testid="import-changes">
                        {r.changes.map((c) => (
                          <li key={c.field}>
                            <span className="import-field">{t(`profile.fields.${c.field}`)}</span>{" "}
                            {c.old !== null && r.action !== "create" ? (
                              <>
                                <del className="import-old">{shown(c.field, c.old, t)}</del>
                                <span className="import-arrow"> → </span>
                              </>
                            ) : null}
                            <ins className="import-new">{shown(c.field, c.new, t)}</ins>
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** A value as the person reads it: consent is a list of keys the core sends, said in words. */
function shown(field: string, value: string, t: TFunction): string {
  if (field !== "consent") return value;
  if (value === "") return t("import.noConsent");
  return value
    .split(", ")
    .map((k) => t(`consent.${k}`))
    .join(", ");
}
