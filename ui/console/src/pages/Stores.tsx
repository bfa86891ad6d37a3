import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api } from "../api";
import type { NewStore, OrgStore } from "../api-types";
import { Done, Field, FormProblem, LoadProblem, fieldError, useStores } from "./common";

export function StoresPage({ admin }: { admin: boolean }) {
  const { t } = useTranslation("console");
  const stores = useStores();
  return (
    <section className="console-page" aria-labelledby="stores-heading">
      <h1 id="stores-heading">{t("stores.heading")}</h1>
      {admin && <AddStore />}
      <LoadProblem error={stores.error} />
      {stores.data?.length === 0 && <p className="muted">{t("stores.empty")}</p>}
      {!!stores.data?.length && (
        <table className="table console-table" data-testid="stores">
          <thead>
            <tr>
              <th scope="col">{t("stores.name")}</th>
              <th scope="col">{t("stores.timezone")}</th>
              <th scope="col" className="right">{t("stores.staff")}</th>
              <th scope="col" className="right">{t("stores.devices")}</th>
            </tr>
          </thead>
          <tbody>
            {stores.data.map((s) => (
              <tr key={s.store_id}>
                <td>{s.name}</td>
                <td>{s.timezone ?? "—"}</td>
                <td className="right">{s.staff}</td>
                <td className="right">{s.devices}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function AddStore() {
  const { t } = useTranslation("console");
  const queries = useQueryClient();
  const [name, setName] = useState("");
  const [timezone, setTimezone] = useState("");
  const add = useMutation({
    mutationFn: (req: NewStore) => api.post<OrgStore>("stores", req),
    onSuccess: () => {
      setName("");
      setTimezone("");
      void queries.invalidateQueries({ queryKey: ["stores"] });
    },
  });
  return (
    <form
      className="card console-form"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate({ name, timezone: timezone.trim() || null });
      }}
    >
      <Field id="store-name" label={t("stores.name")} error={fieldError(add.error, "name")}>
        <input id="store-name" className="input" required value={name} onChange={(e) => setName(e.target.value)} data-testid="store-name" />
      </Field>
      <Field id="store-tz" label={t("stores.timezone")} hint={t("stores.timezoneHint")} error={fieldError(add.error, "timezone")}>
        <input
          id="store-tz"
          className="input"
          placeholder="Europe/Lisbon"
          aria-describedby="store-tz-hint"
          value={timezone}
          onChange={(e) => setTimezone(e.target.value)}
          data-testid="store-timezone"
        />
      </Field>
      <div className="console-form-actions">
        <button type="submit" className="button primary" disabled={add.isPending} data-testid="add-store">
          {t("stores.add")}
        </button>
      </div>
      <FormProblem error={add.error} fields={["name", "timezone"]} />
      {add.data && <Done testId="store-added">{t("stores.added", { name: add.data.name })}</Done>}
    </form>
  );
}
