//! The storage seam: every statement the server runs against PostgreSQL lives here, one
//! module per table family, as functions over a pool or an open transaction. Handlers and the
//! push pipeline decide; these functions read and write. No `sqlx::query` outside this folder
//! (`scripts/structure.py --check` holds it).

pub mod admin;
pub mod api_keys;
pub mod catalogue;
pub mod closed_loop;
pub mod console;
pub mod customers;
pub mod enroll;
pub mod health;
pub mod insight;
pub mod merges;
pub mod pull;
pub mod push;
pub mod records;
pub mod sequence;
pub mod staff;
pub mod stewardship;
pub mod tokens;
pub mod webhooks;
