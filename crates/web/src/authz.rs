//! Authorization, decided here and nowhere else: (the role grants of the user, the action of the route,
//! the object it names) → allowed or denied. Every route of [`crate::ROUTES`] names its [`Action`]; the
//! guard calls [`allowed`] before any handler runs, with the object taken from the URL, so a handler
//! never sees a request it may not serve. An id typed into a URL or a form cannot widen what a role
//! may reach: unit roles reach exactly the unit of their grant.

use egov_store::{Role, RoleGrant};

/// What a route does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Anyone, signed in or not: the login page, `/healthz`, the style sheet.
    Public,
    /// Any signed-in user: the home page, logout.
    SignedIn,
    /// The unit registry, read (admin, reviewer, council).
    ListUnits,
    /// Add or change units (admin).
    EditUnits,
    /// One unit's page, read: admin, reviewer and council any unit; a unit officer or head only theirs.
    ViewUnit,
    /// Users and their role grants (admin).
    ManageUsers,
    /// Editions, holidays, opening a cycle, its state, deadlines and extensions (admin).
    ManageCycles,
    /// A cycle's overview and submission board, read (admin, reviewer, council).
    ViewCycle,
    /// One unit's submission in a cycle, read (its form, entries, evidence, verified points, the entry
    /// workbook): admin, reviewer and council any unit; a unit officer or head only theirs.
    ViewSubmission,
    /// Change one unit's draft: entries, evidence, the uploaded workbook (its officer or head).
    EditSubmission,
    /// Confirm and submit one unit's self-assessment (its head only).
    SubmitSubmission,
    /// Answer verified points in the explanation round (the unit's officer or head).
    Explain,
    /// Verify criteria, return a submission (reviewer).
    Review,
    /// Approve the preliminary ranking or send it back (council).
    CouncilDecide,
    /// Publish a cycle or a corrected version (admin).
    Publish,
}

/// The object a request names in its URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Object {
    None,
    /// `{code}`: a unit.
    Unit(String),
    /// `{id}`: a user.
    User(i64),
}

/// Who asks: nobody (no valid session), or a signed-in user with their grants.
pub enum Who<'a> {
    Anonymous,
    User(&'a [RoleGrant]),
}

/// The decision.
pub fn allowed(who: &Who<'_>, action: Action, object: &Object) -> bool {
    let grants = match who {
        Who::Anonymous => return action == Action::Public,
        Who::User(g) => *g,
    };
    let has = |role: Role| grants.iter().any(|g| g.role == role);
    let any_of = |roles: &[Role]| roles.iter().any(|r| has(*r));
    match action {
        Action::Public | Action::SignedIn => true,
        Action::ListUnits => any_of(&[Role::Admin, Role::Reviewer, Role::Council]),
        Action::EditUnits | Action::ManageUsers => has(Role::Admin),
        Action::ViewUnit | Action::ViewSubmission => {
            any_of(&[Role::Admin, Role::Reviewer, Role::Council])
                || unit_role(grants, object, &[Role::UnitOfficer, Role::UnitHead])
        }
        Action::ManageCycles | Action::Publish => has(Role::Admin),
        Action::ViewCycle => any_of(&[Role::Admin, Role::Reviewer, Role::Council]),
        Action::EditSubmission | Action::Explain => {
            unit_role(grants, object, &[Role::UnitOfficer, Role::UnitHead])
        }
        Action::SubmitSubmission => unit_role(grants, object, &[Role::UnitHead]),
        Action::Review => has(Role::Reviewer),
        Action::CouncilDecide => has(Role::Council),
    }
}

/// Whether one of `roles` is granted for the unit the URL names (never without a unit in the URL).
fn unit_role(grants: &[RoleGrant], object: &Object, roles: &[Role]) -> bool {
    let Object::Unit(code) = object else {
        return false;
    };
    grants
        .iter()
        .any(|g| roles.contains(&g.role) && g.unit_code.as_deref() == Some(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: Role, unit: Option<&str>) -> RoleGrant {
        RoleGrant {
            id: 1,
            user_id: 1,
            role,
            unit_code: unit.map(str::to_string),
            granted_by: "t".into(),
            granted_at: 0,
        }
    }

    #[test]
    fn unit_roles_reach_only_their_unit() {
        let g = [grant(Role::UnitOfficer, Some("A"))];
        let who = Who::User(&g);
        assert!(allowed(&who, Action::ViewUnit, &Object::Unit("A".into())));
        assert!(!allowed(&who, Action::ViewUnit, &Object::Unit("B".into())));
        assert!(!allowed(&who, Action::ViewUnit, &Object::None));
        assert!(!allowed(&who, Action::EditUnits, &Object::Unit("A".into())));
        assert!(!allowed(&who, Action::ListUnits, &Object::None));
    }

    #[test]
    fn only_the_head_submits_and_only_for_its_unit() {
        let officer = [grant(Role::UnitOfficer, Some("A"))];
        let head = [grant(Role::UnitHead, Some("A"))];
        let a = Object::Unit("A".into());
        let b = Object::Unit("B".into());
        assert!(!allowed(&Who::User(&officer), Action::SubmitSubmission, &a));
        assert!(allowed(&Who::User(&head), Action::SubmitSubmission, &a));
        assert!(!allowed(&Who::User(&head), Action::SubmitSubmission, &b));
        assert!(allowed(&Who::User(&officer), Action::EditSubmission, &a));
        assert!(!allowed(&Who::User(&officer), Action::EditSubmission, &b));
        // A reviewer verifies but does not fill a unit's form.
        let reviewer = [grant(Role::Reviewer, None)];
        assert!(!allowed(&Who::User(&reviewer), Action::EditSubmission, &a));
        assert!(allowed(&Who::User(&reviewer), Action::Review, &a));
        assert!(allowed(&Who::User(&reviewer), Action::ViewSubmission, &b));
    }

    #[test]
    fn anonymous_reaches_public_only() {
        for a in [
            Action::SignedIn,
            Action::ListUnits,
            Action::EditUnits,
            Action::ViewUnit,
            Action::ManageUsers,
            Action::ManageCycles,
            Action::ViewCycle,
            Action::ViewSubmission,
            Action::EditSubmission,
            Action::SubmitSubmission,
            Action::Explain,
            Action::Review,
            Action::CouncilDecide,
            Action::Publish,
        ] {
            assert!(!allowed(&Who::Anonymous, a, &Object::Unit("A".into())));
        }
        assert!(allowed(&Who::Anonymous, Action::Public, &Object::None));
    }

    #[test]
    fn no_grant_no_registry() {
        let who = Who::User(&[]);
        assert!(allowed(&who, Action::SignedIn, &Object::None));
        assert!(!allowed(&who, Action::ViewUnit, &Object::Unit("A".into())));
    }
}
