import { useRef, useState } from "react";
import {
  Button,
  ComboBox,
  Input,
  Keyboard,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Radio,
  RadioGroup,
} from "react-aria-components";
import { useTranslation } from "react-i18next";

import { errorMessage, fieldErrors } from "../../api/commands";
import { useDeskInfo, useLogInteraction, useReasons, useTouchPoints } from "../../api/hooks";
import type { ContactChannel, Feeling, Outcome } from "../../bindings";
import { Choice } from "../../components/Choice";
import { FeelingScale } from "../../components/FeelingScale";
import { ScoreScale } from "../../components/ScoreScale";
import { TextInput } from "../../components/TextInput";
import { timeOfDay } from "../../format";
import { useShortcuts } from "../../shortcuts";

const CHANNELS: ContactChannel[] = ["in_person", "phone", "email", "chat", "video", "social"];
const OUTCOMES: Outcome[] = ["resolved", "escalated", "follow_up_needed", "unresolved"];

type Draft = {
  touchPointId: string | null;
  channel: ContactChannel | null;
  reason: string;
  outcome: Outcome;
  feeling: Feeling | null;
  csat: number | null;
  summary: string;
};

const EMPTY: Draft = {
  touchPointId: null,
  channel: null,
  reason: "",
  outcome: "resolved",
  feeling: null,
  csat: null,
  summary: "",
};

/** "Log this conversation": sensible defaults, everything optional but the outcome, Ctrl+Enter
 * saves, and a refused or failed save keeps every field as typed. */
export function LogPanel({ customerId }: { customerId: string | null }) {
  const { t } = useTranslation();
  const desk = useDeskInfo();
  const touchPoints = useTouchPoints();
  const reasons = useReasons();
  const log = useLogInteraction();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const reasonInput = useRef<HTMLInputElement>(null);

  const touchPointId = draft.touchPointId ?? desk.data?.touch_point?.id ?? touchPoints.data?.[0]?.id ?? null;
  const touchPoint = touchPoints.data?.find((tp) => tp.id === touchPointId);
  const channel = draft.channel ?? touchPoint?.default_channel ?? "in_person";
  const errors = fieldErrors(log.error);
  const otherError = log.isError && Object.keys(errors).length === 0 ? errorMessage(log.error) : null;

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  function save() {
    if (!touchPointId || log.isPending) return;
    log.mutate(
      {
        customer_id: customerId,
        touch_point_id: touchPointId,
        channel,
        reason: draft.reason.trim() || null,
        outcome: draft.outcome,
        duration_secs: null,
        summary: draft.summary.trim() || null,
        feeling: draft.feeling,
        csat: draft.csat,
        nps: null,
        ces: null,
        verbatim: null,
        occurred_at: null,
      },
      {
        onSuccess: () => {
          setDraft((d) => ({ ...EMPTY, touchPointId: d.touchPointId, channel: d.channel }));
          setSavedAt(new Date().toISOString());
        },
      },
    );
  }

  useShortcuts([{ key: "l", run: () => reasonInput.current?.focus() }]);

  return (
    <aside className="log-panel card" aria-labelledby="log-title">
      <h2 id="log-title" className="card-title">
        {t("log.title")}
        <Keyboard className="kbd">L</Keyboard>
      </h2>
      <form
        className="log-form"
        data-testid="log-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            save();
          }
        }}
      >
        <div className="field-row">
          <Choice
            label={t("log.touchPoint")}
            name="touch_point"
            value={touchPointId}
            options={(touchPoints.data ?? []).map((tp) => ({ id: tp.id, label: tp.name }))}
            onChange={(id) => setDraft((d) => ({ ...d, touchPointId: id, channel: null }))}
            error={errors.touch_point_id}
          />
          <Choice
            label={t("log.channel")}
            name="channel"
            value={channel}
            options={CHANNELS.map((c) => ({ id: c, label: t(`channel.${c}`) }))}
            onChange={(c) => set("channel", c)}
          />
        </div>

        <ComboBox
          className="text-field"
          name="reason"
          allowsCustomValue
          inputValue={draft.reason}
          onInputChange={(v) => set("reason", v)}
          defaultItems={reasons.data ?? []}
          isInvalid={Boolean(errors.reason)}
          menuTrigger="focus"
        >
          <Label className="field-label">{t("log.reason")}</Label>
          <div className="combo">
            <Input className="input" ref={reasonInput} placeholder={t("log.reasonPlaceholder")} />
          </div>
          {errors.reason ? <div className="field-error">{errors.reason}</div> : null}
          <Popover className="popover">
            <ListBox className="menu-list">
              {(r: { id: string; label: string }) => (
                <ListBoxItem id={r.id} textValue={r.label} className="menu-item">
                  {r.label}
                </ListBoxItem>
              )}
            </ListBox>
          </Popover>
        </ComboBox>

        <RadioGroup
          className="segmented-field"
          name="outcome"
          orientation="horizontal"
          value={draft.outcome}
          onChange={(v) => set("outcome", v as Outcome)}
        >
          <Label className="field-label">{t("log.outcome")}</Label>
          <div className="segmented">
            {OUTCOMES.map((o) => (
              <Radio key={o} value={o} className="segment" data-outcome={o}>
                {t(`outcome.${o}`)}
              </Radio>
            ))}
          </div>
        </RadioGroup>

        <FeelingScale
          label={t("log.feeling")}
          hint={t("log.feelingHint")}
          value={draft.feeling}
          onChange={(f) => set("feeling", f)}
        />

        <ScoreScale
          name="csat"
          label={t("log.csat")}
          hint={t("log.csatHint")}
          min={1}
          max={5}
          value={draft.csat}
          onChange={(v) => set("csat", v)}
        />
        {errors.csat ? <div className="field-error">{errors.csat}</div> : null}

        <TextInput
          name="summary"
          label={t("log.note")}
          placeholder={t("log.notePlaceholder")}
          value={draft.summary}
          onChange={(v) => set("summary", v)}
          error={errors.summary}
          multiline
        />

        <div className="form-actions">
          <div className="form-status" role="status" aria-live="polite">
            {otherError ? (
              <span className="field-error">{t("log.failed", { message: otherError })}</span>
            ) : savedAt && !log.isPending ? (
              <span className="saved" data-testid="log-saved">
                ✓ {t("log.saved", { time: timeOfDay(savedAt) })}
              </span>
            ) : null}
          </div>
          <Button type="submit" className="button primary" isDisabled={log.isPending || !touchPointId} data-testid="log-save">
            {log.isPending ? t("log.saving") : t("log.save")}
            <Keyboard className="kbd on-accent">{t("log.saveShortcut")}</Keyboard>
          </Button>
        </div>
      </form>
    </aside>
  );
}
