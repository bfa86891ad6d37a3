import { useTranslation } from "react-i18next";

import type { HeadsUp } from "../../bindings";
import { relativeTime, shortDate } from "../../format";
import { calendarDay, dateName, refusedInWords } from "../../relationship";

/** "Before you start": the few things to know before saying hello, each with why it is there.
 * Computed on the desk from what it holds, so it is there offline too. */
export function BeforeYouStart({ items }: { items: HeadsUp[] }) {
  const { t } = useTranslation();
  if (items.length === 0) return null;
  return (
    <section className="before-you-start" aria-labelledby="before-you-start-title" data-testid="before-you-start">
      <h2 id="before-you-start-title" className="bys-title">
        {t("beforeYouStart.title")}
      </h2>
      <ul className="bys-items">
        {items.map((h, i) => {
          const { head, why, tone } = words(h, t);
          return (
            <li key={`${h.kind}-${i}`} className={`bys-item bys-${tone}`} data-kind={h.kind} title={`${head} — ${why}`}>
              <span className="bys-head">{head}</span>
              <span className="bys-why">{why}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

type Tone = "alert" | "warm" | "info";
type T = (key: string, options?: Record<string, unknown>) => string;

function words(h: HeadsUp, t: T): { head: string; why: string; tone: Tone } {
  switch (h.kind) {
    case "open_follow_up":
      return {
        head: t(h.overdue ? "beforeYouStart.overdue" : "beforeYouStart.open", { promise: h.promise }),
        why: t("beforeYouStart.openWhy", { owner: h.owner, due: relativeTime(h.due_at) }),
        tone: h.overdue ? "alert" : "info",
      };
    case "unhappy_last_visit":
      return {
        head: h.reason ? t("beforeYouStart.unhappyAbout", { reason: h.reason }) : t("beforeYouStart.unhappy"),
        why: [
          h.feeling ? t("beforeYouStart.felt", { feeling: t(`feeling.${h.feeling}`).toLowerCase() }) : null,
          h.nps !== null ? t("beforeYouStart.nps", { nps: h.nps }) : null,
          shortDate(h.at),
        ]
          .filter(Boolean)
          .join(" · "),
        tone: "alert",
      };
    case "date_soon":
      return {
        head:
          h.days === 0
            ? t("beforeYouStart.dateToday", { what: dateName(h.date, t) })
            : t("beforeYouStart.dateSoon", { what: dateName(h.date, t), day: calendarDay(h.on) }),
        why: t("beforeYouStart.dateWhy", { count: h.days }),
        tone: "warm",
      };
    case "promised_last_time":
      return {
        head: t("beforeYouStart.promised", { promise: h.promise }),
        why: t(`beforeYouStart.promisedEnded.${h.status}`, { when: shortDate(h.closed_at) }) + (h.resolution ? ` — ${h.resolution}` : ""),
        tone: "info",
      };
    case "no_contact":
      return { head: t("beforeYouStart.noContact"), why: refusedInWords(h.channels, t), tone: "info" };
    case "prefers":
      return {
        head: h.preferences.map((p) => `${p.category}: ${p.value}`).join(" · "),
        why: t("beforeYouStart.prefersWhy"),
        tone: "warm",
      };
    case "first_visit_anniversary":
      return {
        head: t("beforeYouStart.anniversary", { count: h.years }),
        why: t("beforeYouStart.anniversaryWhy", { first: shortDate(h.first_visit, new Date(0)), day: calendarDay(h.on) }),
        tone: "warm",
      };
  }
}
