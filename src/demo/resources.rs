//! Demo plans: people saved and finished some of the starter library, and rated what they
//! finished.

use chrono::{Duration, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use sqlx::PgConnection;
use uuid::Uuid;

use super::DemoPerson;
use crate::db;
use crate::domain::resources::PlanStatus;

/// The starter library's resources (see migrations/0003_resources.sql).
fn starter(n: u8) -> Uuid {
    Uuid::parse_str(&format!("7a0f1c2e-0001-4000-8000-{n:012}")).expect("a valid id")
}

pub async fn seed(
    conn: &mut PgConnection,
    people: &[DemoPerson],
    rng: &mut StdRng,
) -> anyhow::Result<()> {
    let today = Utc::now().date_naive();
    for (i, demo) in people.iter().enumerate() {
        // Those who took the quiz (see quiz.rs) have started a plan.
        if i % 6 == 5 {
            continue;
        }
        let saved = starter(rng.gen_range(1..=16));
        db::resources::set_plan_status(&mut *conn, demo.id, saved, PlanStatus::Saved, today)
            .await?;
        if i % 3 != 2 {
            let done = starter(rng.gen_range(1..=16));
            if done != saved {
                let on = today - Duration::days(rng.gen_range(1..60));
                db::resources::set_plan_status(&mut *conn, demo.id, done, PlanStatus::Done, on)
                    .await?;
                if rng.gen_bool(0.8) {
                    db::resources::rate(&mut *conn, demo.id, done, rng.gen_bool(0.8)).await?;
                }
            }
        }
    }
    // Plans were started over the last two months, before this week's figures.
    let ids: Vec<Uuid> = people.iter().map(|p| p.id).collect();
    sqlx::query(
        "UPDATE plan_items SET saved_at = least(saved_at, done_on::timestamptz) \
                - make_interval(days => 1 + abs(hashtext(person_id::text)) % 60) \
         WHERE person_id = ANY($1)",
    )
    .bind(ids)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
