//! Adding staff from a spreadsheet: a CSV file with a header row (`name`, `role`, `store`, in
//! any order, any case), checked row by row against the organisation's stores and staff. Either
//! every row is right and everyone is added, each with a first desk PIN shown once, in one
//! transaction that also sends them to every desk; or nobody is, and each problem is told on its
//! row (or, for a file that cannot be read at all, on the file). A dry run checks without adding.

use std::collections::HashMap;

use sqlx::PgPool;
use touchpoint_protocol::console::{StaffImport, StaffImportRow};
use touchpoint_protocol::text;
use touchpoint_protocol::Role;
use uuid::Uuid;

use crate::{admin, db};

/// People in one file (each needs a PIN hashed with argon2, a few tens of milliseconds).
pub const MAX_ROWS: usize = 200;
/// The size of one file.
pub const MAX_BYTES: usize = 256 * 1024;

/// Why the import failed (a file that cannot be read is an answer, not a failure).
#[derive(Debug)]
pub enum Refused {
    Failed(anyhow::Error),
}

impl From<anyhow::Error> for Refused {
    fn from(e: anyhow::Error) -> Self {
        Refused::Failed(e)
    }
}

impl From<sqlx::Error> for Refused {
    fn from(e: sqlx::Error) -> Self {
        Refused::Failed(e.into())
    }
}

/// A column the header names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Role,
    Store,
}

fn column(header: &str) -> Option<Column> {
    match header.trim().trim_start_matches('\u{feff}').to_lowercase().replace(['_', '-'], " ").as_str() {
        "name" | "full name" | "nome" => Some(Column::Name),
        "role" | "função" | "funcao" => Some(Column::Role),
        "store" | "home store" | "loja" => Some(Column::Store),
        _ => None,
    }
}

fn role(text: &str) -> Result<Role, String> {
    match text.trim().to_lowercase().as_str() {
        "" | "frontline" | "front line" | "balcão" | "balcao" => Ok(Role::Frontline),
        "supervisor" => Ok(Role::Supervisor),
        "admin" | "administrator" | "administrador" => Ok(Role::Admin),
        other => Err(format!(
            "role: “{}” is not a role: frontline, supervisor or admin.",
            other.chars().take(40).collect::<String>()
        )),
    }
}

/// Someone already working here (those who left can share a name with a newcomer).
pub struct Working {
    pub name: String,
    pub home_store_id: Option<Uuid>,
}

/// Reads and checks a file: each row with its problem, if any; or why the file as a whole
/// cannot be read.
pub fn check(csv: &str, stores: &[(Uuid, String)], working: &[Working]) -> Result<Vec<StaffImportRow>, String> {
    if csv.len() > MAX_BYTES {
        return Err(format!("csv: The file is larger than {} KB.", MAX_BYTES / 1024));
    }
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(csv.as_bytes());
    let headers = reader.headers().map_err(|e| format!("csv: The header row cannot be read ({e})."))?.clone();
    let columns: Vec<Option<Column>> = headers.iter().map(column).collect();
    let at = |c: Column| columns.iter().position(|x| *x == Some(c));
    let Some(name_at) = at(Column::Name) else {
        return Err("csv: The first row must name the columns: name, role, store.".into());
    };
    let (role_at, store_at) = (at(Column::Role), at(Column::Store));
    let store_by_name: HashMap<String, Uuid> = stores.iter().map(|(id, n)| (n.to_lowercase(), *id)).collect();
    let store_name: HashMap<Uuid, &str> = stores.iter().map(|(id, n)| (*id, n.as_str())).collect();
    let mut seen: HashMap<(String, Option<Uuid>), u32> = HashMap::new();
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = u32::try_from(i + 2).unwrap_or(u32::MAX);
        let record = record.map_err(|e| format!("csv: Line {line} cannot be read ({e})."))?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(format!("csv: At most {MAX_ROWS} people a file: split it."));
        }
        let get = |at: Option<usize>| at.and_then(|a| record.get(a)).unwrap_or("");
        let name = get(Some(name_at)).to_owned();
        let role = role(get(role_at));
        let store_text = get(store_at);
        let store = if store_text.is_empty() {
            Ok(None)
        } else {
            store_by_name.get(&store_text.to_lowercase()).copied().map(Some).ok_or_else(|| {
                format!("store: No store called “{}”.", store_text.chars().take(120).collect::<String>())
            })
        };
        let problem = (|| -> Result<(), String> {
            if name.is_empty() {
                return Err("name: Every row needs a name.".into());
            }
            text::check(&name, text::STAFF_NAME).map_err(|p| format!("name: {}", p.describe("The name")))?;
            let role = role.clone()?;
            let store = store.clone()?;
            if role == Role::Frontline && store.is_none() {
                return Err("store: Frontline staff work at a store: name theirs.".into());
            }
            let key = (name.to_lowercase(), store);
            if let Some(first) = seen.get(&key) {
                return Err(format!("name: {name} is also on line {first}."));
            }
            seen.insert(key, line);
            if working.iter().any(|w| w.name.to_lowercase() == name.to_lowercase() && w.home_store_id == store) {
                let place = store.and_then(|s| store_name.get(&s).copied()).unwrap_or("the organisation");
                return Err(format!("name: {name} already works at {place}."));
            }
            Ok(())
        })()
        .err();
        rows.push(StaffImportRow {
            line,
            name,
            role: role.ok(),
            home_store_id: store.ok().flatten(),
            problem,
            staff_id: None,
            pin: None,
        });
    }
    if rows.is_empty() {
        return Err("csv: The file has a header but nobody under it.".into());
    }
    Ok(rows)
}

/// Checks a file and, unless it is a dry run or a row has a problem, adds everyone in it.
pub async fn import(pool: &PgPool, org: Uuid, csv: &str, dry_run: bool) -> Result<StaffImport, Refused> {
    let stores: Vec<(Uuid, String)> =
        db::console::stores(pool, org).await?.into_iter().map(|s| (s.store_id, s.name)).collect();
    let working: Vec<Working> = db::console::staff(pool, org)
        .await?
        .into_iter()
        .filter(|s| s.active)
        .map(|s| Working { name: s.name, home_store_id: s.home_store_id })
        .collect();
    let mut rows = match check(csv, &stores, &working) {
        Ok(rows) => rows,
        Err(problem) => return Ok(StaffImport { dry_run, file_problem: Some(problem), added: 0, rows: Vec::new() }),
    };
    if dry_run || rows.iter().any(|r| r.problem.is_some()) {
        return Ok(StaffImport { dry_run, file_problem: None, added: 0, rows });
    }
    // PINs are hashed off the async threads (argon2 is meant to be slow).
    let pins: Vec<String> = rows.iter().map(|_| admin::generate_pin()).collect();
    let hashes = {
        let pins = pins.clone();
        tokio::task::spawn_blocking(move || pins.iter().map(|p| admin::hash_pin(p)).collect::<anyhow::Result<Vec<_>>>())
            .await
            .map_err(|e| Refused::Failed(e.into()))??
    };
    let mut tx = pool.begin().await?;
    for ((row, pin), hash) in rows.iter_mut().zip(pins).zip(hashes) {
        let id = Uuid::now_v7();
        let role = row.role.unwrap_or(Role::Frontline);
        admin::insert_staff_in(&mut tx, org, id, row.home_store_id, &row.name, role, Some(hash)).await?;
        row.staff_id = Some(id);
        row.pin = Some(pin);
    }
    tx.commit().await?;
    let added = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    Ok(StaffImport { dry_run: false, file_problem: None, added, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stores() -> Vec<(Uuid, String)> {
        vec![(Uuid::from_u128(1), "Porto Baixa".into()), (Uuid::from_u128(2), "Lisboa Chiado".into())]
    }

    #[test]
    fn columns_in_any_order_and_case_and_roles_in_words() {
        let rows = check(
            "\u{feff}Store,NAME,Role\nporto baixa,Ana Costa,\nLisboa Chiado,Rui Santos,Supervisor\n,Helena Reis,Administrator\n",
            &stores(),
            &[],
        )
        .expect("readable");
        let got: Vec<_> = rows.iter().map(|r| (r.name.as_str(), r.role, r.home_store_id, r.problem.clone())).collect();
        assert_eq!(
            got,
            [
                ("Ana Costa", Some(Role::Frontline), Some(Uuid::from_u128(1)), None),
                ("Rui Santos", Some(Role::Supervisor), Some(Uuid::from_u128(2)), None),
                ("Helena Reis", Some(Role::Admin), None, None),
            ]
        );
    }

    #[test]
    fn each_problem_is_told_on_its_own_line() {
        let working = [Working { name: "Marta Dias".into(), home_store_id: Some(Uuid::from_u128(1)) }];
        let rows = check(
            "name,role,store\n,frontline,Porto Baixa\nAna,chef,Porto Baixa\nRui,frontline,Braga\nJoão,frontline,\n\
             Ana Costa,frontline,Porto Baixa\nana costa,frontline,porto baixa\nMarta Dias,frontline,Porto Baixa\nA\u{202e}na,admin,\n",
            &stores(),
            &working,
        )
        .expect("readable");
        let problems: Vec<(u32, String)> = rows.iter().filter_map(|r| r.problem.clone().map(|p| (r.line, p))).collect();
        let starts = [
            (2, "name: Every row needs a name."),
            (3, "role: “chef” is not a role"),
            (4, "store: No store called “Braga”."),
            (5, "store: Frontline staff work at a store"),
            (7, "name: ana costa is also on line 6."),
            (8, "name: Marta Dias already works at Porto Baixa."),
            (9, "name: "),
        ];
        assert_eq!(problems.len(), starts.len(), "{problems:?}");
        for ((line, problem), (want_line, start)) in problems.iter().zip(starts) {
            assert_eq!(*line, want_line, "{problems:?}");
            assert!(problem.starts_with(start), "line {line}: {problem}");
        }
    }

    #[test]
    fn a_file_without_a_name_column_or_anyone_in_it_or_too_long_is_refused_whole() {
        for (csv, start) in [
            ("role,store\nfrontline,Porto Baixa\n", "csv: The first row must name the columns"),
            ("name,role,store\n\n", "csv: The file has a header but nobody under it."),
            ("", "csv: The first row must name the columns"),
        ] {
            let e = check(csv, &stores(), &[]).expect_err(csv);
            assert!(e.starts_with(start), "{csv:?}: {e}");
        }
        let distinct: String = (0..=MAX_ROWS).map(|i| format!("Person {i},admin,\n")).collect();
        let e = check(&format!("name,role,store\n{distinct}"), &stores(), &[]).expect_err("too many");
        assert!(e.starts_with("csv: At most 200 people"), "{e}");
        let big = "x".repeat(MAX_BYTES + 1);
        assert!(check(&big, &stores(), &[]).expect_err("big").starts_with("csv: The file is larger"));
    }
}
