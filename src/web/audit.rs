//! The audit log for HR (`/admin/audit`): filters, keyset pagination and a CSV export; and the
//! extractor that says who is acting, for the use cases that put actions on record.

use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use super::AppState;
use super::auth::ClientIp;
use super::chrome::Chrome;
use super::guards::{CurrentUser, HrAdmin};
use crate::app::audit::{self as audit_use_case, Actor, Subject};
use crate::db;
use crate::db::audit::{Entry, Filter};
use crate::domain::FieldErrors;
use crate::domain::audit::Action;
use crate::domain::csv_safe;
use crate::domain::people::Person;
use crate::error::AppResult;
use crate::web::files::attachment;

/// An HR admin acting, with the address they act from (for the audit log).
pub struct HrActor(pub Arc<Person>, pub Actor);

impl FromRequestParts<AppState> for HrActor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let HrAdmin(person) = HrAdmin::from_request_parts(parts, state).await?;
        let ClientIp(ip) = ClientIp::from_request_parts(parts, state)
            .await
            .unwrap_or(ClientIp(None));
        let actor = Actor { id: person.id, ip };
        Ok(HrActor(person, actor))
    }
}

/// Whoever is signed in, as the actor of an action on record (with a role guard beside it).
pub struct Acting(pub Actor);

impl FromRequestParts<AppState> for Acting {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let CurrentUser(person) = CurrentUser::from_request_parts(parts, state).await?;
        let ClientIp(ip) = ClientIp::from_request_parts(parts, state)
            .await
            .unwrap_or(ClientIp(None));
        Ok(Acting(Actor { id: person.id, ip }))
    }
}

const PER_PAGE: i64 = 50;
/// The most entries one CSV export holds (narrow the dates for more).
const EXPORT_MAX: i64 = 100_000;

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    person: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    before: Option<String>,
}

/// One row as the page shows it.
pub struct Row {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub record: String,
    pub person: String,
    pub address: String,
    pub details: String,
}

fn name_or_gone(name: Option<String>, email: Option<String>, id_known: bool) -> String {
    match (name, email) {
        (Some(name), Some(email)) => format!("{name} ({email})"),
        _ if id_known => "(a former account)".into(),
        _ => String::new(),
    }
}

impl From<Entry> for Row {
    fn from(entry: Entry) -> Row {
        let action = Action::parse(&entry.action)
            .map_or(entry.action.clone(), |action| action.label().to_string());
        let record = match &entry.record_id {
            Some(id) => format!("{} {id}", entry.record_kind),
            None => entry.record_kind.clone(),
        };
        let person_known = entry.person_name.is_some() || entry.record_kind == "person";
        Row {
            at: entry.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            actor: name_or_gone(entry.actor_name, entry.actor_email, true),
            action,
            record,
            person: name_or_gone(entry.person_name, entry.person_email, person_known),
            address: entry.ip.map(|ip| ip.ip().to_string()).unwrap_or_default(),
            details: entry.details,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/audit.html")]
pub struct AuditPage {
    pub chrome: Chrome,
    pub actions: Vec<(&'static str, &'static str)>,
    pub action: String,
    pub person: String,
    pub from: String,
    pub to: String,
    pub errors: FieldErrors,
    pub rows: Vec<Row>,
    /// The query string for the next (older) page, if there is one.
    pub older: Option<String>,
    /// The query string of the filters, for "newest entries".
    pub filters: String,
    /// Whether this is an older page (so "newest entries" leads somewhere).
    pub paged: bool,
}

fn parse_date(raw: &str, field: &'static str, errors: &mut FieldErrors) -> Option<NaiveDate> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(date) => Some(date),
        Err(_) => {
            errors.add(field, "Enter a date like 2026-11-30, or leave it empty.");
            None
        }
    }
}

fn start_of(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
}

/// Reads the filters; problems are reported next to their field (and that filter ignored).
fn filter_from(query: &AuditQuery) -> (Filter, FieldErrors) {
    let mut errors = FieldErrors::new();
    let action = match query.action.trim() {
        "" => None,
        raw => {
            let action = Action::parse(raw);
            if action.is_none() {
                errors.add("action", "Choose an action from the list.");
            }
            action
        }
    };
    let person = query.person.trim().to_lowercase();
    let person_email = if person.is_empty() {
        None
    } else if person.len() > 254 || person.chars().any(char::is_control) {
        errors.add("person", "Enter the person's email address.");
        None
    } else {
        Some(person)
    };
    let from = parse_date(&query.from, "from", &mut errors).map(start_of);
    let until = parse_date(&query.to, "to", &mut errors)
        .and_then(|date| date.succ_opt())
        .map(start_of);
    let filter = Filter {
        action,
        person_email,
        from,
        until,
    };
    (filter, errors)
}

fn filters_query(query: &AuditQuery) -> String {
    let pairs = [
        ("action", query.action.trim()),
        ("person", query.person.trim()),
        ("from", query.from.trim()),
        ("to", query.to.trim()),
    ];
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().filter(|(_, value)| !value.is_empty()))
        .finish()
}

pub async fn audit_page(
    State(state): State<AppState>,
    HrAdmin(_): HrAdmin,
    chrome: Chrome,
    Query(query): Query<AuditQuery>,
) -> AppResult<Response> {
    let (filter, errors) = filter_from(&query);
    let before = query.before.as_deref().and_then(|b| b.parse::<i64>().ok());
    let mut entries = db::audit::list(&state.pool, &filter, before, PER_PAGE + 1).await?;
    let filters = filters_query(&query);
    let older = if entries.len() as i64 > PER_PAGE {
        entries.truncate(PER_PAGE as usize);
        entries.last().map(|last| {
            let joiner = if filters.is_empty() { "" } else { "&" };
            format!("{filters}{joiner}before={}", last.id)
        })
    } else {
        None
    };
    let page = AuditPage {
        chrome: chrome.at("admin"),
        actions: Action::all().map(|a| (a.as_str(), a.label())).collect(),
        action: query.action.trim().to_string(),
        person: query.person.trim().to_string(),
        from: query.from.trim().to_string(),
        to: query.to.trim().to_string(),
        errors,
        rows: entries.into_iter().map(Row::from).collect(),
        older,
        filters,
        paged: before.is_some(),
    };
    Ok(page.into_response())
}

/// The filtered log as CSV (cells that could run as formulas neutralised). Exporting it is on
/// record too, so it is a POST (the page's form carries the filters).
pub async fn export(
    State(state): State<AppState>,
    HrActor(_, actor): HrActor,
    _: crate::web::privacy::RecentAuth,
    axum::Form(query): axum::Form<AuditQuery>,
) -> AppResult<Response> {
    let (filter, _) = filter_from(&query);
    let entries = db::audit::list(&state.pool, &filter, None, EXPORT_MAX).await?;
    let mut tx = state.pool.begin().await?;
    let details = format!("{} entries", entries.len());
    audit_use_case::record(
        &mut tx,
        actor,
        Action::AuditLogExported,
        Subject::kind("audit_log"),
        &details,
    )
    .await?;
    tx.commit().await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "when_utc", "who", "action", "record", "person", "address", "details",
    ];
    writer
        .write_record(header)
        .map_err(|err| anyhow::anyhow!("writing the audit CSV: {err}"))?;
    for entry in entries {
        let row = Row::from(entry);
        let cells = [
            row.at,
            row.actor,
            row.action,
            row.record,
            row.person,
            row.address,
            row.details,
        ];
        writer
            .write_record(cells.iter().map(|cell| csv_safe::cell(cell).into_owned()))
            .map_err(|err| anyhow::anyhow!("writing the audit CSV: {err}"))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|err| anyhow::anyhow!("finishing the audit CSV: {err}"))?;
    let name = format!("attune-audit-{}.csv", Utc::now().format("%Y-%m-%d"));
    Ok(attachment("text/csv; charset=utf-8", &name, bytes))
}

/// This area's pages and forms.
pub(super) fn routes() -> super::routes::Routes {
    super::routes::Routes::new()
        .get("/admin/audit", audit_page)
        .post("/admin/audit/export", export)
}
