//! Touchpoint's domain and local store. No Tauri here: everything worth testing runs with
//! `cargo test -p touchpoint-core` against a temporary database.

pub mod amendments;
pub mod audit;
pub mod catalogue;
pub mod clock;
pub mod closed_loop;
pub mod contact;
pub mod customer_page;
pub mod customers;
pub mod db;
pub mod demo;
mod desk;
pub mod error;
pub mod export;
pub mod follow_ups;
pub mod hlc;
pub mod import;
pub mod insight;
pub mod interactions;
mod merge;
pub mod outbox;
pub mod reviews;
pub mod risk;
pub mod search;
pub mod staff;
pub mod sync;

pub use desk::{Desk, DeskInfo, DeskOptions, DATABASE_FILE};
pub use error::{CoreError, DuplicateMatch, FieldError, Result};
pub use touchpoint_protocol as protocol;
