import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { absoluteTime } from "../../../src/format";
import { api } from "../api";
import type { CreatedWebhook, NewWebhook, OrgWebhook, WebhookDelivery, WebhookEvent } from "../api-types";
import { Done, Field, FormProblem, LoadProblem, When, fieldError } from "./common";

const EVENTS: WebhookEvent[] = ["conversation_logged", "feedback_unhappy", "follow_up_overdue", "customer_erased"];

/** Outgoing webhooks: where events go, the signing secret shown once, each one's delivery log. */
export function Webhooks() {
  const { t } = useTranslation("console");
  const queries = useQueryClient();
  const hooks = useQuery({ queryKey: ["webhooks"], queryFn: () => api.get<OrgWebhook[]>("webhooks") });
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<WebhookEvent[]>(["feedback_unhappy"]);
  const [open, setOpen] = useState<string | null>(null);
  const refresh = () => void queries.invalidateQueries({ queryKey: ["webhooks"] });
  const add = useMutation({
    mutationFn: (req: NewWebhook) => api.post<CreatedWebhook>("webhooks", req),
    onSuccess: () => {
      setUrl("");
      refresh();
    },
  });
  const toggle = useMutation({
    mutationFn: (h: OrgWebhook) => api.post<void>(`webhooks/${h.webhook_id}/active`, { active: !h.active }),
    onSuccess: refresh,
  });
  return (
    <section className="card console-list console-import" aria-labelledby="hooks-heading" data-testid="webhooks">
      <h2 id="hooks-heading">{t("hooks.heading")}</h2>
      <p className="muted">{t("hooks.about")}</p>
      <form
        className="console-form"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate({ url, events });
        }}
      >
        <Field id="hook-url" label={t("hooks.url")} error={fieldError(add.error, "url")}>
          <input
            id="hook-url"
            className="input console-wide"
            type="url"
            required
            placeholder="https://example.com/touchpoint"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            data-testid="hook-url"
          />
        </Field>
        <fieldset className="console-field">
          <legend className="field-label">{t("hooks.events")}</legend>
          {EVENTS.map((ev) => (
            <label key={ev} className="console-check">
              <input
                type="checkbox"
                checked={events.includes(ev)}
                onChange={(e) => setEvents(e.target.checked ? [...events, ev] : events.filter((x) => x !== ev))}
                data-testid={`hook-event-${ev}`}
              />
              {t(`hooks.event.${ev}`)}
            </label>
          ))}
          {fieldError(add.error, "events") && (
            <span className="field-error" role="alert">
              {fieldError(add.error, "events")}
            </span>
          )}
        </fieldset>
        <div className="console-form-actions">
          <button type="submit" className="button" disabled={add.isPending} data-testid="add-hook">
            {t("hooks.add")}
          </button>
        </div>
        <FormProblem error={add.error} fields={["url", "events"]} />
      </form>
      {add.data && (
        <Done testId="hook-added">
          {t("hooks.added")}
          <code className="console-code console-secret" data-testid="hook-secret">
            {add.data.secret}
          </code>
        </Done>
      )}
      <FormProblem error={toggle.error} fields={[]} />
      <LoadProblem error={hooks.error} />
      {!!hooks.data?.length && (
        <table className="table console-table" data-testid="hooks">
          <thead>
            <tr>
              <th scope="col">{t("hooks.url")}</th>
              <th scope="col">{t("hooks.events")}</th>
              <th scope="col">{t("hooks.lastDelivered")}</th>
              <th scope="col">{t("hooks.waiting")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("hooks.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {hooks.data.map((h) => (
              <tr key={h.webhook_id} data-revoked={h.active ? undefined : ""}>
                <td className="console-detail">{h.url}</td>
                <td>{h.events.map((e) => t(`hooks.event.${e}`)).join(", ")}</td>
                <td>
                  <When iso={h.last_delivered_at} />
                </td>
                <td data-refused={h.failed > 0 ? "" : undefined}>{t("hooks.counts", { pending: h.pending, failed: h.failed })}</td>
                <td className="right console-row-actions">
                  <button
                    type="button"
                    className="button small"
                    aria-expanded={open === h.webhook_id}
                    onClick={() => setOpen(open === h.webhook_id ? null : h.webhook_id)}
                    data-testid="hook-log"
                  >
                    {t("hooks.log")}
                  </button>
                  <button type="button" className="button small" onClick={() => toggle.mutate(h)}>
                    {h.active ? t("hooks.turnOff") : t("hooks.turnOn")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && <DeliveryLog webhookId={open} />}
    </section>
  );
}

function DeliveryLog({ webhookId }: { webhookId: string }) {
  const { t } = useTranslation("console");
  const log = useQuery({
    queryKey: ["webhook-deliveries", webhookId],
    queryFn: () => api.get<WebhookDelivery[]>(`webhooks/${webhookId}/deliveries`),
    refetchInterval: 5000,
  });
  return (
    <div className="console-drill" data-testid="hook-deliveries">
      <h3>{t("hooks.logHeading")}</h3>
      <LoadProblem error={log.error} />
      {log.data?.length === 0 && <p className="muted">{t("hooks.noDeliveries")}</p>}
      {!!log.data?.length && (
        <table className="table console-table">
          <thead>
            <tr>
              <th scope="col">{t("audit.at")}</th>
              <th scope="col">{t("hooks.event.heading")}</th>
              <th scope="col">{t("hooks.status")}</th>
              <th scope="col">{t("hooks.attempts")}</th>
              <th scope="col">{t("hooks.lastAnswer")}</th>
            </tr>
          </thead>
          <tbody>
            {log.data.map((d) => (
              <tr key={d.delivery_id} data-status={d.status}>
                <td>
                  <time dateTime={d.created_at}>{absoluteTime(d.created_at)}</time>
                </td>
                <td>{t(`hooks.event.${d.event}`)}</td>
                <td data-refused={d.status === "failed" ? "" : undefined}>
                  {t(`hooks.statuses.${d.status}`)}
                  {d.status === "pending" && d.next_attempt_at ? (
                    <span className="console-detail"> · {t("hooks.next", { at: absoluteTime(d.next_attempt_at) })}</span>
                  ) : null}
                </td>
                <td>{d.attempts}</td>
                <td className="console-detail">{d.last_error ?? (d.last_status ? `HTTP ${d.last_status}` : "—")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
