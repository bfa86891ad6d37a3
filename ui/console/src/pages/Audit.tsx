import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";

import { absoluteTime } from "../../../src/format";
import { api } from "../api";
import type { ConsoleAuditEntry } from "../api-types";
import { LoadProblem, storeName, useStores } from "./common";

export function AuditPage() {
  const { t } = useTranslation("console");
  const stores = useStores();
  // A store named by its id in the detail is shown by its name.
  const shown = (key: string, value: string) =>
    key.endsWith("store_id") ? storeName(stores.data, value) : value;
  const entries = useQuery({ queryKey: ["audit"], queryFn: () => api.get<ConsoleAuditEntry[]>("audit?limit=200") });
  return (
    <section className="console-page" aria-labelledby="audit-heading">
      <h1 id="audit-heading">{t("audit.heading")}</h1>
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
    </section>
  );
}
