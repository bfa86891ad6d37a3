import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api } from "../api";
import type { CreatedStaff, NewPin, NewStaff, OrgStaff, Role } from "../api-types";
import { Done, Field, FormProblem, LoadProblem, fieldError, storeName, useStores } from "./common";
import { ImportStaff } from "./StaffImport";

const ROLES: Role[] = ["frontline", "supervisor", "admin"];

export function StaffPage({ admin, me }: { admin: boolean; me: string }) {
  const { t } = useTranslation("console");
  const queries = useQueryClient();
  const stores = useStores();
  const staff = useQuery({ queryKey: ["staff"], queryFn: () => api.get<OrgStaff[]>("staff") });
  const [said, setSaid] = useState<string | null>(null);
  const refresh = () => void queries.invalidateQueries({ queryKey: ["staff"] });
  const resetPin = useMutation({
    mutationFn: (p: OrgStaff) => api.post<NewPin>(`staff/${p.staff_id}/pin`).then((r) => ({ p, pin: r.pin })),
    onSuccess: ({ p, pin }) => setSaid(t("staff.pinReset", { name: p.name, pin })),
  });
  const setActive = useMutation({
    mutationFn: ({ p, active }: { p: OrgStaff; active: boolean }) =>
      api.post<void>(`staff/${p.staff_id}/active`, { active }).then(() => ({ p, active })),
    onSuccess: ({ p, active }) => {
      setSaid(t(active ? "staff.backDone" : "staff.leftDone", { name: p.name }));
      refresh();
    },
  });
  return (
    <section className="console-page" aria-labelledby="staff-heading">
      <h1 id="staff-heading">{t("staff.heading")}</h1>
      {admin && <AddPerson onAdded={(text) => setSaid(text)} />}
      {said && <Done testId="staff-said">{said}</Done>}
      <FormProblem error={resetPin.error ?? setActive.error} fields={[]} />
      <LoadProblem error={staff.error} />
      {!!staff.data?.length && (
        <table className="table console-table" data-testid="staff">
          <thead>
            <tr>
              <th scope="col">{t("staff.name")}</th>
              <th scope="col">{t("staff.role")}</th>
              <th scope="col">{t("staff.store")}</th>
              <th scope="col">{t("staff.status")}</th>
              <th scope="col">{t("staff.console")}</th>
              {admin && <th scope="col"><span className="visually-hidden">{t("staff.resetPin")}</span></th>}
            </tr>
          </thead>
          <tbody>
            {staff.data.map((p) => (
              <tr key={p.staff_id} data-left={p.active ? undefined : ""}>
                <td>{p.name}</td>
                <td>{t(`role.${p.role}`)}</td>
                <td>{p.home_store_id ? storeName(stores.data, p.home_store_id) : t("staff.anyStore")}</td>
                <td>{p.active ? t("staff.active") : t("staff.left")}</td>
                <td>{p.console_login ?? "—"}</td>
                {admin && (
                  <td className="right console-row-actions">
                    {p.active && (
                      <button type="button" className="button small" onClick={() => resetPin.mutate(p)}>
                        {t("staff.resetPin")}
                      </button>
                    )}
                    {p.staff_id !== me && (
                      <button
                        type="button"
                        className="button small"
                        onClick={() => setActive.mutate({ p, active: !p.active })}
                      >
                        {p.active ? t("staff.markLeft") : t("staff.markBack")}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {admin && <ImportStaff />}
    </section>
  );
}

function AddPerson({ onAdded }: { onAdded: (text: string) => void }) {
  const { t } = useTranslation("console");
  const queries = useQueryClient();
  const stores = useStores();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("frontline");
  // None chosen yet: the first store.
  const [store, setStore] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: (req: NewStaff) => api.post<CreatedStaff>("staff", req),
    onSuccess: (created) => {
      onAdded(t("staff.pinShown", { name: created.staff.name, pin: created.pin }));
      setName("");
      void queries.invalidateQueries({ queryKey: ["staff"] });
      void queries.invalidateQueries({ queryKey: ["stores"] });
    },
  });
  const first = stores.data?.[0]?.store_id ?? "";
  const chosenStore = store === null || (store === "" && role === "frontline") ? first : store;
  return (
    <form
      className="card console-form"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate({ name, role, home_store_id: chosenStore || null });
      }}
    >
      <Field id="person-name" label={t("staff.name")} error={fieldError(add.error, "name")}>
        <input id="person-name" className="input" required value={name} onChange={(e) => setName(e.target.value)} data-testid="person-name" />
      </Field>
      <Field id="person-role" label={t("staff.role")}>
        <select id="person-role" className="input" value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="person-role">
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field id="person-store" label={t("staff.store")} error={fieldError(add.error, "home_store_id")}>
        <select id="person-store" className="input" value={chosenStore} onChange={(e) => setStore(e.target.value)} data-testid="person-store">
          {role !== "frontline" && <option value="">{t("staff.anyStore")}</option>}
          {stores.data?.map((s) => (
            <option key={s.store_id} value={s.store_id}>
              {s.name}
            </option>
          ))}
        </select>
      </Field>
      <div className="console-form-actions">
        <button type="submit" className="button primary" disabled={add.isPending} data-testid="add-person">
          {t("staff.add")}
        </button>
      </div>
      <FormProblem error={add.error} fields={["name", "home_store_id"]} />
    </form>
  );
}
