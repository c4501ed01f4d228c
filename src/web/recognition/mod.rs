//! Peer recognition: the wall, nominating a colleague, a person's recognitions, and HR's
//! moderation, fairness, export, behaviours and spotlight pages. The routes are listed here;
//! each group of pages has its own module, and the views several pages share live here.

pub mod behaviours;
pub mod export;
pub mod fairness;
pub mod home;
pub mod mine;
pub mod moderation;
pub mod nominate;
pub mod post;
pub mod spotlight;
pub mod wall;

use axum::response::Response;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::files::attachment;
use crate::domain::people::Person;
use crate::domain::recognition::{Recognition, Status, Visibility};
use crate::domain::time;
use crate::error::AppError;

pub use home::{HomePanel, Moderation, Suggestion, home_panel};

const PER_PAGE: u32 = 20;

fn query_string(pairs: &[(&str, &str)]) -> String {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        if !value.is_empty() {
            serializer.append_pair(key, value);
        }
    }
    serializer.finish()
}

/// `?page=` of a list.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    page: Option<String>,
}

/// A recognition as a page shows it.
pub struct PostView {
    pub id: Uuid,
    pub nominator_id: Uuid,
    pub nominator: String,
    pub nominator_department: String,
    pub recipient_id: Uuid,
    pub recipient: String,
    pub recipient_department: String,
    pub recipient_office: String,
    pub behaviours: Vec<String>,
    /// The text, one entry per line, shown as written (escaped).
    pub paragraphs: Vec<String>,
    pub happened_on: String,
    pub posted_on: String,
    pub cross_team: bool,
    pub appreciations: i64,
    pub appreciated: bool,
    pub on_wall: bool,
    pub private: bool,
    pub status: Status,
    pub status_label: &'static str,
    pub rejection_reason: Option<String>,
    pub hidden_by_recipient: bool,
    pub under_review: bool,
    pub viewer_is_recipient: bool,
    pub viewer_is_nominator: bool,
    pub can_toggle_wall: bool,
}

impl PostView {
    fn new(r: Recognition, viewer: &Person) -> Self {
        PostView {
            on_wall: r.on_wall(),
            can_toggle_wall: r.recipient_can_toggle() && viewer.id == r.recipient.id,
            id: r.id,
            nominator_id: r.nominator.id,
            nominator: r.nominator.name,
            nominator_department: r.nominator.department,
            recipient_id: r.recipient.id,
            recipient: r.recipient.name,
            recipient_department: r.recipient.department,
            recipient_office: r.recipient.office,
            behaviours: r.behaviours,
            paragraphs: r
                .story
                .lines()
                .filter(|line| !line.trim().is_empty())
                .map(str::to_string)
                .collect(),
            happened_on: time::long_date(r.happened_on),
            posted_on: time::local_date(r.created_at, viewer.time_zone),
            cross_team: r.cross_team,
            appreciations: r.appreciations,
            appreciated: r.appreciated,
            private: r.visibility == Visibility::Private,
            status: r.status,
            status_label: r.status.label(),
            rejection_reason: r.rejection_reason,
            hidden_by_recipient: r.hidden_by_recipient,
            under_review: r.under_review,
            viewer_is_recipient: viewer.id == r.recipient.id,
            viewer_is_nominator: viewer.id == r.nominator.id,
        }
    }

    pub fn is_pending(&self) -> bool {
        self.status == Status::Pending
    }

    pub fn is_rejected(&self) -> bool {
        self.status == Status::Rejected
    }

    pub fn is_removed(&self) -> bool {
        self.status == Status::Removed
    }

    /// "Within Sales" or "From Sales to Support", when either has a department.
    pub fn teams_text(&self) -> Option<String> {
        crate::domain::wording::between_teams(
            &self.nominator_department,
            &self.recipient_department,
        )
    }

    pub fn appreciation_text(&self) -> String {
        match self.appreciations {
            0 => "No appreciations yet".into(),
            1 => "1 person appreciates this".into(),
            n => format!("{n} people appreciate this"),
        }
    }
}

fn posts(recognitions: Vec<Recognition>, viewer: &Person) -> Vec<PostView> {
    recognitions
        .into_iter()
        .map(|r| PostView::new(r, viewer))
        .collect()
}

/// A colleague in the search results, or a person whose recognitions a page shows.
#[derive(Serialize)]
pub struct ColleagueView {
    pub id: Uuid,
    pub name: String,
    pub department: String,
    pub office: String,
}

impl ColleagueView {
    fn of(person: &Person) -> Self {
        ColleagueView {
            id: person.id,
            name: person.display_name.clone(),
            department: person.department.clone(),
            office: person.office.clone(),
        }
    }
}

fn csv_response(body: impl Into<axum::body::Body>, filename: &str) -> Response {
    attachment("text/csv; charset=utf-8", filename, body)
}

fn export_error(err: csv::Error) -> AppError {
    AppError::Internal(anyhow::Error::new(err).context("writing a recognitions CSV"))
}

/// This area's pages and forms.
pub(super) fn routes() -> super::routes::Routes {
    super::routes::Routes::new()
        .get("/recognition", wall::wall)
        .post("/recognition", nominate::create)
        .get("/recognition/new", nominate::new)
        .get("/recognition/colleagues", nominate::colleagues)
        .get("/recognition/mine", mine::mine)
        .get("/recognition/given", mine::given)
        .post("/recognition/mine/seen", mine::mark_received_seen)
        .post("/recognition/given/seen", mine::mark_decisions_seen)
        .get("/recognition/received.csv", mine::received_csv)
        .get("/recognition/people/{id}", mine::person)
        .get("/recognition/{id}", post::show)
        .post("/recognition/{id}/appreciate", post::appreciate)
        .get("/recognition/{id}/report", post::report_page)
        .post("/recognition/{id}/report", post::report)
        .post("/recognition/{id}/visibility", post::set_visibility)
        .get("/admin/recognition", moderation::admin)
        .get("/admin/recognition/approvals", moderation::approvals)
        .post("/admin/recognition/{id}/approve", moderation::approve)
        .get("/admin/recognition/{id}/reject", moderation::reject_page)
        .post("/admin/recognition/{id}/reject", moderation::reject)
        .get("/admin/recognition/reports", moderation::reports)
        .post("/admin/recognition/{id}/keep", moderation::keep)
        .post("/admin/recognition/{id}/remove", moderation::remove)
        .get("/admin/recognition/fairness", fairness::fairness)
        .get("/admin/recognition/export", export::export_page)
        .post("/admin/recognition/export.csv", export::export_csv)
        .get("/admin/recognition/behaviours", behaviours::behaviours)
        .post("/admin/recognition/behaviours", behaviours::add_behaviour)
        .get(
            "/admin/recognition/behaviours/{id}",
            behaviours::edit_behaviour,
        )
        .post(
            "/admin/recognition/behaviours/{id}",
            behaviours::update_behaviour,
        )
        .post(
            "/admin/recognition/behaviours/{id}/move",
            behaviours::move_behaviour,
        )
        .post(
            "/admin/recognition/behaviours/{id}/retire",
            behaviours::retire_behaviour,
        )
        .post(
            "/admin/recognition/behaviours/{id}/reinstate",
            behaviours::reinstate_behaviour,
        )
        .get("/admin/recognition/spotlight", spotlight::spotlight)
}
