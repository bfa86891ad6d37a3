//! Touchpoint's domain and local store. No Tauri here: everything worth testing runs with
//! `cargo test -p touchpoint-core` against a temporary database.

mod access;
pub mod audit;
pub mod catalogue;
pub mod clock;
pub mod contact;
pub mod customers;
pub mod db;
pub mod demo;
mod desk;
mod device;
pub mod error;
mod exports;
mod field_clocks;
pub mod follow_ups;
pub mod hlc;
mod info;
pub mod insight;
pub mod interactions;
pub mod reviews;
pub mod staff;
pub mod sync;

pub use desk::{Desk, DeskOptions, DATABASE_FILE};
pub use error::{CoreError, DuplicateMatch, FieldError, Result};
pub use info::DeskInfo;
pub use touchpoint_protocol as protocol;
