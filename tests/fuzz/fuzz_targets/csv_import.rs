//! Whatever file a supervisor picks for the CSV import: a dry run and a commit never panic,
//! a refusal is a typed error, and every change the import queues for the server passes the
//! rules the server will check it against.

#![no_main]

use std::sync::{Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;
use touchpoint_core::{CoreError, Desk, DeskOptions};

struct Bench {
    desk: Desk,
    _dir: tempfile::TempDir,
}

fn bench() -> &'static Mutex<Bench> {
    static BENCH: OnceLock<Mutex<Bench>> = OnceLock::new();
    BENCH.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let desk = Desk::open_in(dir.path(), &DeskOptions { region: Some("GB".into()) }).expect("desk");
        Mutex::new(Bench { desk, _dir: dir })
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let csv = String::from_utf8_lossy(rest);
    let mut bench = bench().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let desk = &mut bench.desk;
    match desk.import_customers(&csv, mode % 4 == 0, &[]) {
        Ok(_) => {}
        Err(CoreError::Validation { .. } | CoreError::Duplicate { .. }) => {}
        Err(other) => panic!("an import failed with something other than a refusal: {other:?}"),
    }
    let mut newest = desk.connection().prepare("SELECT payload FROM outbox ORDER BY seq DESC LIMIT 50").expect("sql");
    let payloads = newest.query_map([], |r| r.get::<_, String>(0)).expect("rows");
    for payload in payloads {
        let op: touchpoint_core::protocol::Op =
            serde_json::from_str(&payload.expect("row")).expect("a queued op reads");
        assert_eq!(touchpoint_core::protocol::rules::problem(&op.body), None, "{op:?}");
    }
});
