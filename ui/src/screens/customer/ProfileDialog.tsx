import { useState } from "react";
import { Checkbox, Tab, TabList, TabPanel, Tabs } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { fieldErrors } from "../../api/commands";
import { editChangesSomething, unchangedEdit, useCustomerConflicts, useCustomerHistory, useUpdateCustomer } from "../../api/customers";
import type { Consent, Customer, CustomerEdit, ProfileChange, ProfileConflict } from "../../bindings";
import { Choice } from "../../components/Choice";
import { DialogFrame } from "../../components/DialogFrame";
import { DialogActions, FormError } from "../../components/FormParts";
import { profileFieldLabel, profileValue } from "../../components/profileValues";
import { TextInput } from "../../components/TextInput";
import { absoluteTime, relativeTime } from "../../format";
import { RelationshipForm } from "./RelationshipForm";
import i18n from "../../i18n";

const LANGUAGES = ["en", "pt-PT", "pt-BR", "es", "fr", "de", "it", "nl", "pl", "ro", "uk", "ar", "zh", "ja", "hi"];
const NONE = "__none__";

function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames([i18n.language || "en"], { type: "language" }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

function sameList(a: string[], b: string[]) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Edit the profile (only changed fields are sent, each recorded with who and when) and see
 * the history of changes. */
export function ProfileDialog({ customer: c, onClose }: { customer: Customer; onClose: () => void }) {
  const { t } = useTranslation();
  const update = useUpdateCustomer();
  const history = useCustomerHistory(c.id, true);
  const conflicts = useCustomerConflicts(c.id, true);
  const [name, setName] = useState(c.name);
  const [phones, setPhones] = useState(c.phones.map((p) => p.display).join("\n"));
  const [emails, setEmails] = useState(c.emails.join("\n"));
  const [loyalty, setLoyalty] = useState(c.loyalty_id ?? "");
  const [external, setExternal] = useState(c.external_id ?? "");
  const [language, setLanguage] = useState(c.language ?? NONE);
  const [tags, setTags] = useState(c.tags.join(", "));
  const [consent, setConsent] = useState<Consent>(c.consent);
  const [note, setNote] = useState(c.note ?? "");
  const errors = fieldErrors(update.error);
  const lines = (s: string) => s.split(/\n/).map((x) => x.trim()).filter(Boolean);

  function edit(): CustomerEdit {
    const e = unchangedEdit(c.id);
    if (name.trim() !== c.name) e.name = name;
    if (!sameList(lines(phones), c.phones.map((p) => p.display))) e.phones = lines(phones);
    if (!sameList(lines(emails), c.emails)) e.emails = lines(emails);
    if (loyalty.trim() !== (c.loyalty_id ?? "")) e.loyalty_id = loyalty;
    if (external.trim() !== (c.external_id ?? "")) e.external_id = external;
    const lang = language === NONE ? "" : language;
    if (lang !== (c.language ?? "")) e.language = lang;
    const tagList = tags.split(",").map((x) => x.trim()).filter(Boolean);
    if (!sameList(tagList, c.tags)) e.tags = tagList;
    if (JSON.stringify(consent) !== JSON.stringify(c.consent)) e.consent = consent;
    if (note.trim() !== (c.note ?? "")) e.note = note;
    return e;
  }

  const languages = [...new Set([...(c.language ? [c.language] : []), ...LANGUAGES])];

  return (
    <DialogFrame isOpen onClose={onClose} title={t("profile.title", { name: c.name })} width={620} testId="profile-dialog">
      <Tabs className="tabs">
        <TabList className="tab-list" aria-label={t("profile.title", { name: c.name })}>
          <Tab id="details" className="tab">
            {t("profile.details")}
          </Tab>
          <Tab id="relationship" className="tab" data-testid="profile-relationship-tab">
            {t("relationship.tab")}
          </Tab>
          <Tab id="history" className="tab" data-testid="profile-history-tab">
            {t("profile.history")}
          </Tab>
        </TabList>
        <TabPanel id="details">
          <form
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              const changes = edit();
              if (!editChangesSomething(changes)) return onClose();
              update.mutate(changes, { onSuccess: onClose });
            }}
          >
            <div className="dialog-body profile-grid">
              <TextInput name="name" label={t("newCustomer.name")} value={name} onChange={setName} error={errors.name} rule="customer_name" />
              <Choice
                label={t("profile.language")}
                name="language"
                value={language}
                options={[{ id: NONE, label: t("profile.noLanguage") }, ...languages.map((l) => ({ id: l, label: languageName(l) }))]}
                onChange={setLanguage}
                error={errors.language}
              />
              <TextInput
                name="phones"
                label={t("profile.phones")}
                hint={t("profile.onePerLine")}
                value={phones}
                onChange={setPhones}
                error={errors.phones}
                multiline
              />
              <TextInput
                name="emails"
                label={t("profile.emails")}
                hint={t("profile.onePerLine")}
                value={emails}
                onChange={setEmails}
                error={errors.emails}
                multiline
              />
              <TextInput name="loyalty_id" label={t("profile.loyalty")} value={loyalty} onChange={setLoyalty} error={errors.loyalty_id} rule="customer_id" />
              <TextInput name="external_id" label={t("profile.external")} value={external} onChange={setExternal} error={errors.external_id} rule="customer_id" />
              <TextInput
                name="tags"
                label={t("profile.tags")}
                hint={t("profile.tagsHint")}
                value={tags}
                onChange={setTags}
                error={errors.tags}
              />
              <fieldset className="consent">
                <legend className="field-label">{t("profile.consent")}</legend>
                {(["marketing_email", "marketing_sms", "feedback_requests"] as const).map((k) => (
                  <Checkbox
                    key={k}
                    className="checkbox"
                    isSelected={consent[k]}
                    onChange={(v) => setConsent((cur) => ({ ...cur, [k]: v }))}
                  >
                    <span className="box" aria-hidden="true" />
                    {t(`consent.${k}`)}
                  </Checkbox>
                ))}
              </fieldset>
              <div className="span-2">
                <TextInput name="note" label={t("profile.note")} value={note} onChange={setNote} error={errors.note} rule="customer_note" multiline />
              </div>
              <div className="span-2">
                <FormError error={update.error} />
              </div>
              {errors.customer ? <p className="field-error span-2">{errors.customer}</p> : null}
            </div>
            <DialogActions onCancel={onClose} submitLabel={t("profile.save")} pending={update.isPending} testId="profile-save" />
          </form>
        </TabPanel>
        <TabPanel id="relationship">
          <RelationshipForm customer={c} onClose={onClose} />
        </TabPanel>
        <TabPanel id="history">
          <div className="dialog-body history">
            {(conflicts.data ?? []).length > 0 ? (
              <section className="conflicts" data-testid="profile-conflicts">
                <h3 className="section-title">{t("profile.conflictsTitle")}</h3>
                <p className="muted small">{t("profile.conflictsHelp")}</p>
                <ul className="history-list">
                  {(conflicts.data ?? []).map((x, i) => (
                    <ConflictItem key={`${x.at}-${i}`} conflict={x} />
                  ))}
                </ul>
              </section>
            ) : null}
            {(history.data ?? []).length === 0 ? (
              <p className="muted">{t("profile.noHistory")}</p>
            ) : (
              <ul className="history-list" data-testid="profile-history">
                {(history.data ?? []).map((h, i) => (
                  <HistoryItem key={`${h.at}-${i}`} change={h} />
                ))}
              </ul>
            )}
          </div>
        </TabPanel>
      </Tabs>
    </DialogFrame>
  );
}

function ConflictItem({ conflict: x }: { conflict: ProfileConflict }) {
  const { t } = useTranslation();
  return (
    <li>
      <div className="history-head">
        <strong>{profileFieldLabel(x.field, t)}</strong>
        <span className="muted" title={absoluteTime(x.at)}>
          {relativeTime(x.at)}
        </span>
      </div>
      <div className="history-values">
        {t("profile.conflictKept", { value: profileValue(x.field, x.kept, t), name: x.kept_by })}
      </div>
      <div className="history-values">
        <span className="was">{profileValue(x.field, x.not_kept, t)}</span>{" "}
        {t("profile.conflictNotKept", { name: x.not_kept_by })}
      </div>
    </li>
  );
}

function HistoryItem({ change: h }: { change: ProfileChange }) {
  const { t } = useTranslation();
  return (
    <li>
      <div className="history-head">
        <strong>{profileFieldLabel(h.field, t)}</strong>
        <span className="muted" title={absoluteTime(h.at)}>
          {t("profile.changedBy", { name: h.staff, when: relativeTime(h.at) })}
        </span>
      </div>
      <div className="history-values">
        <span className="was">{profileValue(h.field, h.old_value, t)}</span> → <span>{profileValue(h.field, h.new_value, t)}</span>
      </div>
    </li>
  );
}
