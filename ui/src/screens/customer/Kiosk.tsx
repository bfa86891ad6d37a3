import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { Button, Label, Radio, RadioGroup, TextArea, TextField } from "react-aria-components";
import { Modal, ModalOverlay } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { errorMessage, fieldErrors } from "../../api/commands";
import { useCheckStaffPin } from "../../api/desk";
import type { Feeling } from "../../bindings";
import { FeelingIcon } from "../../components/FeelingIcon";
import { TextInput } from "../../components/TextInput";
import i18n, { intlLocale, languageCode } from "../../i18n";

export type KioskAnswers = { csat: number | null; nps: number | null; ces: number | null; verbatim: string };

/** Who takes the screen back: the person signed in at the desk. */
export type KioskStaff = { id: string; name: string; hasPin: boolean };

/** How long the screen waits. A customer who stops answering is thanked; the thanks gives way
 * to staff (behind their PIN where they have one). */
export const KIOSK_TIMEOUTS = { idleMs: 120_000, thanksMs: 15_000 };

const CSAT_FACES: Feeling[] = ["very_unhappy", "unhappy", "neutral", "happy", "very_happy"];

type Step = "survey" | "thanks" | "staff";

/** The screen turned to the customer: big targets for their own scores and words in their own
 * language, nothing else to click, nothing private shown. Staff take it back with the visible
 * "Staff: take back" (or Ctrl+Shift+K), which asks for their PIN when they have one. */
export function Kiosk({
  storeName,
  language,
  staff,
  onTakeBack,
  timeouts = KIOSK_TIMEOUTS,
}: {
  storeName: string;
  /** The customer's language from their profile (a BCP 47 tag), else the desk's. */
  language: string | null;
  staff: KioskStaff;
  onTakeBack: (a: KioskAnswers) => void;
  timeouts?: typeof KIOSK_TIMEOUTS;
}) {
  const { t: staffT } = useTranslation();
  const code = languageCode(language);
  const t = code ? i18n.getFixedT(code) : staffT;
  const [answers, setAnswers] = useState<KioskAnswers>({ csat: null, nps: null, ces: null, verbatim: "" });
  const [step, setStep] = useState<Step>("survey");
  const [touched, setTouched] = useState(0);
  const answersRef = useRef(answers);
  useEffect(() => {
    answersRef.current = answers;
  }, [answers]);

  const handBack = useCallback(() => {
    if (staff.hasPin) setStep("staff");
    else onTakeBack(answersRef.current);
  }, [staff.hasPin, onTakeBack]);

  useEffect(() => {
    // Capture phase: the take-back shortcut works wherever focus is, and no other app
    // shortcut reaches the rest of the app while the customer holds the screen.
    function onKey(e: KeyboardEvent) {
      setTouched((n) => n + 1);
      if ((e.ctrlKey || e.metaKey) && e.shiftKey && e.key.toLowerCase() === "k") {
        e.preventDefault();
        e.stopPropagation();
        handBack();
        return;
      }
      if (e.key === "Escape" || ((e.ctrlKey || e.metaKey) && !["c", "v", "x", "a", "z"].includes(e.key.toLowerCase()))) {
        e.preventDefault();
        e.stopPropagation();
      }
    }
    const onPointer = () => setTouched((n) => n + 1);
    window.addEventListener("keydown", onKey, true);
    window.addEventListener("pointerdown", onPointer, true);
    return () => {
      window.removeEventListener("keydown", onKey, true);
      window.removeEventListener("pointerdown", onPointer, true);
    };
  }, [handBack]);

  // A customer who walks away mid-survey is thanked (what they answered is kept); the thanks
  // gives the screen back to staff. Any touch restarts the wait.
  useEffect(() => {
    if (step === "staff") return;
    const timer = window.setTimeout(
      () => (step === "survey" ? setStep("thanks") : handBack()),
      step === "survey" ? timeouts.idleMs : timeouts.thanksMs,
    );
    return () => window.clearTimeout(timer);
  }, [step, touched, timeouts, handBack]);

  return (
    <ModalOverlay className="kiosk-overlay" isOpen isDismissable={false} isKeyboardDismissDisabled>
      <Modal className="kiosk" data-testid="kiosk">
        <div
          className="kiosk-inner"
          role="dialog"
          aria-modal="true"
          aria-labelledby="kiosk-title"
          lang={step === "staff" ? undefined : (code ?? undefined)}
        >
          {step === "staff" ? (
            <StaffTakeBack staff={staff} onBack={() => setStep("thanks")} onDone={() => onTakeBack(answersRef.current)} />
          ) : step === "thanks" ? (
            <div className="kiosk-thanks" data-testid="kiosk-thanks">
              <h1 id="kiosk-title">{t("kiosk.thanks")}</h1>
              <p>{t("kiosk.handBack")}</p>
            </div>
          ) : (
            <>
              <p className="kiosk-store">{storeName}</p>
              <h1 id="kiosk-title">{t("kiosk.title")}</h1>
              <RadioGroup
                className="kiosk-question"
                orientation="horizontal"
                value={answers.csat === null ? null : String(answers.csat)}
                onChange={(v) => setAnswers((a) => ({ ...a, csat: Number(v) }))}
              >
                <Label className="kiosk-label">{t("kiosk.csat")}</Label>
                <div className="kiosk-faces">
                  {CSAT_FACES.map((f, i) => (
                    <Radio key={f} value={String(i + 1)} className={`kiosk-face feeling-${f}`} data-csat={i + 1}>
                      <FeelingIcon feeling={f} size={64} />
                      <span>{t(`kiosk.csatLabels.${i + 1}`)}</span>
                    </Radio>
                  ))}
                </div>
              </RadioGroup>
              <RadioGroup
                className="kiosk-question"
                orientation="horizontal"
                value={answers.nps === null ? null : String(answers.nps)}
                onChange={(v) => setAnswers((a) => ({ ...a, nps: Number(v) }))}
              >
                <Label className="kiosk-label">{t("kiosk.nps")}</Label>
                <div className="kiosk-scale">
                  {Array.from({ length: 11 }, (_, n) => (
                    <Radio key={n} value={String(n)} className="kiosk-number" data-nps={n}>
                      {n}
                    </Radio>
                  ))}
                </div>
                <div className="kiosk-ends">
                  <span>{t("kiosk.npsLow")}</span>
                  <span>{t("kiosk.npsHigh")}</span>
                </div>
              </RadioGroup>
              <TextField
                className="kiosk-question"
                value={answers.verbatim}
                onChange={(v) => setAnswers((a) => ({ ...a, verbatim: v }))}
              >
                <Label className="kiosk-label">{t("kiosk.comment")}</Label>
                <TextArea className="kiosk-comment" rows={3} data-testid="kiosk-comment" />
              </TextField>
              <Button className="button primary kiosk-done" onPress={() => setStep("thanks")} data-testid="kiosk-done">
                {t("kiosk.done")}
              </Button>
            </>
          )}
          {step === "staff" ? null : (
            // Staff-facing, so in the desk's language.
            <Button className="kiosk-take-back" onPress={handBack} data-testid="kiosk-take-back" lang={intlLocale()}>
              {staffT("kiosk.takeBack")}
            </Button>
          )}
        </div>
      </Modal>
    </ModalOverlay>
  );
}

/** The staff member's PIN before the desk comes back; a wrong PIN is cleared for the next try. */
function StaffTakeBack({ staff, onBack, onDone }: { staff: KioskStaff; onBack: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const check = useCheckStaffPin();
  const [pin, setPin] = useState("");
  const errors = fieldErrors(check.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    check.mutate(
      { staffId: staff.id, pin },
      {
        onSuccess: onDone,
        onError: () => setPin(""),
      },
    );
  }

  return (
    <form noValidate className="kiosk-staff" onSubmit={submit} data-testid="kiosk-staff">
      <h1 id="kiosk-title">{t("kiosk.staffTitle")}</h1>
      <TextInput
        name="pin"
        label={t("staff.pinFor", { name: staff.name })}
        value={pin}
        onChange={(v) => {
          setPin(v);
          if (check.isError) check.reset();
        }}
        error={errors.pin ?? (check.isError ? errorMessage(check.error) : undefined)}
        autoFocus
        password
      />
      <div className="kiosk-staff-actions">
        <Button className="button" onPress={onBack} data-testid="kiosk-staff-cancel">
          {t("kiosk.staffCancel")}
        </Button>
        <Button type="submit" className="button primary" isDisabled={check.isPending || pin === ""} data-testid="kiosk-staff-submit">
          {t("kiosk.staffSubmit")}
        </Button>
      </div>
    </form>
  );
}
