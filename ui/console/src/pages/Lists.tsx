import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api } from "../api";
import type { ContactChannel, ListEntryChange, NewListEntry, OrgList, OrgListEntry } from "../api-types";
import { Done, Field, FormProblem, LoadProblem, fieldError } from "./common";

const CHANNELS: ContactChannel[] = ["in_person", "phone", "email", "chat", "video", "social"];
const LISTS: OrgList[] = ["touch-points", "reasons", "scorecard"];

/** The organisation's lists desks pull: touch points, reasons for contact, the review scorecard. */
export function ListsPage({ admin }: { admin: boolean }) {
  const { t } = useTranslation("console");
  return (
    <section className="console-page" aria-labelledby="lists-heading">
      <h1 id="lists-heading">{t("lists.heading")}</h1>
      <p className="muted">{t("lists.intro")}</p>
      {LISTS.map((list) => (
        <ListSection key={list} list={list} admin={admin} />
      ))}
    </section>
  );
}

function useEntries(list: OrgList) {
  return useQuery({ queryKey: ["lists", list], queryFn: () => api.get<OrgListEntry[]>(`lists/${list}`) });
}

function ListSection({ list, admin }: { list: OrgList; admin: boolean }) {
  const { t } = useTranslation("console");
  const queries = useQueryClient();
  const entries = useEntries(list);
  const [said, setSaid] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const refresh = () => void queries.invalidateQueries({ queryKey: ["lists", list] });
  const change = useMutation({
    mutationFn: ({ e, c }: { e: OrgListEntry; c: ListEntryChange }) =>
      api.patch<OrgListEntry>(`lists/${list}/${e.id}`, c).then((after) => ({ before: e, after, c })),
    onSuccess: ({ after, c }) => {
      if (c.active === false) setSaid(t("lists.retired", { name: after.name }));
      else if (c.active === true) setSaid(t("lists.restored", { name: after.name }));
      else if (c.name !== undefined) setSaid(t("lists.renamed", { name: after.name }));
      else setSaid(null);
      setEditing(null);
      refresh();
    },
  });
  const startDefaults = useMutation({
    mutationFn: () => api.post<OrgListEntry[]>("lists/reasons/defaults"),
    onSuccess: (added) => {
      setSaid(t("lists.defaultsAdded", { count: added.length }));
      refresh();
    },
  });
  const rows = entries.data ?? [];
  const active = rows.filter((e) => e.active);
  // Moving swaps the places of two neighbours among the active entries.
  const move = async (e: OrgListEntry, by: -1 | 1) => {
    const i = active.findIndex((x) => x.id === e.id);
    const other = active[i + by];
    if (!other) return;
    const [a, b] = other.sort_order === e.sort_order ? [e.sort_order + by, e.sort_order] : [other.sort_order, e.sort_order];
    await change.mutateAsync({ e, c: { sort_order: a } });
    await change.mutateAsync({ e: other, c: { sort_order: b } });
  };
  const heading = `list-${list}-heading`;
  return (
    <section className="card console-list" aria-labelledby={heading} data-testid={`list-${list}`}>
      <h2 id={heading}>{t(`lists.${list}.heading`)}</h2>
      <p className="muted">{t(`lists.${list}.about`)}</p>
      <LoadProblem error={entries.error} />
      {entries.isSuccess && rows.length === 0 && (
        <div className="console-empty">
          <p>{t(`lists.${list}.empty`)}</p>
          {list === "reasons" && admin && (
            <button
              type="button"
              className="button"
              onClick={() => startDefaults.mutate()}
              disabled={startDefaults.isPending}
              data-testid="reasons-defaults"
            >
              {t("lists.reasons.startDefaults")}
            </button>
          )}
        </div>
      )}
      {said && <Done testId={`list-${list}-said`}>{said}</Done>}
      <FormProblem error={change.error ?? startDefaults.error} fields={editing ? ["name"] : []} />
      {rows.length > 0 && (
        <table className="table console-table">
          <thead>
            <tr>
              <th scope="col">{t("lists.name")}</th>
              {list === "touch-points" && <th scope="col">{t("lists.channel")}</th>}
              <th scope="col">{t("lists.status")}</th>
              {admin && (
                <th scope="col">
                  <span className="visually-hidden">{t("lists.actions")}</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <tr key={e.id} data-left={e.active ? undefined : ""}>
                <td>
                  {editing === e.id ? (
                    <Rename
                      entry={e}
                      error={fieldError(change.error, "name")}
                      onCancel={() => setEditing(null)}
                      onSave={(name) => change.mutate({ e, c: { name } })}
                    />
                  ) : (
                    e.name
                  )}
                </td>
                {list === "touch-points" && (
                  <td>
                    {admin && e.active ? (
                      <select
                        className="input"
                        aria-label={t("lists.channelOf", { name: e.name })}
                        value={e.default_channel ?? "in_person"}
                        onChange={(ev) => change.mutate({ e, c: { default_channel: ev.target.value as ContactChannel } })}
                      >
                        {CHANNELS.map((c) => (
                          <option key={c} value={c}>
                            {t(`channel.${c}`, { ns: "translation" })}
                          </option>
                        ))}
                      </select>
                    ) : (
                      t(`channel.${e.default_channel ?? "in_person"}`, { ns: "translation" })
                    )}
                  </td>
                )}
                <td>{e.active ? t("lists.inUse") : t("lists.retiredStatus")}</td>
                {admin && (
                  <td className="right console-row-actions">
                    {e.active && (
                      <>
                        <button
                          type="button"
                          className="button small"
                          aria-label={t("lists.moveUp", { name: e.name })}
                          disabled={active[0]?.id === e.id || change.isPending}
                          onClick={() => void move(e, -1)}
                        >
                          ↑
                        </button>
                        <button
                          type="button"
                          className="button small"
                          aria-label={t("lists.moveDown", { name: e.name })}
                          disabled={active[active.length - 1]?.id === e.id || change.isPending}
                          onClick={() => void move(e, 1)}
                        >
                          ↓
                        </button>
                        <button type="button" className="button small" onClick={() => setEditing(e.id)}>
                          {t("lists.rename")}
                        </button>
                      </>
                    )}
                    <button
                      type="button"
                      className="button small"
                      onClick={() => change.mutate({ e, c: { active: !e.active } })}
                      data-testid={`${e.active ? "retire" : "restore"}-${e.name}`}
                    >
                      {e.active ? t("lists.retire") : t("lists.restore")}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {admin && (
        <AddEntry
          list={list}
          onStart={() => setSaid(null)}
          onAdded={(name) => {
            setSaid(t("lists.added", { name }));
            refresh();
          }}
        />
      )}
    </section>
  );
}

function Rename({
  entry,
  error,
  onSave,
  onCancel,
}: {
  entry: OrgListEntry;
  error: string | null;
  onSave: (name: string) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation("console");
  const [name, setName] = useState(entry.name);
  const id = `rename-${entry.id}`;
  return (
    <form
      className="console-inline-form"
      onSubmit={(ev) => {
        ev.preventDefault();
        onSave(name);
      }}
      onKeyDown={(ev) => {
        if (ev.key === "Escape") onCancel();
      }}
    >
      <input
        id={id}
        className="input"
        aria-label={t("lists.newName", { name: entry.name })}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        value={name}
        autoFocus
        onChange={(ev) => setName(ev.target.value)}
      />
      <button type="submit" className="button small primary">
        {t("lists.save")}
      </button>
      <button type="button" className="button small" onClick={onCancel}>
        {t("lists.cancel")}
      </button>
      {error && (
        <span className="field-error" id={`${id}-error`} role="alert">
          {error}
        </span>
      )}
    </form>
  );
}

function AddEntry({
  list,
  onAdded,
  onStart,
}: {
  list: OrgList;
  onAdded: (name: string) => void;
  onStart: () => void;
}) {
  const { t } = useTranslation("console");
  const [name, setName] = useState("");
  const [channel, setChannel] = useState<ContactChannel>("in_person");
  const add = useMutation({
    mutationFn: (req: NewListEntry) => api.post<OrgListEntry>(`lists/${list}`, req),
    onMutate: onStart,
    onSuccess: (e) => {
      setName("");
      onAdded(e.name);
    },
  });
  const id = `add-${list}`;
  return (
    <form
      className="console-form console-form-inline"
      onSubmit={(ev) => {
        ev.preventDefault();
        add.mutate({ name, default_channel: list === "touch-points" ? channel : null });
      }}
    >
      <Field id={`${id}-name`} label={t(`lists.${list}.new`)} error={fieldError(add.error, "name")}>
        <input
          id={`${id}-name`}
          className="input"
          required
          value={name}
          onChange={(ev) => setName(ev.target.value)}
          data-testid={`${id}-name`}
        />
      </Field>
      {list === "touch-points" && (
        <Field id={`${id}-channel`} label={t("lists.channel")}>
          <select
            id={`${id}-channel`}
            className="input"
            value={channel}
            onChange={(ev) => setChannel(ev.target.value as ContactChannel)}
          >
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(`channel.${c}`, { ns: "translation" })}
              </option>
            ))}
          </select>
        </Field>
      )}
      <div className="console-form-actions">
        <button type="submit" className="button" disabled={add.isPending} data-testid={`${id}-submit`}>
          {t("lists.add")}
        </button>
      </div>
      <FormProblem error={add.error} fields={["name"]} />
    </form>
  );
}
