import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api } from "../api";
import type { OrgDevice } from "../api-types";
import { Done, FormProblem, LoadProblem, When, storeName, useStores } from "./common";

function kindOf(d: OrgDevice): string {
  if (d.reads_org) return "whole_organisation";
  if (d.also_reads.length > 0) return "reads_stores";
  return d.role === "frontline" ? "till" : "supervisor";
}

export function DevicesPage({ admin }: { admin: boolean }) {
  const { t } = useTranslation("console");
  const queries = useQueryClient();
  const stores = useStores();
  const devices = useQuery({
    queryKey: ["devices"],
    queryFn: () => api.get<OrgDevice[]>("devices"),
    refetchInterval: 30_000,
  });
  const [said, setSaid] = useState<string | null>(null);
  const revoke = useMutation({
    mutationFn: (d: OrgDevice) => api.post<void>(`devices/${d.device_id}/revoke`).then(() => d),
    onSuccess: (d) => {
      setSaid(t("devices.revokedDone", { name: d.name }));
      void queries.invalidateQueries({ queryKey: ["devices"] });
      void queries.invalidateQueries({ queryKey: ["stores"] });
    },
  });
  return (
    <section className="console-page" aria-labelledby="devices-heading">
      <h1 id="devices-heading">{t("devices.heading")}</h1>
      {said && <Done testId="devices-said">{said}</Done>}
      <FormProblem error={revoke.error} fields={[]} />
      <LoadProblem error={devices.error} />
      {devices.data?.length === 0 && <p className="muted">{t("devices.empty")}</p>}
      {!!devices.data?.length && (
        <table className="table console-table" data-testid="devices">
          <thead>
            <tr>
              <th scope="col">{t("devices.name")}</th>
              <th scope="col">{t("devices.store")}</th>
              <th scope="col">{t("devices.kind")}</th>
              <th scope="col">{t("devices.version")}</th>
              <th scope="col">{t("devices.lastSeen")}</th>
              <th scope="col">{t("devices.lastSync")}</th>
              <th scope="col">{t("devices.outbox")}</th>
              {admin && <th scope="col"><span className="visually-hidden">{t("devices.revoke")}</span></th>}
            </tr>
          </thead>
          <tbody>
            {devices.data.map((d) => (
              <tr key={d.device_id} data-device={d.device_id} data-revoked={d.revoked_at ? "" : undefined}>
                <td>{d.name}</td>
                <td>{storeName(stores.data, d.store_id)}</td>
                <td>{t(`codes.${kindOf(d)}`)}</td>
                <td>{d.app_version ?? <span className="muted">{t("devices.unknown")}</span>}</td>
                <td>
                  <When iso={d.last_seen_at} />
                </td>
                <td>
                  <When iso={d.last_pull_at} /> / <When iso={d.last_push_at} />
                </td>
                <td data-refused={d.outbox_refused ? "" : undefined}>
                  {d.outbox_waiting === null
                    ? "—"
                    : t("devices.outboxValue", { waiting: d.outbox_waiting, refused: d.outbox_refused ?? 0 })}
                </td>
                {admin && (
                  <td className="right">
                    {d.revoked_at ? (
                      <span className="console-revoked" title={d.revoked_reason ?? undefined}>
                        {t("devices.revoked")}
                      </span>
                    ) : (
                      <button
                        type="button"
                        className="button small danger"
                        onClick={() => {
                          if (window.confirm(t("devices.confirm", { name: d.name }))) revoke.mutate(d);
                        }}
                      >
                        {t("devices.revoke")}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
