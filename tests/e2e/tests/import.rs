//! CSV import in the real window: the dry run explains every line and writes nothing; the
//! import then creates exactly what was checked.

use touchpoint_e2e::Desk;

const CSV: &str = "name,phone,email,external_id,tags\nRui Costa,+351 913 000 111,rui@example.com,CRM-7,VIP\nBad Phone,12,,,\nLena Park,07911 123456,,CRM-8,\n";

#[tokio::test(flavor = "multi_thread")]
async fn csv_import_checks_first_then_imports_what_was_checked() {
    let desk = Desk::start().await;
    desk.click("[data-testid=rail-import]").await;
    desk.type_into("textarea[name=csv]", CSV).await;
    desk.click("[data-testid=import-check]").await;
    let summary = desk.wait_for_text("[data-testid=import-summary]", "refused").await;
    assert!(summary.starts_with("2 new · 0 updated · 0 unchanged · 1 refused"), "{summary}");
    let report = desk.text("[data-testid=import-report]").await;
    assert!(report.to_lowercase().contains("what the import will do"), "{report}");
    assert!(report.contains("Bad Phone") && report.contains("12:"), "line 3 explained: {report}");
    let refused = desk.text("[data-testid=import-row][data-action=error]").await;
    assert!(refused.starts_with('3'), "line number shown: {refused}");

    desk.wait_for_text("[data-testid=import-commit]", "Import 2 customers").await;
    desk.click("[data-testid=import-commit]").await;
    desk.wait_for_text("[data-testid=import-report] .card-title", "IMPORTED").await;
    desk.open_customer("CRM-7", "Rui Costa").await;
    let tags = desk.text(".name-row").await;
    assert!(tags.contains("VIP"), "{tags}");

    let dir = desk.close().await;
    let db = rusqlite::Connection::open(dir.path().join("touchpoint.sqlite3")).expect("db");
    let names: Vec<String> = db
        .prepare("SELECT name FROM customers ORDER BY name")
        .expect("stmt")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("names");
    assert_eq!(names, ["Lena Park", "Rui Costa"]);
    let ops: i64 =
        db.query_row("SELECT count(*) FROM outbox WHERE kind = 'customer_patch'", [], |r| r.get(0)).expect("ops");
    assert_eq!(ops, 2);
}
