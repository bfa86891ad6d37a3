import { useCallback, useEffect, useRef, useState } from "react";
import {
  Button,
  Checkbox,
  ComboBox,
  Disclosure,
  DisclosurePanel,
  Heading,
  Input,
  Keyboard,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  TextField,
} from "react-aria-components";
import { useTranslation } from "react-i18next";
import { v7 as uuidv7 } from "uuid";

import { errorMessage, fieldErrors } from "../../api/commands";
import { useDeskInfo, useReasons, useStaff, useTouchPoints } from "../../api/desk";
import { useLogInteraction } from "../../api/interactions";
import type { ContactChannel, Feeling, FollowUpProposal, Outcome } from "../../bindings";
import { Choice } from "../../components/Choice";
import { FeelingScale } from "../../components/FeelingScale";
import { OutcomeChoice } from "../../components/FormParts";
import { ScoreScale } from "../../components/ScoreScale";
import { TextInput } from "../../components/TextInput";
import { textProblem } from "../../textRules";
import { useDraft } from "../../draft";
import { timeOfDay } from "../../format";
import { useNavigation } from "../../navigation";
import { useShortcuts } from "../../shortcuts";
import { Kiosk, type KioskAnswers } from "./Kiosk";
import { minutesProblem, minutesToSeconds } from "../../minutes";
import { ProposalCard } from "./ProposalCard";
// Also rendered by the walk-in room: the panel (and its kiosk) bring their styles.
import "./customer.css";

export const CHANNELS: ContactChannel[] = ["in_person", "phone", "email", "chat", "video", "social"];

type Draft = {
  /** This form state's key: sent twice (a double Ctrl+Enter), the core saves it once. */
  submissionId: string;
  touchPointId: string | null;
  channel: ContactChannel | null;
  reason: string;
  outcome: Outcome;
  feeling: Feeling | null;
  csat: number | null;
  nps: number | null;
  ces: number | null;
  verbatim: string;
  summary: string;
  /** When the customer was opened: the timer's start. */
  startedAt: string;
  /** Minutes typed by staff; null while the timer runs. */
  minutes: string | null;
  /** An after-visit check-in: in how many days (none: no check-in), and what to check. */
  checkInDays?: number | null;
  checkInAbout?: string;
};

const CHECK_IN_DAYS = [1, 2, 3, 7, 14, 30];

function emptyDraft(): Draft {
  return {
    submissionId: uuidv7(),
    touchPointId: null,
    channel: null,
    reason: "",
    outcome: "resolved",
    feeling: null,
    csat: null,
    nps: null,
    ces: null,
    verbatim: "",
    summary: "",
    startedAt: new Date().toISOString(),
    minutes: null,
    checkInDays: null,
    checkInAbout: "",
  };
}

function elapsedSeconds(startedAt: string): number {
  return Math.max(0, Math.round((Date.now() - new Date(startedAt).getTime()) / 1000));
}

/** "Log this conversation": sensible defaults, the timer already running, everything but the
 * outcome optional, Ctrl+Enter saves; a refused save keeps every field, and a half-typed log
 * survives a crash. */
export function LogPanel({ customerId, customerLanguage = null }: { customerId: string | null; customerLanguage?: string | null }) {
  const { t } = useTranslation();
  const desk = useDeskInfo();
  const staff = useStaff();
  const touchPoints = useTouchPoints();
  const reasons = useReasons();
  const log = useLogInteraction();
  const nav = useNavigation();
  const [draft, setDraft, clearDraft] = useDraft<Draft>(customerId ?? "walk-in", emptyDraft);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const [proposal, setProposal] = useState<FollowUpProposal | null>(null);
  const [kiosk, setKiosk] = useState(false);
  const [showMore, setShowMore] = useState(false);
  const [elapsed, setElapsed] = useState(() => elapsedSeconds(draft.startedAt));
  const reasonInput = useRef<HTMLInputElement>(null);
  // Set the moment a save starts, before React re-renders: a second Ctrl+Enter in the same
  // instant sees it (isPending would still read false).
  const inFlight = useRef(false);

  useEffect(() => {
    const timer = window.setInterval(() => setElapsed(elapsedSeconds(draft.startedAt)), 5000);
    return () => window.clearInterval(timer);
  }, [draft.startedAt]);

  const touchPointId = draft.touchPointId ?? desk.data?.touch_point?.id ?? touchPoints.data?.[0]?.id ?? null;
  const touchPoint = touchPoints.data?.find((tp) => tp.id === touchPointId);
  const channel = draft.channel ?? touchPoint?.default_channel ?? "in_person";
  const errors = fieldErrors(log.error);
  const reasonError = errors.reason ?? textProblem(draft.reason, "reason", t);
  const otherError = log.isError && Object.keys(errors).length === 0 ? errorMessage(log.error) : null;
  const minutesShown = draft.minutes ?? String(Math.max(1, Math.round(elapsed / 60)));
  const minutesError = draft.minutes === null ? null : minutesProblem(draft.minutes, t);
  const minutesInvalid = minutesError !== null;
  const moreScores = draft.nps !== null || draft.ces !== null || draft.verbatim !== "";

  // Any change makes a new form state, so a new key: a refused save that is corrected is a new save.
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) =>
    setDraft((d) => (d[key] === value ? d : { ...d, [key]: value, submissionId: uuidv7() }));

  const save = useCallback(() => {
    if (!touchPointId || inFlight.current || minutesInvalid) return;
    inFlight.current = true;
    const durationSecs = draft.minutes === null ? elapsedSeconds(draft.startedAt) : minutesToSeconds(draft.minutes);
    log.mutate(
      {
        submission_id: draft.submissionId,
        customer_id: customerId,
        touch_point_id: touchPointId,
        channel,
        reason: draft.reason.trim() || null,
        outcome: draft.outcome,
        duration_secs: durationSecs,
        summary: draft.summary.trim() || null,
        feeling: draft.feeling,
        csat: draft.csat,
        nps: draft.nps,
        ces: draft.ces,
        verbatim: draft.verbatim.trim() || null,
        occurred_at: null,
        check_in:
          customerId && draft.checkInDays
            ? { in_days: draft.checkInDays, about: draft.checkInAbout ?? "", route: null }
            : null,
      },
      {
        onSuccess: (logged) => {
          const keep = { touchPointId: draft.touchPointId, channel: draft.channel };
          clearDraft();
          setDraft((d) => ({ ...d, ...keep }));
          setSavedAt(new Date().toISOString());
          setProposal(logged.proposal);
        },
        onSettled: () => {
          inFlight.current = false;
        },
      },
    );
  }, [touchPointId, log, minutesInvalid, draft, customerId, channel, clearDraft, setDraft]);

  const takeBack = useCallback(
    (answers: KioskAnswers) => {
      setKiosk(false);
      nav.setKiosk(false);
      setDraft((d) => ({
        ...d,
        submissionId: uuidv7(),
        csat: answers.csat ?? d.csat,
        nps: answers.nps ?? d.nps,
        ces: answers.ces ?? d.ces,
        verbatim: answers.verbatim || d.verbatim,
      }));
    },
    [nav, setDraft],
  );

  useShortcuts(
    [
      { key: "l", run: () => reasonInput.current?.focus() },
      {
        key: "h",
        run: () => {
          setKiosk(true);
          nav.setKiosk(true);
        },
      },
    ],
    !nav.kiosk,
  );

  return (
    <aside className="log-panel card" aria-labelledby="log-title">
      <h2 id="log-title" className="card-title">
        {customerId ? t("log.title") : t("log.walkInTitle")}
        <Keyboard className="kbd">L</Keyboard>
      </h2>
      {proposal ? (
        <ProposalCard proposal={proposal} onDone={() => setProposal(null)} />
      ) : null}
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
        {/* While a save is on its way nothing in the form can change or send it again. */}
        <fieldset className="form-fieldset" disabled={log.isPending} data-testid="log-fieldset">
          <div className="field-row">
            <Choice
              label={t("log.touchPoint")}
              name="touch_point"
              value={touchPointId}
              options={(touchPoints.data ?? []).map((tp) => ({ id: tp.id, label: tp.name }))}
              onChange={(id) => setDraft((d) => ({ ...d, touchPointId: id, channel: null, submissionId: uuidv7() }))}
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

          <div className="field-row reason-row">
            <ComboBox
              className="text-field"
              name="reason"
              allowsCustomValue
              inputValue={draft.reason}
              onInputChange={(v) => set("reason", v)}
              defaultItems={reasons.data ?? []}
              isInvalid={Boolean(reasonError)}
              menuTrigger="focus"
            >
              <Label className="field-label">{t("log.reason")}</Label>
              <Input className="input" ref={reasonInput} placeholder={t("log.reasonPlaceholder")} />
              {reasonError ? <div className="field-error">{reasonError}</div> : null}
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
            <TextField
              className="text-field minutes-field"
              name="minutes"
              value={minutesShown}
              onChange={(v) => set("minutes", v)}
              isInvalid={minutesInvalid || Boolean(errors.duration_secs)}
              inputMode="decimal"
            >
              <Label className="field-label">
                {t("log.minutes")}
                {draft.minutes === null ? <span className="timer-dot" title={t("log.timerRunning")} /> : null}
              </Label>
              <Input className="input" />
              {minutesError ? <div className="field-error">{minutesError}</div> : null}
              {errors.duration_secs ? <div className="field-error">{errors.duration_secs}</div> : null}
            </TextField>
          </div>

          <OutcomeChoice value={draft.outcome} onChange={(o) => set("outcome", o)} />

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

          <Disclosure className="more-scores" isExpanded={showMore || moreScores} onExpandedChange={setShowMore}>
            <Heading className="more-scores-heading">
              <Button slot="trigger" className="link-button" data-testid="more-scores">
                {t("log.moreScores")}
              </Button>
            </Heading>
            <DisclosurePanel className="more-scores-panel">
              <ScoreScale
                name="nps"
                label={t("log.nps")}
                hint={t("log.npsHint")}
                min={0}
                max={10}
                value={draft.nps}
                onChange={(v) => set("nps", v)}
              />
              {errors.nps ? <div className="field-error">{errors.nps}</div> : null}
              <ScoreScale
                name="ces"
                label={t("log.ces")}
                hint={t("log.cesHint")}
                min={1}
                max={7}
                value={draft.ces}
                onChange={(v) => set("ces", v)}
              />
              {errors.ces ? <div className="field-error">{errors.ces}</div> : null}
              <TextInput
                name="verbatim"
                label={t("log.verbatim")}
                value={draft.verbatim}
                onChange={(v) => set("verbatim", v)}
                error={errors.verbatim}
                rule="verbatim"
              />
            </DisclosurePanel>
          </Disclosure>

          <TextInput
            name="summary"
            label={t("log.note")}
            placeholder={t("log.notePlaceholder")}
            value={draft.summary}
            onChange={(v) => set("summary", v)}
            error={errors.summary}
            rule="summary"
            multiline
          />

          {customerId ? (
            <div className="check-in" data-testid="check-in">
              <Checkbox
                className="checkbox"
                isSelected={Boolean(draft.checkInDays)}
                onChange={(on) => set("checkInDays", on ? 3 : null)}
                data-testid="check-in-toggle"
              >
                <span className="box" aria-hidden="true" />
                {t("checkIn.toggle")}
              </Checkbox>
              {draft.checkInDays ? (
                <div className="check-in-fields">
                  <Choice
                    compact
                    label={t("checkIn.inDays")}
                    name="check-in-days"
                    value={String(draft.checkInDays)}
                    options={CHECK_IN_DAYS.map((d) => ({ id: String(d), label: t("checkIn.days", { count: d }) }))}
                    onChange={(v) => set("checkInDays", Number(v))}
                  />
                  <TextInput
                    name="check-in-about"
                    label={t("checkIn.about")}
                    placeholder={t("checkIn.aboutPlaceholder")}
                    value={draft.checkInAbout ?? ""}
                    onChange={(v) => set("checkInAbout", v)}
                    rule="promise"
                  />
                </div>
              ) : null}
              {errors.check_in ? <div className="field-error">{errors.check_in}</div> : null}
            </div>
          ) : null}

          {/* Always in view: Save and the hand-over stay at the panel's foot however long the form. */}
          <div className="log-footer" data-testid="log-footer">
            <div className="form-actions">
              <Button
                className="button"
                onPress={() => {
                  setKiosk(true);
                  nav.setKiosk(true);
                }}
                data-testid="hand-over"
              >
                {t("log.handOver")} <Keyboard className="kbd">H</Keyboard>
              </Button>
              <Button
                type="submit"
                className="button primary"
                isDisabled={log.isPending || !touchPointId}
                data-testid="log-save"
              >
                {log.isPending ? t("log.saving") : t("log.save")}
                <Keyboard className="kbd on-accent">{t("log.saveShortcut")}</Keyboard>
              </Button>
            </div>
            <div className="form-status" role="status" aria-live="polite">
              {otherError ? (
                <span className="field-error">{t("log.failed", { message: otherError })}</span>
              ) : savedAt && !log.isPending ? (
                <span className="saved" data-testid="log-saved">
                  ✓ {t("log.saved", { time: timeOfDay(savedAt) })}
                </span>
              ) : null}
            </div>
          </div>
        </fieldset>
      </form>
      {kiosk && desk.data ? (
        <Kiosk
          storeName={desk.data.store.name}
          language={customerLanguage}
          staff={{ ...desk.data.staff, hasPin: staff.data?.find((s) => s.id === desk.data.staff.id)?.has_pin ?? true }}
          onTakeBack={takeBack}
        />
      ) : null}
    </aside>
  );
}
