import { Keyboard } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { ACTIONS } from "../actions";
import { useNavigation } from "../navigation";
import { DialogFrame } from "./DialogFrame";

/** `?`: every shortcut, in one place. */
export function HelpOverlay() {
  const { t } = useTranslation();
  const nav = useNavigation();
  const everywhere = ACTIONS.filter((a) => !a.customerOnly);
  const onCustomer = ACTIONS.filter((a) => a.customerOnly);
  return (
    <DialogFrame isOpen onClose={() => nav.setOverlay(null)} title={t("help.title")} width={620} testId="help">
      <div className="dialog-body help-grid">
        <section>
          <h3>{t("help.everywhere")}</h3>
          <dl className="shortcut-list">
            {everywhere.map((a) => (
              <div key={a.id}>
                <dt>
                  <Keyboard className="kbd">{a.keys}</Keyboard>
                </dt>
                <dd>{t(a.label)}</dd>
              </div>
            ))}
          </dl>
        </section>
        <section>
          <h3>{t("help.onCustomer")}</h3>
          <dl className="shortcut-list">
            {onCustomer.map((a) => (
              <div key={a.id}>
                <dt>
                  <Keyboard className="kbd">{a.keys}</Keyboard>
                </dt>
                <dd>{t(a.label)}</dd>
              </div>
            ))}
          </dl>
          <p className="muted small">{t("help.searchKeys")}</p>
        </section>
      </div>
    </DialogFrame>
  );
}
