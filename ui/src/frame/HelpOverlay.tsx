import { Keyboard } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { actionsFor, canReview, type AppAction } from "../actions";
import { useDeskInfo } from "../api/desk";
import { useNavigation } from "../navigation";
import { DialogFrame } from "../components/DialogFrame";

/** `?`: every shortcut, in one place. */
export function HelpOverlay() {
  const { t } = useTranslation();
  const nav = useNavigation();
  const role = useDeskInfo().data?.staff.role;
  const actions = actionsFor(role);
  const everywhere = actions.filter((a) => a.keys && !a.customerOnly);
  const onCustomer = actions.filter((a) => a.customerOnly);
  return (
    <DialogFrame isOpen onClose={() => nav.setOverlay(null)} title={t("help.title")} width={620} testId="help">
      <div className="dialog-body help-grid">
        <section>
          <h3>{t("help.everywhere")}</h3>
          <ShortcutList actions={everywhere} />
          {canReview(role) ? <p className="muted small">{t("help.reviewKeys")}</p> : null}
        </section>
        <section>
          <h3>{t("help.onCustomer")}</h3>
          <ShortcutList actions={onCustomer} />
          <p className="muted small">{t("help.searchKeys")}</p>
        </section>
      </div>
    </DialogFrame>
  );
}

function ShortcutList({ actions }: { actions: AppAction[] }) {
  const { t } = useTranslation();
  return (
    <dl className="shortcut-list">
      {actions.map((a) => (
        <div key={a.id}>
          <dt>
            <Keyboard className="kbd">{a.keys}</Keyboard>
          </dt>
          <dd>{t(a.label)}</dd>
        </div>
      ))}
    </dl>
  );
}
