import { Button } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { useNavigation } from "../navigation";

/** The app's rooms. Only rooms that exist are listed. */
export function Rail() {
  const { t } = useTranslation();
  const nav = useNavigation();
  return (
    <nav className="rail" aria-label={t("nav.label")}>
      <Button
        className="rail-item"
        data-current={nav.route.name === "home" || undefined}
        onPress={() => nav.go({ name: "home" })}
      >
        <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
          <rect x="3" y="4" width="14" height="13" rx="2" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path d="M3 8h14M7 2.5v3M13 2.5v3" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </svg>
        <span>{t("nav.today")}</span>
      </Button>
      <Button className="rail-item" onPress={() => nav.newCustomer("")} data-testid="rail-new-customer">
        <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
          <circle cx="8" cy="7" r="3.2" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path d="M2.5 17c.6-3 2.8-4.6 5.5-4.6s4.9 1.6 5.5 4.6" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path d="M15.5 6v6M12.5 9h6" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </svg>
        <span>{t("nav.newCustomer")}</span>
      </Button>
    </nav>
  );
}
