//! Who may do what. Every permission the desk checks is one [`Permission`], decided here once
//! from the signed-in person's role and, on a connected desk, the role the server enrolled the
//! desk as (and whether the server manages the thing locally).

use touchpoint_protocol::Role;
use uuid::Uuid;

use crate::desk::Desk;
use crate::error::{CoreError, Result};
use crate::staff::rows::staff_member;

/// Something a person asks the desk to do that not everyone may.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Permission {
    ReadAudit,
    SeeStoreFollowUps,
    SeeLoopFigures,
    SeeDashboards,
    /// Figures of every store side by side (a supervisor sees their store's).
    CompareStores,
    SeeAtRisk,
    SeeConflicts,
    /// The store's list of possibly duplicated customers.
    SeeDuplicates,
    ReadOthersReviews,
    ReviewQueue,
    RecordReview,
    DeleteCustomer,
    RestoreCustomer,
    EraseCustomer,
    ImportCustomers,
    AddStaff,
    ChangeOwnPin,
    ChangeOthersPin,
    ChangeScorecard,
    HandOverOthersFollowUp,
    SnoozeOthersFollowUp,
    /// Merging two records of one person, and undoing a merge.
    MergeCustomers,
}

/// Where a connected desk's list comes from the server, so it is not changed here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ServerManaged {
    StaffAndPins,
    Scorecard,
}

/// The rule for one permission.
struct Rule {
    /// In the refusal: "Your role does not allow you to {what}".
    what: &'static str,
    /// The least role that may.
    least: Role,
    /// On a connected desk, only a supervisor's or administrator's desk may (the server refuses
    /// these ops from a till, whoever is signed in).
    supervisor_desk: bool,
    managed: Option<ServerManaged>,
}

impl Permission {
    fn rule(self) -> Rule {
        use Permission::*;
        let (what, least, supervisor_desk, managed) = match self {
            ReadAudit => ("read the audit log", Role::Supervisor, false, None),
            SeeStoreFollowUps => ("see the store's follow-ups", Role::Supervisor, false, None),
            SeeLoopFigures => ("see the store's follow-up figures", Role::Supervisor, false, None),
            SeeDashboards => ("see the dashboards", Role::Supervisor, false, None),
            CompareStores => ("compare stores", Role::Admin, false, None),
            SeeAtRisk => ("see customers at risk", Role::Supervisor, false, None),
            SeeConflicts => ("see conflicting edits", Role::Supervisor, false, None),
            ReadOthersReviews => ("read other people's reviews", Role::Supervisor, false, None),
            ReviewQueue => ("review conversations", Role::Supervisor, false, None),
            RecordReview => ("review conversations", Role::Supervisor, true, None),
            DeleteCustomer => ("delete a customer", Role::Supervisor, true, None),
            RestoreCustomer => ("restore a customer", Role::Supervisor, true, None),
            EraseCustomer => ("erase a customer", Role::Supervisor, true, None),
            ImportCustomers => ("import customers", Role::Supervisor, false, None),
            AddStaff => ("add staff", Role::Admin, false, Some(ServerManaged::StaffAndPins)),
            ChangeOwnPin => ("change your PIN", Role::Frontline, false, Some(ServerManaged::StaffAndPins)),
            ChangeOthersPin => ("change someone else's PIN", Role::Admin, false, Some(ServerManaged::StaffAndPins)),
            ChangeScorecard => ("change the review scorecard", Role::Admin, false, Some(ServerManaged::Scorecard)),
            HandOverOthersFollowUp => ("hand over someone else's follow-up", Role::Supervisor, false, None),
            SnoozeOthersFollowUp => ("snooze someone else's follow-up", Role::Supervisor, false, None),
            SeeDuplicates => ("see the store's possible duplicates", Role::Supervisor, false, None),
            MergeCustomers => ("merge customers", Role::Supervisor, true, None),
        };
        Rule { what, least, supervisor_desk, managed }
    }
}

fn rank(role: Role) -> u8 {
    match role {
        Role::Frontline => 0,
        Role::Supervisor => 1,
        Role::Admin => 2,
    }
}

impl Desk {
    /// The signed-in person's role.
    pub(crate) fn role(&self) -> Result<Role> {
        Ok(staff_member(&self.conn, self.staff_id)?
            .ok_or_else(|| CoreError::not_found("The signed-in staff member"))?
            .role)
    }

    /// The role the server enrolled this desk as; `None` when it is not connected.
    pub(crate) fn device_role(&self) -> Result<Option<Role>> {
        if self.sync_settings()?.is_none() {
            return Ok(None);
        }
        let role: Option<String> = self.conn.query_row("SELECT device_role FROM sync_state", [], |r| r.get(0))?;
        // Enrolled before desks were told: the server decides, as a frontline desk would.
        Ok(Some(role.and_then(|r| r.parse().ok()).unwrap_or(Role::Frontline)))
    }

    /// Refuses, with the reason in words, unless the signed-in person may do this on this desk.
    pub(crate) fn require(&self, permission: Permission) -> Result<()> {
        let rule = permission.rule();
        if rank(self.role()?) < rank(rule.least) {
            return Err(CoreError::forbidden(rule.what));
        }
        if rule.supervisor_desk && self.device_role()? == Some(Role::Frontline) {
            return Err(CoreError::Forbidden {
                message: format!(
                    "This desk is connected as a frontline desk, so it cannot {}: do it on a supervisor's desk (an administrator issues supervisor enrollment codes).",
                    rule.what
                ),
            });
        }
        if let Some(managed) = rule.managed {
            if self.sync_settings()?.is_some() {
                let what = match managed {
                    ServerManaged::StaffAndPins => "staff and PINs are managed there",
                    ServerManaged::Scorecard => "the review scorecard is managed there",
                };
                return Err(CoreError::Refused {
                    message: format!(
                        "This desk is connected to your organisation's server: {what}. Ask an administrator."
                    ),
                });
            }
        }
        Ok(())
    }

    /// Whether the signed-in person may do this here (for what is shown, not refused).
    pub(crate) fn may(&self, permission: Permission) -> Result<bool> {
        match self.require(permission) {
            Ok(()) => Ok(true),
            Err(CoreError::Forbidden { .. } | CoreError::Refused { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The owner of something (a follow-up) may change it; anyone else needs `permission`.
    pub(crate) fn require_owner_or(&self, owner: Uuid, permission: Permission) -> Result<()> {
        if owner == self.staff_id {
            return Ok(());
        }
        self.require(permission)
    }
}
