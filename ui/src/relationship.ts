// How relationship details read to people: dates, channels, answers about contact, and why a
// proactive follow-up or a "Before you start" item is there. One place, so the profile, the
// strip, the log form and the follow-up lists say the same thing the same way.

import type {
  ChannelConsent,
  ConsentSource,
  ContactRoute,
  FollowUp,
  FollowUpRoute,
  ImportantDate,
  RefusedChannel,
} from "./bindings";
import { intlLocale } from "./i18n";
import { shortDate } from "./format";

type T = (key: string, options?: Record<string, unknown>) => string;

export const CONTACT_ROUTES: ContactRoute[] = ["phone", "email", "sms"];
export const CONSENT_SOURCES: ConsentSource[] = ["in_person", "on_the_phone", "by_email", "written", "imported"];
export const FOLLOW_UP_ROUTES: FollowUpRoute[] = ["phone", "email", "sms", "next_visit"];

/** "Birthday", "Anniversary", or what the customer said the date is. */
export function dateName(d: ImportantDate, t: T): string {
  if (d.kind === "other" || d.label) return d.label ?? t("relationship.dateKind.other");
  return t(`relationship.dateKind.${d.kind}`);
}

/** "12 Dec" (or "12 Dec 1980" with the year), in the desk's language. */
export function dayMonth(d: ImportantDate): string {
  const at = new Date(Date.UTC(d.year ?? 2000, d.month - 1, d.day, 12));
  const options: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", timeZone: "UTC" };
  if (d.year) options.year = "numeric";
  return new Intl.DateTimeFormat(intlLocale(), options).format(at);
}

/** A calendar day ("2026-12-12") as "Sat 12 Dec". */
export function calendarDay(day: string): string {
  const [y = 2000, m = 1, d = 1] = day.split("-").map(Number);
  const at = new Date(Date.UTC(y, m - 1, d, 12));
  return new Intl.DateTimeFormat(intlLocale(), { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }).format(at);
}

export function channelName(c: ContactRoute, t: T): string {
  return t(`relationship.channel.${c}`);
}

export function routeName(r: FollowUpRoute, t: T): string {
  return t(`relationship.route.${r}`);
}

/** "refused on 3 Dec 2026, in person". */
export function answerInWords(a: ChannelConsent, t: T): string {
  return t(a.allowed ? "relationship.allowedOn" : "relationship.refusedOn", {
    date: shortDate(a.at, new Date(0)),
    how: t(`relationship.how.${a.how}`),
  });
}

/** "Asked not to be contacted by phone (3 Dec 2026, in person), SMS (…)". */
export function refusedInWords(list: RefusedChannel[], t: T): string {
  const each = list.map((r) =>
    t("relationship.refusedEach", {
      channel: t(`relationship.channelInText.${r.channel}`),
      date: shortDate(r.answer.at, new Date(0)),
      how: t(`relationship.how.${r.answer.how}`),
    }),
  );
  return t("relationship.noContact", { list: each.join(", ") });
}

/** Why a proactive follow-up is in a list, in words; nothing for a recovery. */
export function followUpWhy(f: FollowUp, t: T): string | null {
  const why = f.why;
  if (!why) return null;
  switch (why.kind) {
    case "stay_in_touch":
      return why.last_conversation
        ? t("relationship.why.stayInTouch", { days: why.every_days, last: shortDate(why.last_conversation) })
        : t("relationship.why.stayInTouchNever", { days: why.every_days });
    case "important_date":
      return t("relationship.why.date", { what: dateName(why.date, t), day: dayMonth({ ...why.date, year: null }) });
    case "check_in":
      return why.visit_at ? t("relationship.why.checkIn", { when: shortDate(why.visit_at) }) : t("relationship.why.checkInNoVisit");
  }
}
