import { useState } from "react";
import { Button, Checkbox } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { fieldErrors } from "../../api/commands";
import { editChangesSomething, unchangedEdit, useUpdateCustomer } from "../../api/customers";
import { useStaff } from "../../api/desk";
import type {
  ChannelConsent,
  ConsentSource,
  ContactRoute,
  Customer,
  CustomerEdit,
  DateKind,
  ImportantDate,
  KeepInTouch,
  Preference,
} from "../../bindings";
import { Choice } from "../../components/Choice";
import { DialogActions, FormError } from "../../components/FormParts";
import { TextInput } from "../../components/TextInput";
import { fromLocalInput, toLocalInput } from "../../format";
import { intlLocale } from "../../i18n";
import { answerInWords, CONSENT_SOURCES, CONTACT_ROUTES, channelName } from "../../relationship";

const DATE_KINDS: DateKind[] = ["birthday", "anniversary", "other"];
const CATEGORIES = ["size", "likes", "dislikes", "brand", "other"] as const;
const CADENCES = [0, 30, 60, 90, 180, 365];
const NOBODY = "__nobody__";

type Answer = "unknown" | "allowed" | "refused";
type Draft = { answer: Answer; how: ConsentSource; at: string };

function draftOf(c: ChannelConsent | null): Draft {
  if (!c) return { answer: "unknown", how: "in_person", at: toLocalInput(new Date().toISOString()) };
  return { answer: c.allowed ? "allowed" : "refused", how: c.how, at: toLocalInput(c.at) };
}

function monthNames(): string[] {
  const f = new Intl.DateTimeFormat(intlLocale(), { month: "long", timeZone: "UTC" });
  return Array.from({ length: 12 }, (_, i) => f.format(new Date(Date.UTC(2000, i, 15))));
}

/** Dates, preferences, what they said about contact on each channel, and who keeps in touch
 * how often. Only what changed is sent; each field is recorded with who changed it. */
export function RelationshipForm({ customer: c, onClose }: { customer: Customer; onClose: () => void }) {
  const { t } = useTranslation();
  const update = useUpdateCustomer();
  const staff = useStaff();
  const errors = fieldErrors(update.error);
  const [dates, setDates] = useState<ImportantDate[]>(c.important_dates);
  const [prefs, setPrefs] = useState<Preference[]>(c.preferences);
  const [answers, setAnswers] = useState<Record<ContactRoute, Draft>>({
    phone: draftOf(c.contact.phone),
    email: draftOf(c.contact.email),
    sms: draftOf(c.contact.sms),
  });
  const [keeper, setKeeper] = useState<string>(c.keep_in_touch?.keeper_staff_id ?? NOBODY);
  const [every, setEvery] = useState<number>(c.keep_in_touch?.every_days ?? 90);
  const [remind, setRemind] = useState<boolean>(c.keep_in_touch?.remind_dates ?? true);
  const months = monthNames();

  function edit(): CustomerEdit {
    const e = unchangedEdit(c.id);
    if (JSON.stringify(dates) !== JSON.stringify(c.important_dates)) e.important_dates = dates;
    if (JSON.stringify(prefs) !== JSON.stringify(c.preferences)) e.preferences = prefs;
    for (const route of CONTACT_ROUTES) {
      const d = answers[route];
      const was = c.contact[route];
      if (d.answer === "unknown") continue; // an answer once given is changed, not forgotten
      const at = fromLocalInput(d.at) ?? new Date().toISOString();
      const now: ChannelConsent = { allowed: d.answer === "allowed", how: d.how, at };
      const same = was && was.allowed === now.allowed && was.how === now.how && draftOf(was).at === d.at;
      if (!same) e[`contact_${route}`] = now;
    }
    const keep: KeepInTouch =
      keeper === NOBODY ? { keeper_staff_id: null, every_days: 0, remind_dates: false } : { keeper_staff_id: keeper, every_days: every, remind_dates: remind };
    const was = c.keep_in_touch ?? { keeper_staff_id: null, every_days: 0, remind_dates: false };
    if (JSON.stringify(keep) !== JSON.stringify({ keeper_staff_id: was.keeper_staff_id ?? null, every_days: was.every_days ?? 0, remind_dates: was.remind_dates ?? false }))
      e.keep_in_touch = keep;
    return e;
  }

  const people = (staff.data ?? []).map((s) => ({ id: s.id, label: s.name }));

  return (
    <form
      noValidate
      data-testid="relationship-form"
      onSubmit={(ev) => {
        ev.preventDefault();
        const changes = edit();
        if (!editChangesSomething(changes)) return onClose();
        update.mutate(changes, { onSuccess: onClose });
      }}
    >
      <div className="dialog-body relationship">
        <fieldset className="rel-section">
          <legend className="section-title">{t("relationship.dates")}</legend>
          <p className="muted small">{t("relationship.datesHelp")}</p>
          {dates.map((d, i) => (
            <div className="rel-row" key={i} data-testid="relationship-date">
              <Choice
                compact
                label={t("relationship.dateKindLabel")}
                name={`date-kind-${i}`}
                value={d.kind}
                options={DATE_KINDS.map((k) => ({ id: k, label: t(`relationship.dateKind.${k}`) }))}
                onChange={(kind) => setDates((all) => all.map((x, j) => (j === i ? { ...x, kind } : x)))}
              />
              <Choice
                compact
                label={t("relationship.month")}
                name={`date-month-${i}`}
                value={String(d.month)}
                options={months.map((m, k) => ({ id: String(k + 1), label: m }))}
                onChange={(m) => setDates((all) => all.map((x, j) => (j === i ? { ...x, month: Number(m) } : x)))}
              />
              <TextInput
                name={`date-day-${i}`}
                label={t("relationship.day")}
                value={String(d.day)}
                onChange={(v) => setDates((all) => all.map((x, j) => (j === i ? { ...x, day: Number(v.replace(/\D/g, "")) || 0 } : x)))}
              />
              <TextInput
                name={`date-year-${i}`}
                label={t("relationship.year")}
                value={d.year ? String(d.year) : ""}
                onChange={(v) => setDates((all) => all.map((x, j) => (j === i ? { ...x, year: Number(v.replace(/\D/g, "")) || null } : x)))}
              />
              <TextInput
                name={`date-label-${i}`}
                label={t("relationship.dateLabel")}
                value={d.label ?? ""}
                rule="date_label"
                onChange={(v) => setDates((all) => all.map((x, j) => (j === i ? { ...x, label: v || null } : x)))}
              />
              <Button className="button quiet rel-remove" onPress={() => setDates((all) => all.filter((_, j) => j !== i))}>
                {t("relationship.remove")}
              </Button>
            </div>
          ))}
          {errors.important_dates ? <p className="field-error">{errors.important_dates}</p> : null}
          <Button
            className="button quiet"
            data-testid="relationship-add-date"
            onPress={() => setDates((all) => [...all, { kind: "birthday", label: null, month: new Date().getMonth() + 1, day: new Date().getDate(), year: null }])}
          >
            + {t("relationship.addDate")}
          </Button>
        </fieldset>

        <fieldset className="rel-section">
          <legend className="section-title">{t("relationship.preferences")}</legend>
          <p className="muted small">{t("relationship.preferencesHelp")}</p>
          {prefs.map((p, i) => (
            <div className="rel-row" key={i} data-testid="relationship-preference">
              <TextInput
                name={`pref-category-${i}`}
                label={t("relationship.category")}
                value={p.category}
                rule="preference_category"
                onChange={(v) => setPrefs((all) => all.map((x, j) => (j === i ? { ...x, category: v } : x)))}
              />
              <TextInput
                name={`pref-value-${i}`}
                label={t("relationship.value")}
                value={p.value}
                rule="preference_value"
                onChange={(v) => setPrefs((all) => all.map((x, j) => (j === i ? { ...x, value: v } : x)))}
              />
              <Button className="button quiet rel-remove" onPress={() => setPrefs((all) => all.filter((_, j) => j !== i))}>
                {t("relationship.remove")}
              </Button>
            </div>
          ))}
          {errors.preferences ? <p className="field-error">{errors.preferences}</p> : null}
          <div className="rel-chips">
            {CATEGORIES.map((k) => (
              <Button
                key={k}
                className="button quiet"
                data-testid={`relationship-add-${k}`}
                onPress={() => setPrefs((all) => [...all, { category: k === "other" ? "" : t(`relationship.categories.${k}`), value: "" }])}
              >
                + {t(`relationship.categories.${k}`)}
              </Button>
            ))}
          </div>
        </fieldset>

        <fieldset className="rel-section">
          <legend className="section-title">{t("relationship.contact")}</legend>
          <p className="muted small">{t("relationship.contactHelp")}</p>
          {CONTACT_ROUTES.map((route) => {
            const d = answers[route];
            const set = (patch: Partial<Draft>) => setAnswers((all) => ({ ...all, [route]: { ...all[route], ...patch } }));
            const was = c.contact[route];
            return (
              <div className="rel-row" key={route} data-testid={`relationship-contact-${route}`}>
                <Choice
                  compact
                  label={t("relationship.answerFor", { channel: channelName(route, t) })}
                  name={`contact-${route}`}
                  value={d.answer}
                  options={(["unknown", "allowed", "refused"] as Answer[])
                    .filter((a) => a !== "unknown" || !was)
                    .map((a) => ({ id: a, label: t(`relationship.answer.${a}`) }))}
                  onChange={(answer) => set({ answer })}
                  error={errors[`contact_${route}`]}
                />
                {d.answer !== "unknown" ? (
                  <>
                    <Choice
                      compact
                      label={t("relationship.howLabel")}
                      name={`contact-${route}-how`}
                      value={d.how}
                      options={CONSENT_SOURCES.map((s) => ({ id: s, label: t(`relationship.how.${s}`) }))}
                      onChange={(how) => set({ how })}
                    />
                    <label className="field">
                      <span className="field-label">{t("relationship.whenLabel")}</span>
                      <input
                        className="input"
                        type="datetime-local"
                        name={`contact-${route}-at`}
                        value={d.at}
                        onChange={(e) => set({ at: e.target.value })}
                      />
                    </label>
                  </>
                ) : null}
                {was ? <span className="muted small rel-was">{answerInWords(was, t)}</span> : null}
              </div>
            );
          })}
        </fieldset>

        <fieldset className="rel-section">
          <legend className="section-title">{t("relationship.keepInTouch")}</legend>
          <div className="rel-row">
            <Choice
              compact
              label={t("relationship.keeper")}
              name="keeper"
              value={keeper}
              options={[{ id: NOBODY, label: t("relationship.nobody") }, ...people]}
              onChange={setKeeper}
              error={errors.keep_in_touch}
            />
            {keeper !== NOBODY ? (
              <>
                <Choice
                  compact
                  label={t("relationship.every")}
                  name="every"
                  value={String(every)}
                  options={[...new Set([...CADENCES, every])].sort((a, b) => a - b).map((d) => ({
                    id: String(d),
                    label: d === 0 ? t("relationship.everyNone") : t("relationship.everyDays", { count: d }),
                  }))}
                  onChange={(v) => setEvery(Number(v))}
                />
                <Checkbox className="checkbox" isSelected={remind} onChange={setRemind} data-testid="relationship-remind-dates">
                  <span className="box" aria-hidden="true" />
                  {t("relationship.remindDates")}
                </Checkbox>
              </>
            ) : null}
          </div>
          <p className="muted small">{t("relationship.keepHelp")}</p>
        </fieldset>
        <FormError error={update.error} />
      </div>
      <DialogActions onCancel={onClose} submitLabel={t("relationship.save")} pending={update.isPending} testId="relationship-save" />
    </form>
  );
}
