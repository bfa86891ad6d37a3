import { Button, Keyboard } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { canReview } from "../../actions";
import { useCustomerSearch } from "../../api/customers";
import { useDeskInfo } from "../../api/desk";
import { initials } from "../../components/initials";
import { absoluteTime, relativeTime } from "../../format";
import { useNavigation } from "../../navigation";
import { AtRiskPanel } from "./AtRiskPanel";
import "./home.css";

/** Today: the customers seen most recently, one click (or Enter) from their page; supervisors
 * also see who is at risk beside them. */
export function HomeScreen() {
  const { t } = useTranslation();
  const nav = useNavigation();
  const recent = useCustomerSearch("");
  const hits = recent.data ?? [];
  const supervisor = canReview(useDeskInfo().data?.staff.role);

  return (
    <main className="screen home" aria-labelledby="home-title">
      <div className="screen-head">
        <h1 id="home-title">{t("home.title")}</h1>
        <Button className="button primary" onPress={() => nav.newCustomer("")}>
          {t("nav.newCustomer")} <Keyboard className="kbd on-accent">N</Keyboard>
        </Button>
      </div>
      <div className={supervisor ? "home-grid" : undefined}>
        {recent.isSuccess && hits.length === 0 ? (
          <div className="empty-state" data-testid="home-empty">
            <h2>{t("home.empty")}</h2>
            <p>{t("home.emptyHelp")}</p>
          </div>
        ) : (
          <section className="card" aria-labelledby="recent-title">
            <h2 id="recent-title" className="card-title">
              {t("home.recent")}
            </h2>
            <table className="table">
              <thead>
                <tr>
                  <th>{t("home.columns.name")}</th>
                  <th>{t("home.columns.contact")}</th>
                  <th className="right">{t("home.columns.lastSeen")}</th>
                </tr>
              </thead>
              <tbody>
                {hits.map(({ customer: c }) => (
                  <tr key={c.id} className="row-link" onClick={() => nav.go({ name: "customer", id: c.id })}>
                    <td>
                      <button className="name-link" onClick={() => nav.go({ name: "customer", id: c.id })}>
                        <span className="avatar" aria-hidden="true">
                          {initials(c.name)}
                        </span>
                        {c.name}
                      </button>
                    </td>
                    <td className="muted">{[c.phones[0]?.display, c.emails[0]].filter(Boolean).join(" · ")}</td>
                    <td className="right muted" title={c.last_seen_at ? absoluteTime(c.last_seen_at) : undefined}>
                      {c.last_seen_at ? relativeTime(c.last_seen_at) : t("home.noVisits")}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
        {supervisor ? <AtRiskPanel /> : null}
      </div>
    </main>
  );
}
