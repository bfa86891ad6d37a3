import i18n from "i18next";
import { initReactI18next } from "react-i18next";

import en from "./en.json";
import pt from "./pt.json";

/** The app's languages, by the code i18next resolves them under: Portuguese is Portugal's
 * (its plural rules: "0 registos", where Brazil's would say "0 registo"). */
export const resources = { en: { translation: en }, "pt-PT": { translation: pt } } as const;
export type Language = "en" | "pt";
/** The code a language is looked up under. */
const CODE: Record<Language, keyof typeof resources> = { en: "en", pt: "pt-PT" };
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
  return base in CODE ? (base as Language) : "en";
}

export function setLanguage(lang: Language) {
  localStorage.setItem(STORAGE_KEY, lang);
  void i18n.changeLanguage(CODE[lang]);
  document.documentElement.lang = intlLocale();
}

/** The store's country (the desk's region, "GB"), once the desk has said it. */
let storeRegion: string | null = null;

/** Dates and numbers in English follow the store's country ("GB" → 4 December, 10:00), not the
 * web view's own locale, which falls back to US English on a computer without the store's
 * locale installed. */
export function setStoreRegion(region: string | null | undefined) {
  const next = region && /^[A-Z]{2}$/.test(region) ? region : null;
  if (next === storeRegion) return;
  storeRegion = next;
  if (typeof document !== "undefined") document.documentElement.lang = intlLocale();
}

/** The locale dates and numbers are shown in: Portuguese as spoken in Portugal; English as
 * written in the store's country, else the system's English, else British English. */
export function intlLocale(): string {
  const lang = i18n.language || "en";
  if (lang.startsWith("pt")) return "pt-PT";
  if (lang === "en") {
    if (storeRegion) return `en-${storeRegion}`;
    return typeof navigator !== "undefined" && navigator.language.startsWith("en") ? navigator.language : "en-GB";
  }
  return lang;
}

void i18n.use(initReactI18next).init({
  resources,
  lng: CODE[preferredLanguage()],
  fallbackLng: "en",
  interpolation: { escapeValue: false },
  returnNull: false,
});

if (typeof document !== "undefined") document.documentElement.lang = intlLocale();

/** The code to look a BCP 47 tag up under (`pt-BR` → Portuguese, `en-US` → English), or null
 * for a language the app does not speak. */
export function languageCode(tag: string | null | undefined): keyof typeof resources | null {
  const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return base && base in CODE ? CODE[base as Language] : null;
}

/** The app language now in use. */
export function currentLanguage(): Language {
  return i18n.language.startsWith("pt") ? "pt" : "en";
}

export default i18n;
