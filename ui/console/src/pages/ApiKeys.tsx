import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api } from "../api";
import type { ApiKeyScope, IssuedApiKey, NewApiKey, OrgApiKey } from "../api-types";
import { Done, Field, FormProblem, LoadProblem, When, fieldError } from "./common";
import { Webhooks } from "./Webhooks";

const SCOPES: ApiKeyScope[] = ["read_only", "read_write"];

/** Keys for integrations: made here, the secret shown once, revoked here. */
export function ApiKeysPage() {
  const { t } = useTranslation("console");
  const queries = useQueryClient();
  const keys = useQuery({ queryKey: ["api-keys"], queryFn: () => api.get<OrgApiKey[]>("api-keys") });
  const [name, setName] = useState("");
  const [scope, setScope] = useState<ApiKeyScope>("read_only");
  const [said, setSaid] = useState<string | null>(null);
  const refresh = () => void queries.invalidateQueries({ queryKey: ["api-keys"] });
  const make = useMutation({
    mutationFn: (req: NewApiKey) => api.post<IssuedApiKey>("api-keys", req),
    onMutate: () => setSaid(null),
    onSuccess: () => {
      setName("");
      refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (k: OrgApiKey) => api.post<void>(`api-keys/${k.key_id}/revoke`).then(() => k),
    onSuccess: (k) => {
      make.reset();
      setSaid(t("keys.revokedDone", { name: k.name }));
      refresh();
    },
  });
  return (
    <section className="console-page" aria-labelledby="keys-heading">
      <h1 id="keys-heading">{t("keys.heading")}</h1>
      <h2 className="console-subheading">{t("keys.keysHeading")}</h2>
      <p className="muted">{t("keys.about")}</p>
      <form
        className="card console-form"
        onSubmit={(e) => {
          e.preventDefault();
          make.mutate({ name, scope });
        }}
      >
        <Field id="key-name" label={t("keys.name")} hint={t("keys.nameHint")} error={fieldError(make.error, "name")}>
          <input
            id="key-name"
            className="input"
            required
            aria-describedby="key-name-hint"
            value={name}
            onChange={(e) => setName(e.target.value)}
            data-testid="key-name"
          />
        </Field>
        <Field id="key-scope" label={t("keys.scope")}>
          <select
            id="key-scope"
            className="input"
            value={scope}
            onChange={(e) => setScope(e.target.value as ApiKeyScope)}
            data-testid="key-scope"
          >
            {SCOPES.map((s) => (
              <option key={s} value={s}>
                {t(`keys.scopes.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        <div className="console-form-actions">
          <button type="submit" className="button primary" disabled={make.isPending} data-testid="make-key">
            {t("keys.make")}
          </button>
        </div>
        <FormProblem error={make.error} fields={["name"]} />
      </form>
      {make.data && (
        <Done testId="key-made">
          {t("keys.made", { name: make.data.key.name })}
          <code className="console-code console-secret" data-testid="key-secret">
            {make.data.secret}
          </code>
        </Done>
      )}
      {said && <Done testId="keys-said">{said}</Done>}
      <FormProblem error={revoke.error} fields={[]} />
      <LoadProblem error={keys.error} />
      {keys.data?.length === 0 && <p className="muted">{t("keys.empty")}</p>}
      {!!keys.data?.length && (
        <table className="table console-table" data-testid="keys">
          <thead>
            <tr>
              <th scope="col">{t("keys.name")}</th>
              <th scope="col">{t("keys.scope")}</th>
              <th scope="col">{t("keys.madeBy")}</th>
              <th scope="col">{t("keys.lastUsed")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("keys.revoke")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.data.map((k) => (
              <tr key={k.key_id} data-revoked={k.revoked_at ? "" : undefined}>
                <td>{k.name}</td>
                <td>{t(`keys.scopes.${k.scope}`)}</td>
                <td>
                  {k.created_by_name ?? "—"} · <When iso={k.created_at} />
                </td>
                <td>
                  <When iso={k.last_used_at} />
                </td>
                <td className="right console-row-actions">
                  {k.revoked_at ? (
                    <span className="console-revoked">{t("keys.revoked")}</span>
                  ) : (
                    <button
                      type="button"
                      className="button small"
                      onClick={() => {
                        if (window.confirm(t("keys.confirmRevoke", { name: k.name }))) revoke.mutate(k);
                      }}
                    >
                      {t("keys.revoke")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Webhooks />
    </section>
  );
}
