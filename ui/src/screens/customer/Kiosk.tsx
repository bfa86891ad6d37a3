import { useEffect, useState } from "react";
import { Button, Label, Radio, RadioGroup, TextArea, TextField } from "react-aria-components";
import { Modal, ModalOverlay } from "react-aria-components";
import { useTranslation } from "react-i18next";

import type { Feeling } from "../../bindings";
import { FeelingIcon } from "../../components/FeelingIcon";

export type KioskAnswers = { csat: number | null; nps: number | null; ces: number | null; verbatim: string };

const CSAT_FACES: Feeling[] = ["very_unhappy", "unhappy", "neutral", "happy", "very_happy"];

/** The screen turned to the customer: big targets for their own scores and words, nothing else
 * to click, nothing private shown. Staff take it back with Ctrl+Shift+K. */
export function Kiosk({ storeName, onTakeBack }: { storeName: string; onTakeBack: (a: KioskAnswers) => void }) {
  const { t } = useTranslation();
  const [answers, setAnswers] = useState<KioskAnswers>({ csat: null, nps: null, ces: null, verbatim: "" });
  const [done, setDone] = useState(false);

  useEffect(() => {
    // Capture phase: the take-back shortcut works wherever focus is, and no other app
    // shortcut reaches the rest of the app while the customer holds the screen.
    function onKey(e: KeyboardEvent) {
      if ((e.ctrlKey || e.metaKey) && e.shiftKey && e.key.toLowerCase() === "k") {
        e.preventDefault();
        e.stopPropagation();
        onTakeBack(answers);
        return;
      }
      if (e.key === "Escape" || ((e.ctrlKey || e.metaKey) && !["c", "v", "x", "a", "z"].includes(e.key.toLowerCase()))) {
        e.preventDefault();
        e.stopPropagation();
      }
    }
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [answers, onTakeBack]);

  return (
    <ModalOverlay className="kiosk-overlay" isOpen isDismissable={false} isKeyboardDismissDisabled>
      <Modal className="kiosk" data-testid="kiosk">
        <div className="kiosk-inner" role="dialog" aria-modal="true" aria-labelledby="kiosk-title">
          {done ? (
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
              <Button className="button primary kiosk-done" onPress={() => setDone(true)} data-testid="kiosk-done">
                {t("kiosk.done")}
              </Button>
            </>
          )}
        </div>
      </Modal>
    </ModalOverlay>
  );
}
