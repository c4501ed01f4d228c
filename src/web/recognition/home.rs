//! What the home page shows about recognition.

use chrono::Utc;
use uuid::Uuid;

use super::{PostView, posts};
use crate::db::recognition::{self as store, Unrecognised};
use crate::domain::people::Person;
use crate::domain::recognition::week_start;
use crate::domain::time;
use crate::error::AppResult;
use crate::web::AppState;

/// Unseen recognitions shown on the home page.
const HOME_LIMIT: i64 = 3;

/// A colleague the spotlight prompt suggests.
pub struct Suggestion {
    pub id: Uuid,
    pub name: String,
    pub last: String,
}

fn suggestions(rows: Vec<Unrecognised>, viewer: &Person) -> Vec<Suggestion> {
    rows.into_iter()
        .map(|row| Suggestion {
            id: row.person.id,
            name: row.person.name,
            last: match row.last {
                Some(at) => format!("last recognised {}", time::local_date(at, viewer.time_zone)),
                None => "not recognised yet".into(),
            },
        })
        .collect()
}

/// What the home page shows about recognition.
pub struct HomePanel {
    pub unseen: Vec<PostView>,
    pub unseen_total: i64,
    pub declined: i64,
    /// Set when the person is a spotlight nominator this week.
    pub spotlight: Option<Vec<Suggestion>>,
    /// For HR admins: what waits for review.
    pub moderation: Option<Moderation>,
}

/// Nominations awaiting approval and reported posts.
pub struct Moderation {
    pub pending: i64,
    pub reported: i64,
}

/// The recognition panel of the home page.
pub async fn home_panel(state: &AppState, person: &Person) -> AppResult<HomePanel> {
    let pool = &state.pool;
    // The scheduler draws each week's round (see `startup::spawn_scheduler`); pages only read.
    let week = week_start(Utc::now().date_naive());
    // One statement for the counts; the posts themselves only when there is news.
    let news = store::home_news(pool, person.id, week).await?;
    let (unseen, unseen_total) = if news.unseen > 0 {
        store::unseen_received(pool, person.id, HOME_LIMIT).await?
    } else {
        (Vec::new(), 0)
    };
    let declined = news.declined;
    let spotlight = if news.spotlight {
        let rows = store::least_recently_recognised(pool, &person.department, person.id, 5).await?;
        Some(suggestions(rows, person))
    } else {
        None
    };
    let moderation = if person.is_hr_admin() {
        let (pending, reported) = store::moderation_counts(pool).await?;
        Some(Moderation { pending, reported })
    } else {
        None
    };
    Ok(HomePanel {
        unseen: posts(unseen, person),
        unseen_total,
        declined,
        spotlight,
        moderation,
    })
}
