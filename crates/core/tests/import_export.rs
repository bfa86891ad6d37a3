//! CSV import: the dry run reports per line (with line numbers) and writes nothing; the commit
//! applies the same plan; rows upsert by external id, then email, then phone. JSON export
//! holds the whole record and is audited.

mod support;

use support::{visit, LogExt, TestDesk};
use touchpoint_core::customers::import::{ConflictChoice, FieldChange, ImportChoice, RowAction};
use touchpoint_core::protocol::{Feeling, Role};
use touchpoint_core::staff::NewStaff;
use touchpoint_core::CoreError;

const FILE: &str = "\
Name,Phone,Email,Loyalty ID,External ID,Language,Tags,Consent email,Shoe size
Ana Souza,+351 912 345 678,ana@example.com,LOY-1,CRM-1,pt-PT,VIP;Gift buyer,yes,38
Ben Ode,07911 123456,,,CRM-2,en,,no,44
,07911 000000,nobody@example.com,,,,,,
Carla Dias,12,carla@,,CRM-3,,,maybe,
Dup Ana,,ana@example.com,,,,,,
";

#[test]
fn a_dry_run_reports_each_line_and_writes_nothing() {
    let mut t = TestDesk::new();
    let report = t.desk.import_customers(FILE, false, &[]).expect("dry run");
    assert!(!report.committed);
    assert_eq!((report.created, report.updated, report.errors), (2, 0, 3));
    assert_eq!(report.ignored_columns, ["Shoe size"]);
    let line = |n: u32| report.rows.iter().find(|r| r.line == n).expect("row for line");
    assert_eq!(line(2).action, RowAction::Create);
    assert_eq!(
        line(2).fields,
        ["name", "phones", "emails", "loyalty_id", "external_id", "language", "tags", "consent"]
    );
    assert_eq!(line(4).action, RowAction::Error);
    assert!(line(4).errors.iter().any(|e| e.contains("name")), "{:?}", line(4).errors);
    assert_eq!(line(5).errors.len(), 3, "phone, email and consent are all reported: {:?}", line(5).errors);
    assert!(line(6).errors[0].contains("line 2"), "{:?}", line(6).errors);
    assert_eq!(t.count("customers"), 0);
    assert_eq!(t.count("outbox"), 0);
}

#[test]
fn committing_creates_then_a_second_file_updates_by_external_id_email_or_phone() {
    let mut t = TestDesk::new();
    let report = t.desk.import_customers(FILE, true, &[]).expect("commit");
    assert!(report.committed);
    assert_eq!((report.created, report.errors), (2, 3));
    assert_eq!(t.count("customers"), 2);
    let ana = t.desk.search_customers("ana@example.com", 5).expect("search")[0].customer.clone();
    assert_eq!(ana.tags, ["VIP", "Gift buyer"]);
    assert_eq!(ana.language.as_deref(), Some("pt-PT"));
    assert!(ana.consent.marketing_email);

    let again = "\
external_id,name,email,phone,note
CRM-1,Ana Souza,ana.souza@work.example,,Moved to Lisbon
,Benjamin Ode,,+44 7911 123456,
,Ana Souza,ana@example.com,,
";
    // Line 3 matches Ben only by phone, under another name: a commit waits for a choice.
    let err = t.desk.import_customers(again, true, &[]).expect_err("a conflict has no choice yet");
    let CoreError::Validation { fields, .. } = err else { panic!("validation expected") };
    assert_eq!(fields[0].field, "choices");
    assert!(fields[0].message.contains("line 3"), "{}", fields[0].message);
    let choose = [ImportChoice { line: 3, choice: ConflictChoice::UseNewName }];
    let report = t.desk.import_customers(again, true, &choose).expect("second commit");
    assert_eq!((report.created, report.updated, report.unchanged, report.errors), (0, 2, 0, 1), "{:?}", report.rows);
    assert_eq!(report.rows[0].matched_on.as_deref(), Some("external_id"));
    assert_eq!(report.rows[1].matched_on.as_deref(), Some("phone"));
    assert!(report.rows[2].errors[0].contains("line 2"), "same customer twice in one file: {:?}", report.rows[2]);
    let ana = t.desk.customer_page(ana.id).expect("page").customer;
    assert_eq!(ana.emails, ["ana@example.com", "ana.souza@work.example"], "new email added, old kept");
    assert_eq!(ana.note.as_deref(), Some("Moved to Lisbon"));
    let audit: i64 = t
        .desk
        .connection()
        .query_row("SELECT count(*) FROM audit_log WHERE action = 'import'", [], |r| r.get(0))
        .expect("audit");
    assert_eq!(audit, 2);
}

#[test]
fn a_file_without_a_name_column_or_from_frontline_staff_is_refused() {
    let mut t = TestDesk::new();
    let err = t.desk.import_customers("phone,email\n123,a@b.co\n", false, &[]).expect_err("no name column");
    assert!(matches!(&err, CoreError::Validation { fields, .. } if fields[0].field == "file"), "{err:?}");
    let maria =
        t.desk.add_staff(&NewStaff { name: "Maria".into(), role: Role::Frontline, pin: "".into() }).expect("staff");
    t.desk.sign_in(maria.id, None).expect("sign in");
    assert!(matches!(t.desk.import_customers(FILE, false, &[]), Err(CoreError::Forbidden { .. })));
}

#[test]
fn semicolon_separated_files_from_spreadsheets_are_read() {
    let mut t = TestDesk::new();
    let report = t.desk.import_customers("\u{feff}nome;name;telefone\nx;Rui Costa;\n", true, &[]).expect("commit");
    assert_eq!(report.created, 1, "{report:?}");
}

#[test]
fn export_writes_the_whole_record_and_is_audited() {
    let mut t = TestDesk::new();
    let ana = t.customer_with("Ana Souza", "07911 123456", "ana@example.com");
    t.log(visit(&t, Some(ana.id)).felt(Feeling::Happy).reason("Exchange"));
    let file = t.desk.export_customer(ana.id).expect("export");
    assert!(file.path.contains("exports") && file.path.ends_with(".json"), "{}", file.path);
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&file.path).expect("file")).expect("json");
    assert_eq!(json["customer"]["name"], "Ana Souza");
    assert_eq!(json["timeline"][0]["current"]["reason"], "Exchange");
    assert_eq!(json["timeline"][0]["feedback"]["feeling"], "happy");
    assert_eq!(json["format"], "touchpoint.customer-record/1");
    let (action, entity_id): (String, String) = t
        .desk
        .connection()
        .query_row("SELECT action, entity_id FROM audit_log", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("audit row");
    assert_eq!((action.as_str(), entity_id), ("export", ana.id.to_string()));
}

fn change(field: &str, old: Option<&str>, new: &str) -> FieldChange {
    FieldChange { field: field.into(), old: old.map(Into::into), new: new.into() }
}

#[test]
fn a_dry_run_shows_each_fields_old_and_new_value_and_a_phone_only_match_under_another_name_is_a_conflict() {
    let mut t = TestDesk::new();
    t.desk
        .import_customers(
            "name,phone,email,tags\nJoana Costa,+351 912 000 111,joana@example.com,VIP\nBen Ode,,ben@example.com,\n",
            true,
            &[],
        )
        .expect("first");
    let file = "name,phone,email,tags,note\nJoany Dup,+351 912 000 111,,VIP;Gold,Prefers mornings\nBen Ode,,ben@example.com,,Call after 5\n";
    let report = t.desk.import_customers(file, false, &[]).expect("dry run");
    let (conflict, update) = (&report.rows[0], &report.rows[1]);
    assert_eq!(conflict.action, RowAction::Conflict);
    assert_eq!(conflict.current_name.as_deref(), Some("Joana Costa"));
    assert_eq!(conflict.matched_on.as_deref(), Some("phone"));
    assert_eq!(
        conflict.changes,
        [
            change("name", Some("Joana Costa"), "Joany Dup"),
            change("tags", Some("VIP"), "VIP, Gold"),
            change("note", None, "Prefers mornings"),
        ]
    );
    // The same name by email is an ordinary update, with its old and new value.
    assert_eq!(update.action, RowAction::Update);
    assert_eq!(update.changes, [change("note", None, "Call after 5")]);
    assert_eq!((report.conflicts, report.updated), (1, 1));

    // "Keep the name": the other fields are updated, the name on record stays.
    let keep = [ImportChoice { line: 2, choice: ConflictChoice::KeepName }];
    let preview = t.desk.import_customers(file, false, &keep).expect("dry run with the choice");
    assert_eq!(preview.rows[0].action, RowAction::Update);
    assert_eq!(preview.rows[0].choice, Some(ConflictChoice::KeepName));
    assert!(preview.rows[0].changes.iter().all(|c| c.field != "name"));
}

#[test]
fn a_conflict_chosen_as_someone_else_creates_a_new_customer_who_shares_the_phone() {
    let mut t = TestDesk::new();
    t.desk.import_customers("name,phone\nJoana Costa,+351 912 000 111\n", true, &[]).expect("first");
    let file = "name,phone\nRui Costa,+351 912 000 111\n";
    let choose = [ImportChoice { line: 2, choice: ConflictChoice::NewCustomer }];
    let report = t.desk.import_customers(file, true, &choose).expect("commit");
    assert_eq!((report.created, report.updated, report.conflicts), (1, 0, 0));
    assert_eq!(report.rows[0].changes[0], change("name", None, "Rui Costa"));
    let names: Vec<String> =
        t.desk.search_customers("912000111", 5).expect("search").into_iter().map(|r| r.customer.name).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"Joana Costa".to_owned()) && names.contains(&"Rui Costa".to_owned()));
}
