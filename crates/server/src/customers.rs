//! `GET /v1/customers/search` and `POST /v1/customers/adopt`: a desk whose search found nobody
//! asks the organisation; opening one of them brings the customer, with their whole history,
//! into the store's scope, so the store's desks keep them from then on. Conflicting edits of a
//! customer, one customer's or the newest of all the device reads.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;
use touchpoint_protocol::{
    AdoptRequest, AdoptResponse, Change, ConflictsResponse, CustomerConflict, ErrorCode, FieldConflict, Op,
    RecentConflictsResponse, RemoteCustomer, SearchResponse,
};
use uuid::Uuid;

use crate::db;
use crate::error::{ApiResult, Failure};
use crate::extract::{Body, Params, Protocol};
use crate::limits::{Call, ClientIp};
use crate::tokens::DeviceAuth;
use crate::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// A name prefix, phone digits, an email address, or a loyalty/external id: 2 to 120
    /// characters on one line, none of them control characters.
    #[param(min_length = 2, max_length = 120)]
    pub q: String,
    /// How many to return (1–50, default 20).
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<u32>,
}

/// The most customers one search returns.
pub const SEARCH_LIMIT_MAX: u32 = 50;

/// A phone as a person may be shown it outside the stores that hold the customer: only its
/// last three digits (`+•••••••••678`), enough to ask "the number ending 678?".
pub fn masked_phone(e164: &str) -> String {
    let digits: Vec<char> = e164.chars().filter(char::is_ascii_digit).collect();
    let hidden = digits.len().saturating_sub(3);
    let tail: String = digits[hidden..].iter().collect();
    format!("+{}{tail}", "•".repeat(hidden))
}

/// An email as shown outside the customer's stores: its first character and its domain
/// (`a•••@example.com`).
pub fn masked_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            format!("{}•••@{domain}", local.chars().next().map(String::from).unwrap_or_default())
        }
        None => "•••".into(),
    }
}

#[utoipa::path(get, path = "/v1/customers/search", params(SearchQuery),
    responses((status = 200, body = SearchResponse), (status = "4XX", body = touchpoint_protocol::ApiError)),
    security(("device" = [])))]
pub async fn search(
    State(st): State<AppState>,
    _version: Protocol,
    ClientIp(ip): ClientIp,
    auth: DeviceAuth,
    Params(q): Params<SearchQuery>,
) -> ApiResult<Json<SearchResponse>> {
    st.limits.check(Call::Lookup, ip, auth.device_id)?;
    touchpoint_protocol::text::check(&q.q, touchpoint_protocol::text::SEARCH)
        .map_err(|p| Failure::bad_request(p.describe("The search")))?;
    let text = q.q.trim();
    touchpoint_protocol::text::check(text, touchpoint_protocol::text::SEARCH)
        .map_err(|p| Failure::bad_request(p.describe("The search")))?;
    if text.chars().count() < touchpoint_protocol::text::SEARCH_MIN {
        return Err(Failure::bad_request("Search for 2 to 120 characters."));
    }
    let limit = i64::from(within(q.limit.unwrap_or(20), 1, SEARCH_LIMIT_MAX, "limit")?);
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let rows = if text.contains('@') {
        db::customers::search_by_email(&st.pool, auth.org_id, text, limit, auth.reads_org, &auth.reads).await?
    } else if digits.len() >= 6 && digits.len() * 2 >= text.len() {
        db::customers::search_by_phone(&st.pool, auth.org_id, &digits, limit, auth.reads_org, &auth.reads).await?
    } else {
        let pattern = text.to_lowercase().replace(['%', '_', '\\'], "");
        db::customers::search_by_name_or_id(&st.pool, auth.org_id, &pattern, text, limit, auth.reads_org, &auth.reads)
            .await?
    };
    tracing::debug!(device = %auth.device_id, found = rows.len(), "organisation search");
    let customers = rows
        .into_iter()
        .map(|(customer_id, fields, home_store_id, last_seen_at, reads)| {
            let list = |key: &str, mask: fn(&str) -> String| -> Vec<String> {
                let all = fields.get(key).and_then(Value::as_array).map_or_else(Vec::new, |a| {
                    a.iter().filter_map(Value::as_str).map(str::to_owned).collect::<Vec<_>>()
                });
                // See DESIGN notes, "What the organisation's search answers".
                if reads {
                    all
                } else {
                    all.iter().map(|v| mask(v)).collect()
                }
            };
            RemoteCustomer {
                customer_id,
                name: fields.get("name").and_then(Value::as_str).unwrap_or_default().to_owned(),
                phones: list("phones", masked_phone),
                emails: list("emails", masked_email),
                loyalty_id: fields
                    .get("loyalty_id")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty() && reads)
                    .map(str::to_owned),
                home_store_id,
                last_seen_at,
            }
        })
        .collect();
    Ok(Json(SearchResponse { customers }))
}

#[utoipa::path(post, path = "/v1/customers/adopt", request_body = AdoptRequest,
    responses((status = 200, body = AdoptResponse), (status = "4XX", body = touchpoint_protocol::ApiError)),
    security(("device" = [])))]
pub async fn adopt(
    State(st): State<AppState>,
    _version: Protocol,
    ClientIp(ip): ClientIp,
    auth: DeviceAuth,
    Body(req): Body<AdoptRequest>,
) -> ApiResult<Json<AdoptResponse>> {
    st.limits.check(Call::Lookup, ip, auth.device_id)?;
    let mut tx = st.pool.begin().await?;
    let known = db::customers::is_visible(&mut tx, auth.org_id, req.customer_id).await?;
    if !known {
        return Err(Failure::new(ErrorCode::NotFound, "This customer is not known to the server."));
    }
    // A sequence of its own: a desk of the store whose cursor is still below it back-fills the
    // customer's history when it passes it; one above it cannot exist yet (the counter row is
    // held until this commits).
    let seq = db::sequence::take(&mut tx, auth.org_id, 1).await?;
    // A merged customer comes with every record merged with them, so the desk can show the
    // survivor's whole history (and undo the merge) as every other desk does.
    let linked = db::customers::merge_linked(&mut tx, auth.org_id, req.customer_id).await?;
    for customer in &linked {
        db::records::add_scope(&mut tx, auth.org_id, auth.store_id, *customer, seq).await?;
    }
    let rows = db::customers::history(&mut tx, auth.org_id, &linked).await?;
    tx.commit().await?;
    let mut changes = Vec::with_capacity(rows.len());
    for (seq, op) in rows {
        let op: Op = serde_json::from_value(op)
            .map_err(|_| Failure::new(ErrorCode::Internal, "The server's history holds an unreadable change."))?;
        changes.push(Change { seq, op });
    }
    tracing::info!(customer = %req.customer_id, store = %auth.store_id, "customer brought into a store's scope");
    Ok(Json(AdoptResponse { changes }))
}

#[utoipa::path(get, path = "/v1/customers/{customer_id}/conflicts",
    params(("customer_id" = Uuid, Path, description = "A customer of the device's store")),
    responses((status = 200, body = ConflictsResponse), (status = "4XX", body = touchpoint_protocol::ApiError)),
    security(("device" = [])))]
pub async fn conflicts(
    State(st): State<AppState>,
    _version: Protocol,
    auth: DeviceAuth,
    axum::extract::Path(customer): axum::extract::Path<String>,
) -> ApiResult<Json<ConflictsResponse>> {
    let customer = Uuid::try_parse(&customer).map_err(|_| Failure::bad_request("That is not a customer id."))?;
    let in_scope = db::customers::in_scope(&st.pool, auth.org_id, &auth.reads, customer, auth.reads_org).await?;
    if !in_scope {
        return Err(Failure::new(ErrorCode::NotFound, "This customer is not one of this store's."));
    }
    let rows = db::customers::conflicts_of(&st.pool, auth.org_id, customer).await?;
    let conflicts = rows.into_iter().map(field_conflict).collect();
    Ok(Json(ConflictsResponse { conflicts }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecentConflictsQuery {
    /// How many, newest first (1–200, default 100).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// A number parameter inside its documented range, or a 400 that says the range.
pub(crate) fn within(value: u32, min: u32, max: u32, name: &str) -> ApiResult<u32> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(Failure::bad_request(format!("`{name}` must be from {min} to {max}.")))
    }
}

/// A recorded conflict as the API shows it (the values as JSON text).
fn field_conflict(row: db::customers::Conflict) -> FieldConflict {
    let (field, kept, kept_hlc, kept_staff_id, lost, lost_hlc, lost_staff_id, recorded_at) = row;
    FieldConflict {
        field,
        kept_value: kept.to_string(),
        kept_hlc,
        kept_staff_id,
        lost_value: lost.to_string(),
        lost_hlc,
        lost_staff_id,
        recorded_at,
    }
}

#[utoipa::path(get, path = "/v1/conflicts", params(RecentConflictsQuery),
    responses((status = 200, body = RecentConflictsResponse), (status = "4XX", body = touchpoint_protocol::ApiError)),
    security(("device" = [])))]
pub async fn recent_conflicts(
    State(st): State<AppState>,
    _version: Protocol,
    auth: DeviceAuth,
    Params(q): Params<RecentConflictsQuery>,
) -> ApiResult<Json<RecentConflictsResponse>> {
    let limit = i64::from(within(q.limit.unwrap_or(100), 1, 200, "limit")?);
    let rows = db::customers::recent_conflicts(&st.pool, auth.org_id, &auth.reads, auth.reads_org, limit).await?;
    let conflicts = rows
        .into_iter()
        .map(|(customer_id, field, kept, kept_hlc, kept_by, lost, lost_hlc, lost_by, at)| CustomerConflict {
            customer_id,
            conflict: field_conflict((field, kept, kept_hlc, kept_by, lost, lost_hlc, lost_by, at)),
        })
        .collect();
    Ok(Json(RecentConflictsResponse { conflicts }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_points_outside_the_customer_s_stores_show_only_enough_to_recognise_them() {
        assert_eq!(masked_phone("+351912345678"), "+•••••••••678");
        assert_eq!(masked_phone("+12025550123"), "+••••••••123");
        assert_eq!(masked_email("ana.costa@example.com"), "a•••@example.com");
    }
}
