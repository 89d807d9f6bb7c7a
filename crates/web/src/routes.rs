//! The route table: every route of the application, its method, its path and the [`Action`] the guard
//! authorizes before its handler runs. The router is built from this table and nothing else, and the
//! authorization matrix test iterates it, so a route cannot exist without a decision or escape the test.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn_with_state, map_response};
use axum::routing::{MethodFilter, MethodRouter, on};

use crate::authz::Action;
use crate::{AppState, WebError, guard, headers, pages};

/// The HTTP methods the application uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
}

impl Verb {
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
        }
    }

    fn filter(self) -> MethodFilter {
        match self {
            Verb::Get => MethodFilter::GET,
            Verb::Post => MethodFilter::POST,
        }
    }
}

/// One route.
pub struct Route {
    pub verb: Verb,
    /// axum's path syntax; `{code}` names a unit and `{id}` a user (the guard's objects). Other
    /// parameters (`{cycle}`, `{evidence}`, `{notice}`, `{grant}`, `{version}`, `{file}`) are checked
    /// by their handler against the unit or user the URL names: an evidence id must belong to the
    /// submission of `{cycle}`/`{code}`, a notice to the signed-in user.
    pub path: &'static str,
    pub action: Action,
    handler: fn(MethodFilter) -> MethodRouter<AppState>,
}

macro_rules! route {
    ($verb:ident $path:literal $action:ident => $handler:path) => {
        Route {
            verb: Verb::$verb,
            path: $path,
            action: Action::$action,
            handler: |m| on(m, $handler),
        }
    };
}

/// Every route, in the order a reader meets them.
pub static ROUTES: &[Route] = &[
    route!(Get "/healthz" Public => pages::healthz),
    route!(Get "/style.css" Public => pages::style),
    route!(Get "/login" Public => pages::login_form),
    route!(Post "/login" Public => pages::login),
    route!(Post "/logout" SignedIn => pages::logout),
    route!(Get "/" SignedIn => pages::home),
    route!(Get "/units" ListUnits => pages::units),
    route!(Get "/units/new" EditUnits => pages::unit_new),
    route!(Post "/units" EditUnits => pages::unit_create),
    route!(Get "/units/{code}" ViewUnit => pages::unit),
    route!(Get "/units/{code}/edit" EditUnits => pages::unit_edit),
    route!(Post "/units/{code}" EditUnits => pages::unit_update),
    route!(Get "/users" ManageUsers => pages::users),
    route!(Post "/users" ManageUsers => pages::user_create),
    route!(Get "/users/{id}" ManageUsers => pages::user),
    route!(Post "/users/{id}/roles" ManageUsers => pages::role_grant),
    route!(Post "/users/{id}/roles/{grant}/revoke" ManageUsers => pages::role_revoke),
    route!(Post "/users/{id}/password" ManageUsers => pages::user_password_reset),
    route!(Post "/users/{id}/deactivate" ManageUsers => pages::user_deactivate),
    route!(Post "/users/{id}/reactivate" ManageUsers => pages::user_reactivate),
    route!(Get "/account/password" SignedIn => pages::account_password_form),
    route!(Post "/account/password" SignedIn => pages::account_password),
    // Editions, holidays, cycles, the submission board, deadlines (pages/cycles.rs).
    route!(Get "/editions" ManageCycles => pages::cycles::editions),
    route!(Post "/editions" ManageCycles => pages::cycles::edition_upload),
    route!(Get "/holidays" ManageCycles => pages::cycles::holidays),
    route!(Post "/holidays" ManageCycles => pages::cycles::holiday_add),
    route!(Get "/cycles" SignedIn => pages::cycles::cycles),
    route!(Get "/cycles/new" ManageCycles => pages::cycles::cycle_new),
    route!(Post "/cycles" ManageCycles => pages::cycles::cycle_create),
    route!(Get "/cycles/{cycle}" ViewCycle => pages::cycles::board),
    route!(Post "/cycles/{cycle}/state" ManageCycles => pages::cycles::cycle_state),
    route!(Post "/cycles/{cycle}/units/{code}/extend" ManageCycles => pages::cycles::extend),
    // One unit's self-assessment: form, drafts, workbook, evidence, submission (pages/form.rs).
    route!(Get "/cycles/{cycle}/units/{code}" ViewSubmission => pages::form::form),
    route!(Post "/cycles/{cycle}/units/{code}" EditSubmission => pages::form::save),
    route!(Get "/cycles/{cycle}/units/{code}/workbook" ViewSubmission => pages::form::workbook),
    route!(Post "/cycles/{cycle}/units/{code}/workbook" EditSubmission => pages::form::workbook_upload),
    route!(Post "/cycles/{cycle}/units/{code}/evidence" EditSubmission => pages::form::evidence_add),
    route!(Get "/cycles/{cycle}/units/{code}/evidence/{evidence}" ViewSubmission => pages::form::evidence_file),
    route!(Post "/cycles/{cycle}/units/{code}/evidence/{evidence}/remove" EditSubmission => pages::form::evidence_remove),
    route!(Post "/cycles/{cycle}/units/{code}/submit" SubmitSubmission => pages::form::submit),
    // Verification, the explanation round, the council (pages/review.rs).
    route!(Get "/cycles/{cycle}/review" Review => pages::review::queue),
    route!(Get "/cycles/{cycle}/units/{code}/review" Review => pages::review::unit_review),
    route!(Post "/cycles/{cycle}/units/{code}/verify" Review => pages::review::verify),
    route!(Post "/cycles/{cycle}/units/{code}/return" Review => pages::review::return_submission),
    route!(Post "/cycles/{cycle}/units/{code}/explain" Explain => pages::review::explain),
    route!(Get "/cycles/{cycle}/council" ViewCycle => pages::review::council),
    route!(Post "/cycles/{cycle}/council" CouncilDecide => pages::review::council_decide),
    // Publication, the public results, notices (pages/publish.rs).
    route!(Post "/cycles/{cycle}/publish" Publish => pages::publish::publish),
    route!(Get "/results" Public => pages::publish::results),
    route!(Get "/results/{cycle}" Public => pages::publish::result),
    route!(Get "/results/{cycle}/{version}/{file}" Public => pages::publish::file),
    route!(Get "/notices" SignedIn => pages::publish::notices),
    route!(Post "/notices/{notice}/read" SignedIn => pages::publish::notice_read),
];

pub(crate) fn build(state: AppState) -> Router {
    let mut router = Router::new();
    for r in ROUTES {
        let guarded = (r.handler)(r.verb.filter())
            .route_layer(from_fn_with_state((state.clone(), r.action), guard::guard));
        router = router.route(r.path, guarded);
    }
    router
        .fallback(|| async { WebError::NotFound })
        .layer(DefaultBodyLimit::max(state.config.body_limit))
        .layer(map_response(headers::add))
        .with_state(state)
}
