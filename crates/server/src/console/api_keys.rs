//! `/v1/org/api-keys`: keys for integrations to call the organisation API (read-only or
//! read-write), made and revoked by an administrator signed in to the console. The secret is
//! shown once; only its hash is kept. What a key does is audited in its maker's name.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use touchpoint_protocol::console::{ApiKeyScope, IssuedApiKey, NewApiKey, OrgApiKey};
use touchpoint_protocol::text;
use uuid::Uuid;

use super::auth::new_api_key_secret;
use super::{field, not_found, ConsoleUser};
use crate::db::api_keys::KeyRow;
use crate::error::{ApiResult, Failure};
use crate::extract::{Body, Segments};
use crate::tokens::hash_secret;
use crate::{db, AppState};

fn shown(r: KeyRow) -> Option<OrgApiKey> {
    Some(OrgApiKey {
        key_id: r.key_id,
        name: r.name,
        scope: ApiKeyScope::parse(&r.scope)?,
        created_by_name: r.created_by_name,
        created_at: r.created_at,
        last_used_at: r.last_used_at,
        revoked_at: r.revoked_at,
    })
}

fn keys_admin(user: &ConsoleUser) -> ApiResult<()> {
    user.admin()?;
    user.person()
}

/// The organisation's API keys, newest first (administrators, signed in).
#[utoipa::path(get, path = "/v1/org/api-keys", tag = "organisation",
    responses((status = 200, body = Vec<OrgApiKey>, description = "Newest first, revoked ones included")))]
pub async fn keys(State(st): State<AppState>, user: ConsoleUser) -> ApiResult<Json<Vec<OrgApiKey>>> {
    keys_admin(&user)?;
    let rows = db::api_keys::keys(&st.pool, user.org_id).await?;
    Ok(Json(rows.into_iter().filter_map(shown).collect()))
}

/// Makes a key (administrators, signed in); its secret is in the answer and nowhere else.
#[utoipa::path(post, path = "/v1/org/api-keys", request_body = NewApiKey, tag = "organisation",
    responses((status = 201, body = IssuedApiKey, description = "The key and its secret, shown once")))]
pub async fn make(
    State(st): State<AppState>,
    user: ConsoleUser,
    Body(req): Body<NewApiKey>,
) -> ApiResult<(StatusCode, Json<IssuedApiKey>)> {
    keys_admin(&user)?;
    let name = req.name.trim();
    if name.is_empty() {
        return Err(field("name", "Say what the key is for."));
    }
    text::check(name, text::DEVICE_NAME).map_err(|p| field("name", p.describe("A key's name")))?;
    let secret = new_api_key_secret();
    let key = Uuid::now_v7();
    db::api_keys::insert(&st.pool, user.org_id, key, name, req.scope.as_str(), &hash_secret(&secret), user.staff_id)
        .await?;
    user.audit(&st.pool, "api_key_made", Some(key), serde_json::json!({ "name": name, "scope": req.scope.as_str() }))
        .await?;
    let made = db::api_keys::keys(&st.pool, user.org_id)
        .await?
        .into_iter()
        .find(|k| k.key_id == key)
        .and_then(shown)
        .ok_or_else(|| Failure::new(touchpoint_protocol::ErrorCode::Internal, "The key was not kept."))?;
    Ok((StatusCode::CREATED, Json(IssuedApiKey { key: made, secret })))
}

/// Revokes a key (administrators, signed in): its next request is refused.
#[utoipa::path(post, path = "/v1/org/api-keys/{key_id}/revoke", tag = "organisation",
    params(("key_id" = Uuid, Path, description = "The key")),
    responses((status = 204, description = "Revoked")))]
pub async fn revoke(
    State(st): State<AppState>,
    user: ConsoleUser,
    Segments(key): Segments<Uuid>,
) -> ApiResult<StatusCode> {
    keys_admin(&user)?;
    let Some(name) = db::api_keys::revoke(&st.pool, user.org_id, key).await? else {
        return Err(not_found("key_id", "No such live key in this organisation."));
    };
    user.audit(&st.pool, "api_key_revoked", Some(key), serde_json::json!({ "name": name })).await?;
    Ok(StatusCode::NO_CONTENT)
}
