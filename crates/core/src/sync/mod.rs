//! Sync with the central server: the desk's side (outbox, cursor, applying pulled changes),
//! the engine that runs rounds on a timer, and the transport it talks through.

pub(crate) mod apply;
pub mod changes;
pub mod engine;
mod enrollment;
pub mod http;
pub mod local;
pub mod outbox;
pub mod remote;
pub mod secret;
pub(crate) mod state;
pub mod status;
pub mod transport;

pub use changes::{ChangeKind, Changed};
pub use engine::{
    check_enrollment, enroll, run, Backoff, EnrollmentForm, Observer, SharedDesk, SyncEngine, SyncError, SyncReport,
};
pub use http::HttpTransport;
pub use local::PageApplied;
#[cfg(feature = "test-faults")]
pub use local::PullFault;
pub use remote::{ProfileConflict, ServerCustomer, StoreConflict};
pub use secret::SecretPlace;
pub use status::{Block, RejectedChange, SyncSettings, SyncStatus};
pub use transport::{PullRequest, Transport, TransportError, TransportResult};
