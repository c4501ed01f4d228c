//! Demo quiz attempts: most people took the quiz once or twice over the last months, with
//! plausible, varied answers (a personal tendency plus day-to-day noise).

use chrono::{Duration, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use sqlx::PgConnection;
use uuid::Uuid;

use super::DemoPerson;
use crate::db;
use crate::domain::teq::{self, Answers, ITEMS};

/// One person's answers around their own tendency (0.0 ..= 4.0, in scored terms).
pub(super) fn answers_around(tendency: f64, rng: &mut StdRng) -> Answers {
    let mut raw = [None; 16];
    for (slot, item) in raw.iter_mut().zip(ITEMS.iter()) {
        let scored = (tendency + rng.gen_range(-1.2..1.2))
            .round()
            .clamp(0.0, 4.0) as i64;
        // A reversed item is answered the other way round to score the same.
        *slot = Some(if item.reversed { 4 - scored } else { scored });
    }
    Answers::parse(&raw).expect("generated answers are in range")
}

pub async fn seed(
    conn: &mut PgConnection,
    people: &[DemoPerson],
    rng: &mut StdRng,
) -> anyhow::Result<()> {
    let now = Utc::now();
    for (i, demo) in people.iter().enumerate() {
        // About one in six people hasn't taken the quiz yet.
        if i % 6 == 5 {
            continue;
        }
        let tendency = rng.gen_range(1.9..3.4);
        let first_days_ago = rng.gen_range(40..170);
        let first = answers_around(tendency, rng);
        db::quiz::insert_attempt(
            conn,
            demo.id,
            Uuid::new_v4(),
            &first,
            &teq::score(&first),
            now - Duration::days(first_days_ago),
        )
        .await?;
        // Half of them retook it a month or more later, usually a little higher.
        if i % 2 == 0 {
            let second = answers_around((tendency + rng.gen_range(-0.1..0.4)).min(4.0), rng);
            db::quiz::insert_attempt(
                conn,
                demo.id,
                Uuid::new_v4(),
                &second,
                &teq::score(&second),
                now - Duration::days(rng.gen_range(1..first_days_ago - 31)),
            )
            .await?;
        }
    }
    Ok(())
}
