//! `/v1/org/webhooks`: outgoing webhooks set up by an administrator signed in (the URL, the
//! events; the signing secret shown once), turned off and on, and each one's delivery log.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use touchpoint_protocol::console::{
    CreatedWebhook, DeliveryStatus, NewWebhook, OrgWebhook, WebhookActive, WebhookDelivery, WebhookEvent,
};
use uuid::Uuid;

use super::{field, not_found, ConsoleUser};
use crate::db::webhooks::HookRow;
use crate::error::ApiResult;
use crate::extract::{Body, Segments};
use crate::{db, AppState};

fn event_of(name: &str) -> Option<WebhookEvent> {
    WebhookEvent::ALL.into_iter().find(|e| e.as_str() == name)
}

fn shown(r: HookRow) -> OrgWebhook {
    OrgWebhook {
        webhook_id: r.webhook_id,
        url: r.url,
        events: r.events.iter().filter_map(|e| event_of(e)).collect(),
        active: r.active,
        created_at: r.created_at,
        pending: u32::try_from(r.pending).unwrap_or(u32::MAX),
        failed: u32::try_from(r.failed).unwrap_or(u32::MAX),
        last_delivered_at: r.last_delivered_at,
    }
}

fn hooks_admin(user: &ConsoleUser) -> ApiResult<()> {
    user.admin()?;
    user.person()
}

/// Why a URL cannot be a webhook's, if it cannot.
fn url_problem(url: &str, allow_http: bool) -> Option<String> {
    if url.len() > 2000 {
        return Some("A URL of at most 2,000 characters.".into());
    }
    // The parser would quietly drop or escape them; the address kept is the one typed.
    if url.chars().any(char::is_control) {
        return Some("A URL has no control characters (tabs, line breaks, NUL).".into());
    }
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return Some("Not a URL (like https://example.com/touchpoint).".into());
    };
    match parsed.scheme() {
        "https" => {}
        "http" if allow_http => {}
        "http" => return Some("Use https: deliveries carry customers' ids and scores.".into()),
        _ => return Some("An https URL.".into()),
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Some("The URL needs a host.".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Some("No user name or password in the URL: check the signature instead.".into());
    }
    None
}

/// The organisation's webhooks, newest first (administrators, signed in).
#[utoipa::path(get, path = "/v1/org/webhooks", tag = "organisation",
    responses((status = 200, body = Vec<OrgWebhook>, description = "Newest first")))]
pub async fn list(State(st): State<AppState>, user: ConsoleUser) -> ApiResult<Json<Vec<OrgWebhook>>> {
    hooks_admin(&user)?;
    Ok(Json(db::webhooks::hooks(&st.pool, user.org_id).await?.into_iter().map(shown).collect()))
}

/// Adds a webhook (administrators, signed in); the secret its deliveries are signed with is
/// in the answer and shown nowhere else.
#[utoipa::path(post, path = "/v1/org/webhooks", request_body = NewWebhook, tag = "organisation",
    responses((status = 201, body = CreatedWebhook, description = "The webhook and its signing secret, shown once")))]
pub async fn add(
    State(st): State<AppState>,
    user: ConsoleUser,
    Body(req): Body<NewWebhook>,
) -> ApiResult<(StatusCode, Json<CreatedWebhook>)> {
    hooks_admin(&user)?;
    let url = req.url.trim();
    if let Some(problem) = url_problem(url, st.webhooks.allow_http) {
        return Err(field("url", problem));
    }
    let mut events: Vec<&str> = req.events.iter().map(|e| e.as_str()).collect();
    events.sort_unstable();
    events.dedup();
    if events.is_empty() {
        return Err(field("events", "Choose at least one event."));
    }
    let secret = format!("whsec_{}", super::auth::random_token(32));
    let id = Uuid::now_v7();
    db::webhooks::insert(&st.pool, user.org_id, id, url, &events, &secret, user.staff_id).await?;
    user.audit(&st.pool, "webhook_added", Some(id), serde_json::json!({ "url": url, "events": events.join(", ") }))
        .await?;
    let webhook = db::webhooks::hooks(&st.pool, user.org_id)
        .await?
        .into_iter()
        .find(|h| h.webhook_id == id)
        .map(shown)
        .ok_or_else(|| not_found("webhook_id", "The webhook was not kept."))?;
    Ok((StatusCode::CREATED, Json(CreatedWebhook { webhook, secret })))
}

/// Turns a webhook off (nothing more is queued; what waits is given up) or on again.
#[utoipa::path(post, path = "/v1/org/webhooks/{webhook_id}/active", request_body = WebhookActive, tag = "organisation",
    params(("webhook_id" = Uuid, Path, description = "The webhook")),
    responses((status = 204, description = "Changed")))]
pub async fn set_active(
    State(st): State<AppState>,
    user: ConsoleUser,
    Segments(id): Segments<Uuid>,
    Body(req): Body<WebhookActive>,
) -> ApiResult<StatusCode> {
    hooks_admin(&user)?;
    if !db::webhooks::set_active(&st.pool, user.org_id, id, req.active).await? {
        return Err(not_found("webhook_id", "No such webhook in this organisation."));
    }
    let action = if req.active { "webhook_on" } else { "webhook_off" };
    user.audit(&st.pool, action, Some(id), serde_json::json!({})).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A webhook's last 200 deliveries, newest first (administrators, signed in).
#[utoipa::path(get, path = "/v1/org/webhooks/{webhook_id}/deliveries", tag = "organisation",
    params(("webhook_id" = Uuid, Path, description = "The webhook")),
    responses((status = 200, body = Vec<WebhookDelivery>, description = "Newest first")))]
pub async fn deliveries(
    State(st): State<AppState>,
    user: ConsoleUser,
    Segments(id): Segments<Uuid>,
) -> ApiResult<Json<Vec<WebhookDelivery>>> {
    hooks_admin(&user)?;
    let rows = db::webhooks::deliveries(&st.pool, user.org_id, id).await?;
    Ok(Json(
        rows.into_iter()
            .filter_map(|r| {
                let status = match r.status.as_str() {
                    "pending" => DeliveryStatus::Pending,
                    "delivered" => DeliveryStatus::Delivered,
                    _ => DeliveryStatus::Failed,
                };
                Some(WebhookDelivery {
                    delivery_id: r.delivery_id,
                    event: event_of(&r.event)?,
                    created_at: r.created_at,
                    status,
                    attempts: u32::try_from(r.attempts).unwrap_or(0),
                    next_attempt_at: (status == DeliveryStatus::Pending).then_some(r.next_attempt_at),
                    last_status: r.last_status.and_then(|s| u16::try_from(s).ok()),
                    last_error: r.last_error,
                    delivered_at: r.delivered_at,
                })
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::url_problem;

    #[test]
    fn a_webhook_url_is_https_with_a_host_no_credentials_and_no_control_characters() {
        assert_eq!(url_problem("https://hooks.example.com/touchpoint", false), None);
        assert_eq!(url_problem("http://127.0.0.1:9000/in", true), None);
        for bad in [
            "http://hooks.example.com/x",
            "ftp://x/y",
            "not a url",
            "https://user:pw@example.com/",
            "file:///etc/passwd",
            "https://hooks.example.com/in\0",
            "https://hooks.example.com/a\tb",
            "https://hooks.example.com/a\nb",
        ] {
            assert!(url_problem(bad, false).is_some(), "{bad}");
        }
    }
}
