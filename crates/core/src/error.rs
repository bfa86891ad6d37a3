//! The one error type of the core. It crosses into the UI as a tagged union
//! (`{"kind": "validation", "message": …, "fields": […]}`), so the UI can branch on `kind` and
//! put each field's message next to that field.

use serde::Serialize;
use specta::Type;
use touchpoint_protocol::text::{self, TextRule};

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

/// A problem with one input field, in words a frontline person understands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct FieldError {
    /// The input's field name as the UI knows it (`name`, `phone`, `email`, `csat`, …).
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        FieldError { field: field.to_owned(), message: message.into() }
    }

    /// The problem with free text under its shared rule, if any.
    pub fn text(field: &str, value: &str, rule: TextRule, what: &str) -> std::result::Result<(), FieldError> {
        text::check(value, rule).map_err(|p| FieldError::new(field, p.describe(what)))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CoreError {
    /// The input was refused; nothing was written.
    #[error("{message}")]
    Validation { message: String, fields: Vec<FieldError> },
    /// The record asked for does not exist (or was deleted).
    #[error("{message}")]
    NotFound { message: String },
    /// The local database could not do what was asked; nothing was half-written.
    #[error("{message}")]
    Storage { message: String },
    /// The database was written by a newer version of Touchpoint.
    #[error("{message}")]
    TooNew { message: String },
    /// The signed-in staff member's role does not allow this.
    #[error("{message}")]
    Forbidden { message: String },
    /// The server could not be reached; nothing changed. Try again when the network is back.
    #[error("{message}")]
    Offline { message: String },
    /// The server refused (a wrong enrollment code, a revoked device, an app too old…).
    #[error("{message}")]
    Refused { message: String },
    /// Someone already has this phone or email; nothing was written. Open one of `matches`, or
    /// confirm that this is a different person.
    #[error("{message}")]
    Duplicate { message: String, matches: Vec<DuplicateMatch> },
}

/// An existing customer who shares a phone or email with the one being created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct DuplicateMatch {
    pub customer_id: uuid::Uuid,
    pub name: String,
    /// `phone` or `email`.
    pub on: String,
    pub value: String,
}

impl CoreError {
    pub fn not_found(what: &str) -> Self {
        CoreError::NotFound { message: format!("{what} was not found on this desk.") }
    }

    /// A refusal listing every bad field at once, so the user fixes them in one go.
    pub fn invalid(fields: Vec<FieldError>) -> Self {
        let message = match fields.as_slice() {
            [one] => one.message.clone(),
            _ => format!("{} fields need attention.", fields.len()),
        };
        CoreError::Validation { message, fields }
    }

    pub fn forbidden(what: &str) -> Self {
        CoreError::Forbidden { message: format!("Your role does not allow you to {what}. Ask an admin.") }
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::invalid(vec![FieldError::new(field, message)])
    }
}

impl From<rusqlite::Error> for CoreError {
    fn from(e: rusqlite::Error) -> Self {
        CoreError::Storage { message: format!("Local database error: {e}") }
    }
}

impl From<rusqlite_migration::Error> for CoreError {
    fn from(e: rusqlite_migration::Error) -> Self {
        match e {
            rusqlite_migration::Error::MigrationDefinition(
                rusqlite_migration::MigrationDefinitionError::DatabaseTooFarAhead,
            ) => CoreError::TooNew {
                message: "This data was written by a newer version of Touchpoint. Update the app to open it.".into(),
            },
            other => CoreError::Storage { message: format!("Could not upgrade the local database: {other}") },
        }
    }
}

impl From<serde_json::Error> for CoreError {
    fn from(e: serde_json::Error) -> Self {
        CoreError::Storage { message: format!("Stored data could not be read: {e}") }
    }
}

/// Collects field problems while validating a whole form.
#[derive(Debug, Default)]
pub(crate) struct Problems(Vec<FieldError>);

impl Problems {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// Checks free text against its shared rule (`touchpoint_protocol::text`): the characters
    /// it may hold and its length. `what` names the field in the message ("The note").
    pub fn text(&mut self, field: &str, value: Option<&str>, rule: TextRule, what: &str) -> bool {
        match value.map(|v| text::check(v, rule)) {
            Some(Err(problem)) => {
                self.add(field, problem.describe(what));
                false
            }
            _ => true,
        }
    }

    /// Keeps the value when it is fine, records the problem otherwise.
    pub fn check<T>(&mut self, r: std::result::Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    pub fn finish(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(CoreError::invalid(self.0))
        }
    }
}
