import { useState } from "react";
import { Button, Label, Radio, RadioGroup } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { useMergeCustomers, useMergePreview } from "../../api/customers";
import type { Consent, Customer, FieldChoice, MergeField, Side, TimelineEntry } from "../../bindings";
import { DialogFrame } from "../../components/DialogFrame";
import { FormError } from "../../components/FormParts";
import { shortDate } from "../../format";
import { useNavigation } from "../../navigation";

/** Merging two records of one person: which record stays (this page's by default, swappable),
 * for each field that differs which value stays (the newer one chosen), what both records'
 * phones, emails and tags become, and the combined timeline; then one confirm. Undoable from
 * the survivor's page. */
export function MergeDialog({ keepId, otherId, onClose }: { keepId: string; otherId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const nav = useNavigation();
  const [survivorId, setSurvivorId] = useState(keepId);
  const mergedId = survivorId === keepId ? otherId : keepId;
  const preview = useMergePreview(survivorId, mergedId);
  const [picked, setPicked] = useState<Partial<Record<MergeField, Side>>>({});
  const merge = useMergeCustomers();
  const p = preview.data;
  const side = (c: FieldChoice): Side => picked[c.field] ?? c.default;

  const confirm = () => {
    if (!p || merge.isPending) return;
    const take = p.choices.filter((c) => side(c) === "merged").map((c) => c.field);
    merge.mutate(
      { survivor_id: survivorId, merged_id: mergedId, take_from_merged: take },
      {
        onSuccess: (page) => {
          onClose();
          nav.go({ name: "customer", id: page.customer.id });
        },
      },
    );
  };

  return (
    <DialogFrame isOpen onClose={onClose} title={t("merge.title")} width={760} testId="merge-dialog">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          confirm();
        }}
      >
        <div className="dialog-body merge-body">
          {preview.isError ? <FormError error={preview.error} /> : null}
          {p ? (
            <>
              <p>{t("merge.explain", { merged: p.merged.name, survivor: p.survivor.name })}</p>
              <div className="merge-records">
                <RecordCard label={t("merge.keeps")} customer={p.survivor} conversations={p.survivor_conversations} />
                <RecordCard label={t("merge.joins")} customer={p.merged} conversations={p.merged_conversations} />
              </div>
              <Button
                className="link-button"
                onPress={() => {
                  setSurvivorId(mergedId);
                  setPicked({});
                }}
                data-testid="merge-swap"
              >
                {t("merge.swap", { name: p.merged.name })}
              </Button>

              {p.choices.length > 0 ? (
                <fieldset className="merge-choices">
                  <legend>{t("merge.choose")}</legend>
                  {p.choices.map((c) => (
                    <RadioGroup
                      key={c.field}
                      className="merge-choice"
                      orientation="horizontal"
                      value={side(c)}
                      onChange={(v) => setPicked((s) => ({ ...s, [c.field]: v as Side }))}
                      data-testid={`merge-field-${c.field}`}
                    >
                      <Label className="merge-field">{t(`merge.field.${c.field}`)}</Label>
                      <Radio value="survivor" className="merge-option" data-testid={`merge-${c.field}-survivor`}>
                        <FieldValue field={c.field} value={c.survivor} />
                      </Radio>
                      <Radio value="merged" className="merge-option" data-testid={`merge-${c.field}-merged`}>
                        <FieldValue field={c.field} value={c.merged} />
                      </Radio>
                    </RadioGroup>
                  ))}
                </fieldset>
              ) : (
                <p className="muted">{t("merge.nothingToChoose")}</p>
              )}
              <p className="muted small">{t("merge.contactsKept")}</p>

              <section className="merge-timeline" aria-labelledby="merge-timeline-title">
                <h3 id="merge-timeline-title">{t("merge.timeline")}</h3>
                {p.timeline.length === 0 ? (
                  <p className="muted">{t("merge.noHistory")}</p>
                ) : (
                  <ol data-testid="merge-timeline">
                    {p.timeline.slice(0, 8).map((e) => (
                      <li key={entryKey(e)}>
                        <span className="muted">{shortDate(e.at)}</span>{" "}
                        <EntryText entry={e} />
                      </li>
                    ))}
                  </ol>
                )}
              </section>
            </>
          ) : null}
          <FormError error={merge.error} />
        </div>
        <div className="dialog-actions">
          <Button className="button" onPress={onClose}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" className="button primary" isDisabled={!p || merge.isPending} data-testid="merge-confirm">
            {p ? t("merge.confirm", { name: p.survivor.name }) : t("merge.title")}
          </Button>
        </div>
      </form>
    </DialogFrame>
  );
}

function RecordCard({ label, customer, conversations }: { label: string; customer: Customer; conversations: number }) {
  const { t } = useTranslation();
  const contacts = [...customer.phones.map((p) => p.display), ...customer.emails];
  return (
    <div className="merge-record">
      <div className="muted small">{label}</div>
      <div className="merge-record-name">{customer.name}</div>
      <div className="small">{contacts.length > 0 ? contacts.join(" · ") : t("customer.contactNone")}</div>
      <div className="muted small">
        {t("merge.conversations", { count: conversations })} · {t("merge.created", { date: shortDate(customer.created_at) })}
      </div>
    </div>
  );
}

/** A field's value in words (consent as the channels agreed to). */
function FieldValue({ field, value }: { field: MergeField; value: string | null }) {
  const { t } = useTranslation();
  if (value === null) return <span className="muted">{t("merge.empty")}</span>;
  if (field === "consent") {
    const c = JSON.parse(value) as Consent;
    const agreed = (["marketing_email", "marketing_sms", "feedback_requests"] as const).filter((k) => c[k]);
    return <span>{agreed.length > 0 ? agreed.map((k) => t(`merge.consent.${k}`)).join(", ") : t("merge.consent.none")}</span>;
  }
  return <span>{value}</span>;
}

function EntryText({ entry }: { entry: TimelineEntry }) {
  const { t } = useTranslation();
  if (entry.type === "interaction") {
    return (
      <span>
        {entry.current.touch_point}
        {entry.current.summary ? ` — ${entry.current.summary}` : ""}
      </span>
    );
  }
  return (
    <span>
      {t(entry.type === "follow_up_opened" ? "merge.followUpOpened" : "merge.followUpClosed")} — {entry.follow_up.promise}
    </span>
  );
}

function entryKey(e: TimelineEntry): string {
  return e.type === "interaction" ? e.id : `${e.type}-${e.follow_up.id}`;
}
