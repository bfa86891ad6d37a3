import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api, ConsoleError } from "../api";
import type { ConsoleSession } from "../api-types";
import { Field } from "./common";

export function SignIn({ onSignedIn }: { onSignedIn: (s: ConsoleSession) => void }) {
  const { t } = useTranslation("console");
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      onSignedIn(await api.post<ConsoleSession>("session", { login: login.trim(), password }));
    } catch (err) {
      const code = err instanceof ConsoleError ? err.code : "internal";
      setProblem(
        code === "rate_limited"
          ? t("signIn.locked")
          : code === "offline"
            ? t("signIn.offline")
            : code === "unauthorized"
              ? t("signIn.wrong")
              : err instanceof Error
                ? err.message
                : t("signIn.wrong"),
      );
      setPassword("");
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="console-sign-in">
      <form className="card console-sign-in-card" onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-heading">
        <span className="console-brand">Touchpoint</span>
        <h1 id="sign-in-heading">{t("signIn.heading")}</h1>
        <p className="muted">{t("signIn.lead")}</p>
        <Field id="login" label={t("signIn.login")}>
          <input
            id="login"
            className="input"
            autoComplete="username"
            autoFocus
            required
            value={login}
            onChange={(e) => setLogin(e.target.value)}
            data-testid="login"
          />
        </Field>
        <Field id="password" label={t("signIn.password")}>
          <input
            id="password"
            className="input"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="password"
          />
        </Field>
        {problem && (
          <p className="field-error" role="alert" data-testid="sign-in-problem">
            {problem}
          </p>
        )}
        <button type="submit" className="button primary" disabled={busy} data-testid="sign-in">
          {busy ? t("signIn.working") : t("signIn.submit")}
        </button>
      </form>
    </main>
  );
}
