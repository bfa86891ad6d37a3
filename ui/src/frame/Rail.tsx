import type { ReactNode } from "react";
import { Button } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { canReview } from "../actions";
import { useDeskInfo } from "../api/desk";
import { useMyReviews } from "../api/reviews";
import { useNavigation, type Route } from "../navigation";

/** The app's rooms. Only rooms that exist are listed. */
export function Rail() {
  const { t } = useTranslation();
  const nav = useNavigation();
  const desk = useDeskInfo();
  const open = desk.data?.my_open_follow_ups ?? 0;
  const overdue = desk.data?.my_overdue_follow_ups ?? 0;
  const reviews = useMyReviews();
  const toAcknowledge = (reviews.data ?? []).filter((r) => r.acknowledged_at === null).length;

  const room = (route: Route, label: string, icon: ReactNode, testId: string, badge?: ReactNode) => (
    <Button
      className="rail-item"
      data-current={nav.route.name === route.name || undefined}
      onPress={() => nav.go(route)}
      data-testid={testId}
    >
      {icon}
      <span>{label}</span>
      {badge}
    </Button>
  );

  return (
    <nav className="rail" aria-label={t("nav.label")}>
      {room(
        { name: "home" },
        t("nav.today"),
        <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
          <rect x="3" y="4" width="14" height="13" rx="2" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path d="M3 8h14M7 2.5v3M13 2.5v3" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </svg>,
        "rail-today",
      )}
      {room(
        { name: "follow-ups" },
        t("nav.followUps"),
        <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
          <path d="M4 10.5l3.5 3.5L16 5.5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
        </svg>,
        "rail-follow-ups",
        open > 0 ? (
          <span
            className={`rail-badge${overdue > 0 ? " overdue" : ""}`}
            aria-label={overdue > 0 ? t("nav.badgeOverdue", { count: open, overdue }) : t("nav.badge", { count: open })}
          >
            {open}
          </span>
        ) : null,
      )}
      {room(
        { name: "my-reviews" },
        t("nav.myReviews"),
        <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
          <path d="M3 4.5h14v8.5H9l-3.5 3v-3H3z" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round" />
          <path d="M7 8.6l1.9 1.9L13 6.6" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
        </svg>,
        "rail-my-reviews",
        toAcknowledge > 0 ? (
          <span className="rail-badge" aria-label={t("nav.reviewsBadge", { count: toAcknowledge })}>
            {toAcknowledge}
          </span>
        ) : null,
      )}
      {canReview(desk.data?.staff.role)
        ? room(
            { name: "review" },
            t("nav.review"),
            <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
              <circle cx="8.5" cy="8.5" r="5" fill="none" stroke="currentColor" strokeWidth="1.6" />
              <path d="M12.2 12.2 17 17" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
              <path d="M6.4 8.7l1.5 1.5 2.8-3" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
            </svg>,
            "rail-review",
          )
        : null}
      {canReview(desk.data?.staff.role)
        ? room(
            { name: "insight" },
            t("nav.insight"),
            <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
              <path d="M3 17h14" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
              <rect x="4.5" y="10" width="2.6" height="5" rx="0.6" fill="none" stroke="currentColor" strokeWidth="1.5" />
              <rect x="8.7" y="6" width="2.6" height="9" rx="0.6" fill="none" stroke="currentColor" strokeWidth="1.5" />
              <rect x="12.9" y="3" width="2.6" height="12" rx="0.6" fill="none" stroke="currentColor" strokeWidth="1.5" />
            </svg>,
            "rail-insight",
          )
        : null}
      {canReview(desk.data?.staff.role)
        ? room(
            { name: "duplicates" },
            t("nav.duplicates"),
            <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
              <circle cx="7" cy="7" r="2.6" fill="none" stroke="currentColor" strokeWidth="1.5" />
              <circle cx="13" cy="7" r="2.6" fill="none" stroke="currentColor" strokeWidth="1.5" />
              <path d="M2.5 16c.5-2.6 2.3-4 4.5-4s4 1.4 4.5 4M9.5 12.6c.9-.4 2.2-.6 3.5-.6 2.2 0 4 1.4 4.5 4" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
            </svg>,
            "rail-duplicates",
          )
        : null}
      {canReview(desk.data?.staff.role)
        ? room(
            { name: "audit" },
            t("nav.audit"),
            <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
              <rect x="4" y="3" width="12" height="14.5" rx="1.6" fill="none" stroke="currentColor" strokeWidth="1.6" />
              <path d="M7.5 3V2h5v1M7 7.5h6M7 10.5h6M7 13.5h3.5" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" fill="none" />
            </svg>,
            "rail-audit",
          )
        : null}
      {room(
        { name: "walk-in" },
        t("nav.walkIn"),
        <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
          <circle cx="10" cy="4.5" r="2" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path d="M10 7.5v5l-3 5M10 12.5l3 5M6.5 10h7" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </svg>,
        "rail-walk-in",
      )}
      <Button className="rail-item" onPress={() => nav.newCustomer("")} data-testid="rail-new-customer">
        <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
          <circle cx="8" cy="7" r="3.2" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path d="M2.5 17c.6-3 2.8-4.6 5.5-4.6s4.9 1.6 5.5 4.6" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path d="M15.5 6v6M12.5 9h6" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </svg>
        <span>{t("nav.newCustomer")}</span>
      </Button>
      {desk.data && desk.data.staff.role !== "frontline"
        ? room(
            { name: "import" },
            t("nav.import"),
            <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
              <path d="M10 3v9M6.5 8.5 10 12l3.5-3.5M4 14v2.5h12V14" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
            </svg>,
            "rail-import",
          )
        : null}
      <Button className="rail-item rail-help" onPress={() => nav.setOverlay("help")} data-testid="rail-help">
        <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
          <circle cx="10" cy="10" r="7.5" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path d="M7.8 7.8a2.3 2.3 0 1 1 3.2 2.1c-.7.3-1 .8-1 1.5v.4M10 14.2v.3" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </svg>
        <span>{t("nav.shortcuts")}</span>
      </Button>
    </nav>
  );
}
