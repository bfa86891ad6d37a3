//! Logging a conversation at a touch point, with how the customer felt.

pub mod amendments;
use crate::desk::{Actor, Desk};
use crate::follow_ups;
use touchpoint_protocol::OpBody;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use specta::Type;
use touchpoint_protocol::{ContactChannel, FeedbackRecord, Feeling, InteractionRecord, Outcome};
use uuid::Uuid;

use crate::db::{opt_uuid_col, ts, uuid_col};
use crate::error::{Problems, Result};
use crate::{catalogue, customers};

pub use touchpoint_protocol::rules::DURATION_MAX_SECS;
use touchpoint_protocol::text;

/// What staff enter to log a conversation. The touch point, channel and outcome are required,
/// and a reason or a note (a conversation about nothing is not one); the rest may be left out.
#[derive(Debug, Clone, Deserialize, Serialize, Type)]
pub struct LogInteraction {
    /// The form's key for this save: sent again (a double submit, a retry), it saves nothing
    /// new and answers what the first save made. A new form state gets a new key.
    pub submission_id: Uuid,
    /// `None` logs a walk-in whose name was never asked.
    pub customer_id: Option<Uuid>,
    pub touch_point_id: Uuid,
    pub channel: ContactChannel,
    pub reason: Option<String>,
    pub outcome: Outcome,
    pub duration_secs: Option<u32>,
    pub summary: Option<String>,
    /// The staff member's read of how the customer felt.
    pub feeling: Option<Feeling>,
    /// The customer's own scores, if they gave any.
    pub csat: Option<u8>,
    pub nps: Option<u8>,
    pub ces: Option<u8>,
    pub verbatim: Option<String>,
    /// When it happened; now if left out.
    pub occurred_at: Option<DateTime<Utc>>,
    /// An after-visit check-in to put in the logger's follow-ups ("in 3 days: did the repair
    /// hold?").
    #[serde(default)]
    pub check_in: Option<crate::follow_ups::reminders::CheckIn>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
pub struct LoggedInteraction {
    pub interaction_id: Uuid,
    pub feedback_id: Option<Uuid>,
    /// A follow-up the rules suggest (follow-up needed, detractor, low CSAT, unhappy), for
    /// staff to accept or dismiss. Nothing is created until they accept.
    pub proposal: Option<crate::follow_ups::FollowUpProposal>,
    /// The check-in follow-up the log created, if one was chosen.
    pub check_in_id: Option<Uuid>,
}

fn clean(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// The checked records a log turns into.
pub(crate) struct Checked {
    pub interaction: InteractionRecord,
    pub feedback: Option<FeedbackRecord>,
}

pub(crate) fn validate(tx: &Transaction<'_>, input: &LogInteraction, now: DateTime<Utc>) -> Result<Checked> {
    let mut p = Problems::default();
    if catalogue::touch_point(tx, input.touch_point_id)?.is_none() {
        p.add("touch_point_id", "Choose a touch point from the list.");
    }
    if let Some(c) = input.customer_id {
        if !customers::exists(tx, c)? {
            p.add("customer_id", "This customer no longer exists on this desk.");
        }
    }
    let reason = clean(&input.reason);
    p.text("reason", reason.as_deref(), text::REASON, "The reason");
    let summary = clean(&input.summary);
    p.text("summary", summary.as_deref(), text::SUMMARY, "The note");
    if reason.is_none() && summary.is_none() {
        p.add("reason", "Say what the conversation was about: choose a reason or write a note.");
    }
    let verbatim = clean(&input.verbatim);
    p.text("verbatim", verbatim.as_deref(), text::VERBATIM, "The customer's words");
    if input.duration_secs.is_some_and(|d| d > DURATION_MAX_SECS) {
        p.add("duration_secs", "A conversation cannot last more than 8 hours. Check the duration.");
    }
    if input.csat.is_some_and(|v| !(1..=5).contains(&v)) {
        p.add("csat", "CSAT is a score from 1 to 5.");
    }
    if input.nps.is_some_and(|v| v > 10) {
        p.add("nps", "NPS is a score from 0 to 10.");
    }
    if input.ces.is_some_and(|v| !(1..=7).contains(&v)) {
        p.add("ces", "Customer effort is a score from 1 to 7.");
    }
    let occurred_at = input.occurred_at.unwrap_or(now);
    if occurred_at > now + Duration::minutes(5) {
        p.add("occurred_at", "An interaction cannot happen in the future.");
    }
    p.finish()?;

    let interaction = InteractionRecord {
        interaction_id: Uuid::now_v7(),
        customer_id: input.customer_id,
        touch_point_id: input.touch_point_id,
        channel: input.channel,
        reason,
        outcome: input.outcome,
        duration_secs: input.duration_secs,
        summary,
        occurred_at,
    };
    let has_feedback = input.feeling.is_some()
        || input.csat.is_some()
        || input.nps.is_some()
        || input.ces.is_some()
        || verbatim.is_some();
    let feedback = has_feedback.then(|| FeedbackRecord {
        feedback_id: Uuid::now_v7(),
        interaction_id: Some(interaction.interaction_id),
        customer_id: input.customer_id,
        feeling: input.feeling,
        csat: input.csat,
        nps: input.nps,
        ces: input.ces,
        verbatim,
        occurred_at,
    });
    Ok(Checked { interaction, feedback })
}

/// What an earlier save with this submission key made, if there was one.
pub(crate) fn earlier_submission(tx: &Transaction<'_>, key: Uuid) -> Result<Option<LoggedInteraction>> {
    let row = tx
        .prepare_cached("SELECT interaction_id, feedback_id, proposal FROM log_submissions WHERE key = ?1")?
        .query_row([key.to_string()], |r| Ok((uuid_col(r, 0)?, opt_uuid_col(r, 1)?, r.get::<_, Option<String>>(2)?)))
        .optional()?;
    let Some((interaction_id, feedback_id, proposal)) = row else { return Ok(None) };
    let proposal = proposal.as_deref().map(serde_json::from_str).transpose()?;
    let check_in_id = tx
        .prepare_cached("SELECT id FROM follow_ups WHERE interaction_id = ?1 AND kind = 'check_in' LIMIT 1")?
        .query_row([interaction_id.to_string()], |r| uuid_col(r, 0))
        .optional()?;
    Ok(Some(LoggedInteraction { interaction_id, feedback_id, proposal, check_in_id }))
}

/// How long a submission key is remembered: far longer than any retry.
const SUBMISSION_KEPT_DAYS: i64 = 7;

pub(crate) fn remember_submission(
    tx: &Transaction<'_>,
    key: Uuid,
    logged: &LoggedInteraction,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.prepare_cached("DELETE FROM log_submissions WHERE saved_at < ?1")?
        .execute([ts(now - Duration::days(SUBMISSION_KEPT_DAYS))])?;
    let proposal = logged.proposal.as_ref().map(serde_json::to_string).transpose()?;
    tx.prepare_cached(
        "INSERT INTO log_submissions (key, interaction_id, feedback_id, proposal, saved_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        key.to_string(),
        logged.interaction_id.to_string(),
        logged.feedback_id.map(|f| f.to_string()),
        proposal,
        ts(now)
    ])?;
    Ok(())
}

pub(crate) fn insert_interaction(
    tx: &Transaction<'_>,
    r: &InteractionRecord,
    by: Actor,
    hlc: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    insert_interaction_row(tx, r, by, hlc, now)?;
    if let Some(c) = r.customer_id {
        customers::touch_last_seen(tx, c, r.occurred_at)?;
    }
    Ok(())
}

/// The interaction row alone; the caller keeps the customer's "last seen" up to date (a
/// pulled page does it once per customer).
pub(crate) fn insert_interaction_row(
    tx: &Transaction<'_>,
    r: &InteractionRecord,
    by: Actor,
    hlc: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO interactions (id, customer_id, store_id, staff_id, device_id, touch_point_id, channel, reason,
                                   outcome, duration_secs, summary, occurred_at, recorded_at, hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         ON CONFLICT (id) DO NOTHING",
    )?
    .execute(params![
        r.interaction_id.to_string(),
        r.customer_id.map(|c| c.to_string()),
        by.store_id.to_string(),
        by.staff_id.to_string(),
        by.device_id.to_string(),
        r.touch_point_id.to_string(),
        r.channel.as_str(),
        r.reason,
        r.outcome.as_str(),
        r.duration_secs,
        r.summary,
        ts(r.occurred_at),
        ts(now),
        hlc,
    ])?;
    Ok(())
}

pub(crate) fn insert_feedback(
    tx: &Transaction<'_>,
    f: &FeedbackRecord,
    by: Actor,
    hlc: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO feedback (id, interaction_id, customer_id, store_id, staff_id, device_id, feeling, csat, nps, ces,
                               verbatim, occurred_at, recorded_at, hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         ON CONFLICT (id) DO NOTHING",
    )?
    .execute(params![
        f.feedback_id.to_string(),
        f.interaction_id.map(|i| i.to_string()),
        f.customer_id.map(|c| c.to_string()),
        by.store_id.to_string(),
        by.staff_id.to_string(),
        by.device_id.to_string(),
        f.feeling.map(|x| x.as_str()),
        f.csat,
        f.nps,
        f.ces,
        f.verbatim,
        ts(f.occurred_at),
        ts(now),
        hlc,
    ])?;
    Ok(())
}

/// Erasure: the free text of the customer's conversations and feedback (their kind, outcome and
/// scores stay, so counts stay right).
/// Conversations and feedback logged on `id` show on `root` (a merge), or on `id` again.
pub(crate) fn repoint(tx: &Transaction<'_>, id: &str, root: &str) -> Result<()> {
    crate::db::repoint_rows(tx, "interactions", id, root)?;
    crate::db::repoint_rows(tx, "feedback", id, root)
}

pub(crate) fn erase_free_text(tx: &Transaction<'_>, customer: Uuid) -> Result<()> {
    let key = customer.to_string();
    tx.prepare_cached("UPDATE interactions SET summary = NULL WHERE customer_id = ?1")?.execute([&key])?;
    tx.prepare_cached("UPDATE feedback SET verbatim = NULL WHERE customer_id = ?1")?.execute([&key])?;
    Ok(())
}

/// Enrolling: conversations and feedback recorded against the desk's own store move onto the
/// server's.
pub(crate) fn move_store(tx: &Transaction<'_>, old: &str, new: &str) -> Result<()> {
    tx.execute("UPDATE interactions SET store_id = ?2 WHERE store_id = ?1", params![old, new])?;
    tx.execute("UPDATE feedback SET store_id = ?2 WHERE store_id = ?1", params![old, new])?;
    Ok(())
}

/// Enrolling: conversations at a touch point the desk made up move onto the server's one.
pub(crate) fn move_touch_point(tx: &Transaction<'_>, old: &str, new: &str) -> Result<()> {
    tx.execute("UPDATE interactions SET touch_point_id = ?2 WHERE touch_point_id = ?1", params![old, new])?;
    Ok(())
}

impl Desk {
    /// Logs a conversation (and how the customer felt) in one transaction with its outbox ops.
    pub fn log_interaction(&mut self, input: &LogInteraction) -> Result<LoggedInteraction> {
        self.write(|w| {
            if let Some(earlier) = earlier_submission(&w.tx, input.submission_id)? {
                return Ok(earlier);
            }
            let checked = validate(&w.tx, input, w.now)?;
            let op = w.record(OpBody::InteractionLogged(checked.interaction.clone()))?;
            insert_interaction(&w.tx, &checked.interaction, w.actor, &op.hlc.to_string(), w.now)?;
            let feedback_id = match &checked.feedback {
                Some(f) => {
                    let op = w.record(OpBody::FeedbackRecorded(f.clone()))?;
                    insert_feedback(&w.tx, f, w.actor, &op.hlc.to_string(), w.now)?;
                    Some(f.feedback_id)
                }
                None => None,
            };
            let reach = follow_ups::Reach::of(&w.tx, checked.interaction.customer_id)?;
            let proposal =
                follow_ups::propose(&checked.interaction, checked.feedback.as_ref(), w.actor.staff_id, &reach, w.now);
            let check_in_id = match &input.check_in {
                Some(check_in) => {
                    let patch = follow_ups::reminders::check_in_patch(
                        &w.tx,
                        check_in,
                        checked.interaction.customer_id,
                        checked.interaction.interaction_id,
                        w.actor.staff_id,
                        w.now,
                    )?;
                    let op = w.record(OpBody::FollowUpPatch(patch.clone()))?;
                    follow_ups::apply_patch(
                        &w.tx,
                        &patch,
                        &op.hlc.to_string(),
                        w.actor.staff_id,
                        w.actor.store_id,
                        w.now,
                    )?;
                    Some(patch.follow_up_id)
                }
                None => None,
            };
            if let Some(customer) = checked.interaction.customer_id {
                follow_ups::reminders::close_kept(w, customer, checked.interaction.occurred_at)?;
            }
            let logged = LoggedInteraction {
                interaction_id: checked.interaction.interaction_id,
                feedback_id,
                proposal,
                check_in_id,
            };
            remember_submission(&w.tx, input.submission_id, &logged, w.now)?;
            Ok(logged)
        })
    }
}
