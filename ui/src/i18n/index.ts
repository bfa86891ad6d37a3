import i18n from "i18next";
import { initReactI18next } from "react-i18next";

import en from "./en.json";
import pt from "./pt.json";

export const resources = { en: { translation: en }, pt: { translation: pt } } as const;
export type Language = keyof typeof resources;
export const LANGUAGES: { id: Language; name: string }[] = [
  { id: "en", name: "English" },
  { id: "pt", name: "Português" },
];

const STORAGE_KEY = "touchpoint.language";

/** The language chosen in the app, else the system's, else English. */
export function preferredLanguage(): Language {
  const chosen = typeof localStorage !== "undefined" ? localStorage.getItem(STORAGE_KEY) : null;
  const wanted = chosen ?? (typeof navigator !== "undefined" ? navigator.language : "en");
  const base = wanted.split("-")[0] ?? "en";
  return base in resources ? (base as Language) : "en";
}

export function setLanguage(lang: Language) {
  localStorage.setItem(STORAGE_KEY, lang);
  void i18n.changeLanguage(lang);
  document.documentElement.lang = intlLocale();
}

/** The locale dates and numbers are shown in (Portuguese as spoken in Portugal). */
export function intlLocale(): string {
  const lang = i18n.language || "en";
  if (lang === "pt") return "pt-PT";
  if (lang === "en") return typeof navigator !== "undefined" && navigator.language.startsWith("en") ? navigator.language : "en-GB";
  return lang;
}

void i18n.use(initReactI18next).init({
  resources,
  lng: preferredLanguage(),
  fallbackLng: "en",
  interpolation: { escapeValue: false },
  returnNull: false,
});

if (typeof document !== "undefined") document.documentElement.lang = intlLocale();

export default i18n;
