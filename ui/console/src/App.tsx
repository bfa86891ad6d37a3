import { QueryClient, QueryClientProvider, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import { LANGUAGES, currentLanguage, setLanguage, type Language } from "../../src/i18n";
import { api, ConsoleError, rememberSession } from "./api";
import type { ConsoleSession } from "./api-types";
import { ApiKeysPage } from "./pages/ApiKeys";
import { AuditPage } from "./pages/Audit";
import { ClosedLoopPage } from "./pages/ClosedLoop";
import { CodesPage } from "./pages/Codes";
import { DevicesPage } from "./pages/Devices";
import { InsightPage } from "./pages/Insight";
import { ListsPage } from "./pages/Lists";
import { SignIn } from "./pages/SignIn";
import { StaffPage } from "./pages/Staff";
import { StoresPage } from "./pages/Stores";

export type Page = "insight" | "loop" | "devices" | "stores" | "staff" | "lists" | "codes" | "keys" | "audit";
const PAGES: Page[] = ["insight", "loop", "devices", "stores", "staff", "lists", "codes", "keys", "audit"];
/** What only administrators see. */
const ADMIN_PAGES: Page[] = ["codes", "keys", "audit"];

function pageFromHash(): Page {
  const wanted = window.location.hash.replace(/^#\/?/, "");
  return (PAGES as string[]).includes(wanted) ? (wanted as Page) : "devices";
}

export function ConsoleApp({ client }: { client?: QueryClient }) {
  const [queries] = useState(
    () => client ?? new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: true } } }),
  );
  return (
    <QueryClientProvider client={queries}>
      <Console />
    </QueryClientProvider>
  );
}

function Console() {
  const { t } = useTranslation("console");
  const queries = useQueryClient();
  const session = useQuery({
    queryKey: ["session"],
    queryFn: async () => {
      try {
        return await api.get<ConsoleSession>("session");
      } catch (e) {
        if (e instanceof ConsoleError && e.status === 401) return null;
        throw e;
      }
    },
  });
  const [page, setPage] = useState<Page>(pageFromHash);
  useEffect(() => {
    const follow = () => setPage(pageFromHash());
    window.addEventListener("hashchange", follow);
    return () => window.removeEventListener("hashchange", follow);
  }, []);
  useEffect(() => {
    document.title = t("title");
  }, [t]);
  const me = session.data ?? null;
  rememberSession(me);
  // Signed out, or the session ended on the server (idle, expired, the person left): back to
  // the sign-in, with nothing of the organisation kept in the page.
  const endSession = useCallback(() => {
    rememberSession(null);
    queries.setQueryData(["session"], null);
    queries.removeQueries({ predicate: (q) => q.queryKey[0] !== "session" });
  }, [queries]);
  useEffect(() => {
    const ended = (error: unknown) => error instanceof ConsoleError && error.status === 401;
    const offQueries = queries.getQueryCache().subscribe((event) => {
      if (event.type === "updated" && event.query.queryKey[0] !== "session" && ended(event.query.state.error)) {
        endSession();
      }
    });
    const offMutations = queries.getMutationCache().subscribe((event) => {
      if (event.type === "updated" && ended(event.mutation?.state.error)) endSession();
    });
    return () => {
      offQueries();
      offMutations();
    };
  }, [queries, endSession]);

  if (session.isPending) return null;
  if (!me) {
    return (
      <SignIn
        onSignedIn={(s) => {
          rememberSession(s);
          queries.setQueryData(["session"], s);
        }}
      />
    );
  }
  const signOut = async () => {
    await api.delete("session").catch(() => undefined);
    endSession();
  };
  const admin = me.role === "admin";
  return (
    <div className="console">
      <header className="console-top">
        <span className="console-brand">Touchpoint</span>
        <span className="muted">{me.org_name}</span>
        <nav className="console-nav" aria-label={t("title")}>
          {PAGES.filter((p) => admin || !ADMIN_PAGES.includes(p)).map((p) => (
            <a key={p} href={`#/${p}`} aria-current={p === page ? "page" : undefined} data-testid={`nav-${p}`}>
              {t(`nav.${p}`)}
            </a>
          ))}
        </nav>
        <span className="push-left" />
        <LanguageChoice />
        <span className="console-me" data-testid="console-me">
          {me.name} · {t(`role.${me.role}`)}
        </span>
        <button type="button" className="button small" onClick={() => void signOut()} data-testid="sign-out">
          {t("signOut")}
        </button>
      </header>
      <main className="console-main">
        {!admin && <p className="console-note">{t("readOnly")}</p>}
        {page === "insight" && <InsightPage />}
        {page === "loop" && <ClosedLoopPage />}
        {page === "devices" && <DevicesPage admin={admin} />}
        {page === "stores" && <StoresPage admin={admin} />}
        {page === "staff" && <StaffPage admin={admin} me={me.staff_id} />}
        {page === "lists" && <ListsPage admin={admin} />}
        {page === "codes" && admin && <CodesPage />}
        {page === "keys" && admin && <ApiKeysPage />}
        {page === "audit" && admin && <AuditPage />}
      </main>
    </div>
  );
}

function LanguageChoice() {
  const [lang, setLang] = useState<Language>(currentLanguage);
  return (
    <select
      className="input console-lang"
      aria-label="Language / Idioma"
      value={lang}
      onChange={(e) => {
        const next = e.target.value as Language;
        setLanguage(next);
        setLang(next);
      }}
    >
      {LANGUAGES.map((l) => (
        <option key={l.id} value={l.id}>
          {l.name}
        </option>
      ))}
    </select>
  );
}
