//! Files written for people (CSV and JSON exports): where they go, and the audit entry each
//! leaves behind.

use crate::audit;
use crate::audit::AuditAction;
use crate::customers::record::ExportedFile;
use crate::desk::Desk;
use crate::error::CoreError;
use crate::error::Result;
use std::path::PathBuf;
use uuid::Uuid;
impl Desk {
    /// Writes an export file into `exports/` next to the data; returns where, as shown to people.
    pub(crate) fn save_export(&self, name: &str, bytes: &[u8]) -> Result<String> {
        let dir = self.path.parent().map(|p| p.join("exports")).unwrap_or_else(|| PathBuf::from("exports"));
        let io = |e: std::io::Error| CoreError::Storage { message: format!("Could not write the export: {e}") };
        std::fs::create_dir_all(&dir).map_err(io)?;
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(io)?;
        Ok(path.display().to_string())
    }

    /// Writes a CSV next to the data (`exports/<stem>-<time>.csv`) and records the export: once
    /// for each customer it names (so their audit trail shows it), or once when it names none.
    pub(crate) fn write_export(
        &mut self,
        stem: &str,
        entity: &str,
        csv: &str,
        customers: &[Uuid],
    ) -> Result<ExportedFile> {
        let name = format!("{stem}-{}.csv", self.clock.now().format("%Y-%m-%d-%H%M%S"));
        let shown = self.save_export(&name, csv.as_bytes())?;
        let mut named = customers.to_vec();
        named.sort();
        named.dedup();
        self.write(|w| {
            if named.is_empty() {
                return audit::record(w, AuditAction::Export, entity, None, None, Some(&shown));
            }
            named.iter().try_for_each(|c| audit::record(w, AuditAction::Export, entity, None, Some(*c), Some(&shown)))
        })?;
        Ok(ExportedFile { path: shown, bytes: u32::try_from(csv.len()).unwrap_or(u32::MAX) })
    }
}
