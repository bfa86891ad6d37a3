import { useEffect, useRef, useState, type ReactNode } from "react";
import { Button, Dialog, Heading, Modal, ModalOverlay } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { useFirstField } from "./useFirstField";

/** A modal dialog with a title, the same in every room:
 * - it opens with the focus in its first field, so typing goes where it belongs;
 * - Ctrl+Enter presses its primary button (unless the dialog handled the key itself);
 * - Esc or a click outside closes it, but once something was typed it first asks whether to
 *   drop it ("Keep editing" is the default). */
export function DialogFrame({
  isOpen,
  onClose,
  title,
  children,
  width = 440,
  testId,
}: {
  isOpen: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  width?: number;
  testId?: string;
}) {
  const { t } = useTranslation();
  const body = useRef<HTMLDivElement>(null);
  const [dialogEl, setDialogEl] = useState<HTMLElement | null>(null);
  const keep = useRef<HTMLButtonElement>(null);
  const [typed, setTyped] = useState(false);
  const [asking, setAsking] = useState(false);
  // Where the person was typing when they pressed Esc: back there on "Keep editing".
  const before = useRef<HTMLElement | null>(null);

  useFirstField(dialogEl, body);

  useEffect(() => {
    if (asking) keep.current?.focus();
  }, [asking]);

  const keepEditing = () => {
    setAsking(false);
    window.setTimeout(() => before.current?.focus(), 0);
  };

  const requestClose = () => {
    if (asking) keepEditing();
    else if (typed) {
      before.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      setAsking(true);
    } else onClose();
  };

  return (
    <ModalOverlay className="modal-overlay" isOpen={isOpen} onOpenChange={(o) => !o && requestClose()} isDismissable>
      <Modal className="modal" style={{ width }}>
        <Dialog ref={setDialogEl} className="dialog" aria-label={title} data-testid={testId}>
          <Heading slot="title" className="dialog-title">
            {title}
          </Heading>
          <div
            ref={body}
            className="dialog-frame-body"
            onInput={() => setTyped(true)}
            onKeyDown={(e) => {
              if (e.defaultPrevented || e.key !== "Enter" || !(e.ctrlKey || e.metaKey)) return;
              const primary = body.current?.querySelector<HTMLButtonElement>(
                "button.primary:not([disabled]):not([data-disabled])",
              );
              if (!primary) return;
              e.preventDefault();
              primary.click();
            }}
          >
            {children}
          </div>
          {asking ? (
            <div className="dialog-discard" role="alertdialog" aria-label={t("dialog.discardTitle")} data-testid="dialog-discard">
              <p>{t("dialog.discardTitle")}</p>
              <div className="actions-row">
                <Button ref={keep} className="button" onPress={keepEditing} data-testid="dialog-keep-editing">
                  {t("dialog.keepEditing")}
                </Button>
                <Button className="button danger" onPress={onClose} data-testid="dialog-discard-confirm">
                  {t("dialog.discard")}
                </Button>
              </div>
            </div>
          ) : null}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
