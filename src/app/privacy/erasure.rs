//! Erasing an account (GDPR article 17), asked for by the person, by HR for a leaver, or by
//! the retention job for an account deactivated long enough. One transaction: seats are given
//! to the waitlist, recognitions they gave are kept "from a former colleague" or removed (HR's
//! setting), mentions of their name and email in other people's rows are replaced, the audit
//! record keeps what happened under a random reference instead of their id, and the person's
//! row goes with everything that is theirs alone.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::super::audit::Actor;
use super::super::events::fill_free_seats;
use crate::config::AppConfig;
use crate::db;
use crate::db::audit::NewEntry;
use crate::domain::audit::Action;
use crate::domain::privacy::GivenRecognitions;
use crate::error::{AppError, AppResult, OrNotFound};

/// Who asked for an erasure.
#[derive(Debug, Clone, Copy)]
pub enum Requested {
    /// The person, from "Delete my account".
    ByThemselves,
    /// An HR admin, for a leaver.
    ByHr(Actor),
    /// The retention job: deactivated longer than HR's setting.
    Retention { days: i32 },
}

/// What an erasure left behind: the reference that replaced the person's id in the audit
/// record.
#[derive(Debug, Clone, Copy)]
pub struct Erasure {
    pub reference: Uuid,
}

/// Why the only HR admin can't be erased.
pub const LAST_HR_ADMIN: &str = "This is the only HR admin account: make someone else an HR admin first, so Attune always has one.";

/// What replaces the person's name where other people's rows mention it.
pub const MENTION: &str = "a former colleague";

/// The forms in which a name can appear in stored text: as written, and as HTML-escaped in
/// the HTML part of an email.
fn mentions(name: &str, email: &str) -> Vec<String> {
    let escaped = name
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;");
    let mut needles = vec![name.to_string(), email.to_string()];
    if escaped != name {
        needles.push(escaped);
    }
    needles
}

/// Erases a person's account; 404 when there is no such person.
pub async fn erase(
    pool: &PgPool,
    config: &AppConfig,
    requested: Requested,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Erasure> {
    let mut tx = pool.begin().await?;
    if !db::privacy::erasure::lock_person(&mut tx, id).await? {
        return Err(AppError::NotFound);
    }
    let person = db::people::find(&mut *tx, id).await?.or_404()?;
    if person.active
        && person.is_hr_admin()
        && db::privacy::erasure::other_hr_admins(&mut tx, id).await? == 0
    {
        return Err(AppError::Conflict(LAST_HR_ADMIN.into()));
    }
    let settings = db::privacy::settings(&mut *tx).await?;

    // Seats they held go to the first people waiting, as when anyone cancels.
    for event in db::privacy::erasure::events_going(&mut tx, id).await? {
        if db::events::lock(&mut tx, event).await?.is_some() {
            db::events::delete_rsvp(&mut tx, event, id).await?;
            fill_free_seats(&mut tx, config, event, now).await?;
        }
    }
    if settings.given_recognitions == GivenRecognitions::Keep {
        db::privacy::erasure::keep_given_recognitions(&mut tx, id).await?;
    }

    let reference = Uuid::new_v4();
    db::privacy::erasure::open_audit_log(&mut tx).await?;
    let needles = mentions(&person.display_name, &person.email);
    db::privacy::erasure::scrub_mentions(&mut tx, &needles, MENTION).await?;
    db::privacy::erasure::pseudonymise_audit_record(&mut tx, id, reference).await?;
    db::privacy::erasure::close_audit_log(&mut tx).await?;
    db::privacy::erasure::forget_email(&mut tx, &person.email).await?;
    db::privacy::erasure::delete_person(&mut tx, id).await?;

    // On record, without naming them: the reference stands for the person.
    let (actor, ip, details) = match requested {
        Requested::ByThemselves => (reference, None, "at their own request".to_string()),
        Requested::ByHr(actor) => (actor.id, actor.ip, "at HR's request".to_string()),
        Requested::Retention { days } => (
            reference,
            None,
            format!("by the retention job: deactivated more than {days} days"),
        ),
    };
    let entry = NewEntry {
        actor,
        ip,
        action: Action::PersonErased,
        record_kind: "person",
        record_id: None,
        person: Some(reference),
        details: &details,
    };
    db::audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    tracing::info!(%reference, "erased an account");
    Ok(Erasure { reference })
}
