import { useTranslation } from "react-i18next";

import { LogPanel } from "../customer/LogPanel";
import "./walk-in.css";

/** A conversation with someone who did not give a name: logged all the same. */
export function WalkInScreen() {
  const { t } = useTranslation();
  return (
    <main className="screen walk-in" aria-labelledby="walk-in-title">
      <div className="walk-in-intro">
        <h1 id="walk-in-title">{t("walkIn.title")}</h1>
        <p className="muted">{t("walkIn.help")}</p>
      </div>
      <LogPanel customerId={null} />
    </main>
  );
}
