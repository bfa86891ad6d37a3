import i18n from "i18next";
import { initReactI18next } from "react-i18next";

import en from "./en.json";

export const resources = { en: { translation: en } } as const;

/** The user's language from the system, falling back to English. */
export function preferredLanguage(): string {
  const wanted = typeof navigator !== "undefined" ? navigator.language : "en";
  const base = wanted.split("-")[0] ?? "en";
  return base in resources ? base : "en";
}

void i18n.use(initReactI18next).init({
  resources,
  lng: preferredLanguage(),
  fallbackLng: "en",
  interpolation: { escapeValue: false },
  returnNull: false,
});

export default i18n;
