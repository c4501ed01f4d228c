//! Use cases for resources: recommending, changing a plan, importing the library.

use super::audit::{self, Actor, Subject};
use crate::domain::audit::Action;
use std::collections::HashSet;

use chrono::{NaiveDate, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::db;
use crate::db::resources::CandidateQuery;
use crate::domain::people::Person;
use crate::domain::quiz::Attempt;
use crate::domain::resources::{
    self as rules, ImportRow, PlanAction, PlanStatus, Profile, Resource, ResourceInput,
};
use crate::domain::teq::Aspect;
use crate::error::{AppError, AppResult, OrNotFound};

/// Candidates read per aspect: enough for ranking and kind diversity, never the whole library.
const CANDIDATES_PER_ASPECT: i64 = 12;

/// A resource recommended to a person, with the reason and whether it is saved in their plan.
#[derive(Debug, Clone)]
pub struct Recommended {
    pub resource: Resource,
    pub reason: String,
    pub saved: bool,
}

/// Recommendations for a person from their latest quiz result (or a starter selection): the
/// candidate query narrows the library and the domain ranking chooses. Nothing is written: a
/// page view stays a read.
pub async fn recommend_for(
    pool: &PgPool,
    person: &Person,
    latest: Option<&Attempt>,
) -> AppResult<Vec<Recommended>> {
    let now = Utc::now();
    let order: Vec<Aspect> = latest
        .map(|attempt| attempt.weakest_first().map(|a| a.aspect).to_vec())
        .unwrap_or_default();
    let candidates = db::resources::candidates(
        pool,
        &CandidateQuery {
            person_id: person.id,
            aspects: &order,
            percents: latest.map(|a| a.aspects.map(|s| i16::from(s.percent))),
            total: latest.map(|a| i16::from(a.total)),
            department: &person.department,
            office: &person.office,
            now,
            per_aspect: CANDIDATES_PER_ASPECT,
        },
    )
    .await?;
    let ids: Vec<Uuid> = candidates.iter().map(|r| r.id).collect();
    let statuses = db::resources::plan_statuses(pool, person.id, &ids).await?;
    let excluded: HashSet<Uuid> = statuses
        .iter()
        .filter(|(_, status)| status.keeps_out_of_recommendations())
        .map(|(id, _)| *id)
        .collect();
    let profile = Profile {
        total: latest.map(|a| a.total),
        aspects: latest.map(|a| a.aspects),
        department: &person.department,
        office: &person.office,
    };
    let chosen = rules::recommend(&candidates, &profile, &excluded, now);
    Ok(chosen
        .into_iter()
        .filter_map(|rec| {
            let resource = candidates.iter().find(|r| r.id == rec.resource_id)?.clone();
            Some(Recommended {
                saved: statuses.get(&resource.id) == Some(&PlanStatus::Saved),
                reason: rec.reason,
                resource,
            })
        })
        .collect())
}

/// Saves, finishes, dismisses, removes or rates a resource in a person's plan; returns the
/// resource. Rating something not marked done is refused.
pub async fn update_plan(
    pool: &PgPool,
    person_id: Uuid,
    resource_id: Uuid,
    action: PlanAction,
    today: NaiveDate,
) -> AppResult<Resource> {
    // A draft is HR's alone until published: for anyone's plan it doesn't exist yet.
    let resource = db::resources::find(pool, resource_id)
        .await?
        .filter(|r| !r.draft)
        .or_404()?;
    match action {
        PlanAction::Set(status) => {
            db::resources::set_plan_status(pool, person_id, resource_id, status, today).await?;
        }
        PlanAction::Remove => db::resources::remove_from_plan(pool, person_id, resource_id).await?,
        PlanAction::Rate { helpful } => {
            if !db::resources::rate(pool, person_id, resource_id, helpful).await? {
                return Err(AppError::Conflict(
                    "Mark it as done before rating it.".into(),
                ));
            }
        }
    }
    Ok(resource)
}

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub created: usize,
    pub updated: usize,
}

/// Writes the rows of a library CSV in one transaction: a row whose id exists updates that
/// resource, any other row creates one (with the row's id when it has one).
pub async fn import(pool: &PgPool, actor: Actor, rows: &[ImportRow]) -> AppResult<ImportCounts> {
    let mut counts = ImportCounts::default();
    let mut tx = pool.begin().await?;
    for row in rows {
        let id = row.id.unwrap_or_else(Uuid::new_v4);
        if db::resources::upsert(&mut tx, id, &row.input, row.archived).await? {
            counts.created += 1;
        } else {
            counts.updated += 1;
        }
    }
    let details = format!("{} added, {} updated", counts.created, counts.updated);
    let subject = Subject::kind("resource");
    audit::record(&mut tx, actor, Action::ResourcesImported, subject, &details).await?;
    tx.commit().await?;
    Ok(counts)
}

/// Adds a resource to the library; returns its id.
pub async fn add(pool: &PgPool, actor: Actor, input: &ResourceInput) -> AppResult<Uuid> {
    let id = Uuid::new_v4();
    let mut tx = pool.begin().await?;
    db::resources::insert(&mut *tx, id, input).await?;
    let subject = Subject::of("resource", id);
    audit::record(&mut tx, actor, Action::ResourceAdded, subject, &input.title).await?;
    tx.commit().await?;
    Ok(id)
}

/// Saves changes to a resource.
pub async fn edit(
    pool: &PgPool,
    actor: Actor,
    id: Uuid,
    input: &ResourceInput,
    publish: bool,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    db::resources::update(&mut *tx, id, input).await?;
    if publish {
        // A starter draft completed with the company's own details.
        db::resources::publish(&mut *tx, id).await?;
    }
    let subject = Subject::of("resource", id);
    audit::record(
        &mut tx,
        actor,
        Action::ResourceEdited,
        subject,
        &input.title,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Archives a resource (no longer recommended) or brings it back.
pub async fn set_archived(
    pool: &PgPool,
    actor: Actor,
    id: Uuid,
    title: &str,
    archived: bool,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    db::resources::set_archived(&mut *tx, id, archived).await?;
    let action = if archived {
        Action::ResourceArchived
    } else {
        Action::ResourceRestored
    };
    audit::record(&mut tx, actor, action, Subject::of("resource", id), title).await?;
    tx.commit().await?;
    Ok(())
}
