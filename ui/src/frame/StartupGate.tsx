import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ProgressBar } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { api } from "../api/commands";

/** How often the window asks how far the demo store has got. */
const POLL_MS = 250;

/** The window opens before the desk when the demo store is filled in first: until the desk is
 * open it says what is happening and how far it has got ("Preparing the demo store… 120 of 240
 * customers"), then shows the desk. Anything but "not ready" (an older shell, an error) lets the
 * desk show itself, with its own error if it has one. */
export function StartupGate({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const startup = useQuery({
    queryKey: ["startup"],
    queryFn: api.startup,
    refetchInterval: (q) => (q.state.data && !q.state.data.ready ? POLL_MS : false),
    staleTime: Infinity,
  });
  if (startup.isPending) return null;
  const s = startup.data;
  if (!s || s.ready) return <>{children}</>;
  const demo = s.demo;
  return (
    <main className="fatal startup" aria-labelledby="startup-title" data-testid="startup">
      <h1 id="startup-title">{demo ? t("startup.demoTitle") : t("app.loading")}</h1>
      {demo ? (
        <ProgressBar
          className="startup-progress"
          value={demo.percent}
          aria-labelledby="startup-title"
          valueLabel={t("startup.demoCustomers", { done: demo.customers, total: demo.customers_total })}
        >
          {({ percentage, valueText }) => (
            <>
              <div className="startup-bar">
                <div className="startup-fill" style={{ width: `${percentage ?? 0}%` }} />
              </div>
              <p className="muted small" data-testid="startup-progress">
                {valueText}
              </p>
            </>
          )}
        </ProgressBar>
      ) : null}
      <p className="muted small">{t("startup.demoHelp")}</p>
    </main>
  );
}
