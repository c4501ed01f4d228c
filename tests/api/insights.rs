//! Program figures for HR: aggregates only, and never for groups under the anonymity threshold.

use crate::common;

use attune::domain::people::{DisplayName, Email, NewPerson, Roles};
use attune::domain::teq::{Answers, score};
use chrono::{Duration, Utc};
use common::{Browser, spawn_app, take_quiz, visible_text};
use reqwest::StatusCode;
use sqlx::PgPool;

/// HR's Insights page after the scheduler has worked the figures out again (it does so every
/// hour, or at its next turn once someone deleted an attempt; `max_age` zero forces it).
async fn insights(hr: &Browser, pool: &PgPool, max_age: Duration) -> (StatusCode, String) {
    attune::app::insights::refresh(pool, Utc::now(), max_age)
        .await
        .unwrap();
    hr.get_html("/admin/insights").await
}

/// Adds a person in a department with one quiz attempt where every answer is `answer`.
async fn person_with_result(pool: &PgPool, n: usize, department: &str, answer: i64) {
    let name = format!("Person {n}");
    let answers = Some([answer; 16]);
    add_person(
        pool,
        &format!("p{n}"),
        &name,
        department,
        "London",
        answers,
        10,
    )
    .await;
}

/// Adds a person (email `<handle>@example.com`) and, when `answers` are given, one quiz attempt
/// taken `days_ago`.
pub(crate) async fn add_person(
    pool: &PgPool,
    handle: &str,
    name: &str,
    department: &str,
    office: &str,
    answers: Option<[i64; 16]>,
    days_ago: i64,
) -> uuid::Uuid {
    let person = NewPerson {
        email: Email::parse(&format!("{handle}@example.com")).unwrap(),
        display_name: DisplayName::parse(name).unwrap(),
        department: department.into(),
        office: office.into(),
        time_zone: chrono_tz::Tz::UTC,
        roles: Roles::default(),
    };
    let id = attune::db::people::insert(pool, &person, None)
        .await
        .unwrap();
    // Colleagues of long standing: their results count in their groups.
    sqlx::query(
        "UPDATE people SET department_since = now() - interval '2 years', \
         office_since = now() - interval '2 years' WHERE id = $1",
    )
    .bind(id)
    .execute(pool)
    .await
    .unwrap();
    if let Some(values) = answers {
        let answers = Answers::parse(&values.map(Some)).unwrap();
        let mut conn = pool.acquire().await.unwrap();
        attune::db::quiz::insert_attempt(
            &mut conn,
            id,
            uuid::Uuid::new_v4(),
            &answers,
            &score(&answers),
            chrono::Utc::now() - chrono::Duration::days(days_ago),
        )
        .await
        .unwrap();
    }
    id
}

#[sqlx::test]
async fn small_groups_are_hidden_together_and_large_ones_shown(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let mut n = 0;
    for (department, people) in [("Sales", 7), ("Finance", 6), ("Engineering", 2)] {
        for _ in 0..people {
            n += 1;
            person_with_result(&pool, n, department, 2).await;
        }
    }
    let hr = app.hr_admin("hr@example.com").await;
    // Before the scheduler's first turn the page says so.
    let (status, html) = hr.get_html("/admin/insights").await;
    assert_eq!(status, StatusCode::OK);
    assert!(visible_text(&html).contains("The first figures are being worked out"));
    let (status, html) = insights(&hr, &pool, Duration::zero()).await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&html);
    assert!(
        text.contains("15 of 16 people have taken the quiz (94%)"),
        "{text}"
    );
    assert!(text.contains("32.0 / 64 across 15 people"), "{text}");
    assert!(text.contains("Sales 7 32.0 50% 50% 50% 50%"), "{text}");
    // Engineering has 2 people: hidden, and Finance with it so neither can be derived.
    assert!(text.contains("Engineering Hidden to protect anonymity"));
    assert!(text.contains("Finance Hidden to protect anonymity"));
    assert!(!text.contains("p1@example.com"), "no one is named");
}

/// The page as the scheduler would show it at `now` (a later week, say).
async fn insights_at(hr: &Browser, pool: &PgPool, now: chrono::DateTime<Utc>) -> String {
    attune::app::insights::refresh(pool, now, Duration::zero())
        .await
        .unwrap();
    visible_text(&hr.get_html("/admin/insights").await.1)
}

#[sqlx::test]
async fn nothing_is_shown_below_the_threshold_and_deleted_attempts_leave_when_enough_join(
    pool: PgPool,
) {
    let app = spawn_app(pool.clone()).await;
    for n in 0..4 {
        person_with_result(&pool, n, "Sales", 4).await;
    }
    let hr = app.hr_admin("hr@example.com").await;
    let (_, html) = insights(&hr, &pool, Duration::zero()).await;
    let text = visible_text(&html);
    assert!(text.contains("Not enough results yet"));
    assert!(!text.contains("/ 64 across"));

    // A fifth person takes the quiz: figures are weekly, so nothing changes this week...
    let eve = app.employee("eve@example.com").await;
    for update in [
        "UPDATE people SET department = 'Sales', office = 'London' WHERE email = $1",
        // Of long standing there (a move restarts the four weeks).
        "UPDATE people SET department_since = now() - interval '1 year', \
         office_since = now() - interval '1 year' WHERE email = $1",
    ] {
        sqlx::query(update)
            .bind("eve@example.com")
            .execute(&pool)
            .await
            .unwrap();
    }
    let id = take_quiz(&eve, &[2; 16]).await;
    let (_, html) = insights(&hr, &pool, Duration::zero()).await;
    assert!(visible_text(&html).contains("Not enough results yet"));
    // ...and next week the group reaches the threshold.
    let now = Utc::now();
    let next_week = now + Duration::days(7);
    let text = insights_at(&hr, &pool, next_week).await;
    assert!(text.contains("/ 64 across 5 people"), "{text}");

    // Deleting her attempt takes it out of the figures, but not on its own: the week's figures
    // minus the last would be her result. They stay until enough others have taken the quiz.
    let response = eve.post(&format!("/quiz/attempts/{id}/delete"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let text = insights_at(&hr, &pool, next_week).await;
    assert!(text.contains("/ 64 across 5 people"), "{text}");
    let week_after = now + Duration::days(14);
    let text = insights_at(&hr, &pool, week_after).await;
    assert!(text.contains("/ 64 across 5 people"), "{text}");
    assert!(
        text.contains("These quiz figures are from the week of"),
        "{text}"
    );
    // Five more in Sales take the quiz in the week after next: the figures move on without her.
    let taken = attune::domain::insights::figures_as_of(week_after) + Duration::hours(1);
    for n in 10..15 {
        let handle = format!("n{n}");
        let person = add_person(&pool, &handle, &handle, "Sales", "London", None, 0).await;
        attempt_at(&pool, person, [4; 16], taken).await;
    }
    let text = insights_at(&hr, &pool, now + Duration::days(21)).await;
    assert!(text.contains("/ 64 across 9 people"), "{text}");
    assert!(
        !text.contains("These quiz figures are from the week of"),
        "{text}"
    );
}

#[sqlx::test]
async fn moving_someone_to_another_department_does_not_move_their_result(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    for n in 0..6 {
        person_with_result(&pool, n, "Sales", if n == 0 { 4 } else { 2 }).await;
    }
    for n in 6..12 {
        person_with_result(&pool, n, "Finance", 2).await;
    }
    let hr = app.hr_admin("hr@example.com").await;
    let (_, before) = insights(&hr, &pool, Duration::zero()).await;
    // HR moves the person with the different result from Sales to Finance.
    sqlx::query("UPDATE people SET department = 'Finance' WHERE email = 'p0@example.com'")
        .execute(&pool)
        .await
        .unwrap();
    let (_, after) = insights(&hr, &pool, Duration::zero()).await;
    let table = |html: &str| {
        let text = visible_text(html);
        text[text.find("By department").unwrap()..].to_string()
    };
    assert_eq!(table(&before), table(&after));
}

/// The attack from the privacy issue: HR moves a colleague into a new department beside four
/// accounts it opened and answered itself, hoping to read the colleague's total off the
/// group's mean. Results given before four weeks in a group count in no figure (not even the
/// company-wide one, which minus the groups would give them back); the colleague's earlier
/// result stands where it was given.
#[sqlx::test]
async fn a_group_padded_with_new_accounts_shows_nothing_about_the_one_moved_in(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    for n in 0..6 {
        person_with_result(&pool, n, "Sales", 2).await;
    }
    for n in 6..12 {
        person_with_result(&pool, n, "Finance", 2).await;
    }
    let hr = app.hr_admin("hr@example.com").await;
    // The target, of long standing in Sales with an earlier result, is moved into a new
    // department...
    let target = add_person(
        &pool,
        "target",
        "Tara Get",
        "Sales",
        "London",
        Some([3; 16]),
        60,
    )
    .await;
    sqlx::query("UPDATE people SET department = 'Skunkworks' WHERE id = $1")
        .bind(target)
        .execute(&pool)
        .await
        .unwrap();
    // ...with four fresh accounts HR answers for, and the target takes the quiz again.
    for n in 0..4 {
        let fake = app.employee(&format!("fake{n}@example.com")).await;
        sqlx::query("UPDATE people SET department = 'Skunkworks' WHERE email = $1")
            .bind(format!("fake{n}@example.com"))
            .execute(&pool)
            .await
            .unwrap();
        take_quiz(&fake, &[2; 16]).await;
    }
    let answers = Answers::parse(&[4; 16].map(Some)).unwrap();
    let mut conn = pool.acquire().await.unwrap();
    attune::db::quiz::insert_attempt(
        &mut conn,
        target,
        uuid::Uuid::new_v4(),
        &answers,
        &score(&answers),
        Utc::now(),
    )
    .await
    .unwrap();
    drop(conn);
    sqlx::query("UPDATE quiz_attempts SET taken_at = taken_at - interval '8 days'")
        .execute(&pool)
        .await
        .unwrap();
    let (_, html) = insights(&hr, &pool, Duration::zero()).await;
    let text = visible_text(&html);
    assert!(
        !text.contains("Skunkworks"),
        "the padded group is not a group yet: {text}"
    );
    // Overall: the twelve colleagues and the target's earlier result, none of the new ones.
    assert!(text.contains("across 13 people"), "{text}");
    assert!(
        text.contains("Sales 7"),
        "the earlier result stands in Sales: {text}"
    );

    // Results given after four weeks in the group count in it (the audit log holds the
    // moves and the new accounts meanwhile).
    sqlx::query(
        "UPDATE people SET department_since = now() - interval '40 days', \
         office_since = least(office_since, now() - interval '40 days') \
         WHERE department = 'Skunkworks'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let skunkworks: Vec<uuid::Uuid> =
        sqlx::query_scalar("SELECT id FROM people WHERE department = 'Skunkworks'")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(skunkworks.len(), 5);
    for id in skunkworks {
        let answers = Answers::parse(&[2; 16].map(Some)).unwrap();
        let mut conn = pool.acquire().await.unwrap();
        attune::db::quiz::insert_attempt(
            &mut conn,
            id,
            uuid::Uuid::new_v4(),
            &answers,
            &score(&answers),
            Utc::now() - Duration::days(8),
        )
        .await
        .unwrap();
    }
    let (_, html) = insights(&hr, &pool, Duration::zero()).await;
    let text = visible_text(&html);
    assert!(text.contains("Skunkworks 5 32.0"), "{text}");
}
/// Taking part, quarter by quarter: how many different people did each step, with counts
/// under the threshold shown as "fewer than 5"; the CSV holds the same.
#[sqlx::test]
async fn taking_part_is_counted_by_quarter_without_small_counts(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    for n in 0..6 {
        person_with_result(&pool, n, "Sales", 3).await;
    }
    let (status, page) = insights(&hr, &pool, Duration::zero()).await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&page);
    let quiz_row = text
        .split("Took the quiz")
        .nth(1)
        .and_then(|rest| rest.split("Saved or completed a resource").next())
        .expect("the funnel has a quiz row");
    assert!(
        quiz_row.trim().ends_with('6') || quiz_row.contains(" 6 "),
        "{quiz_row}"
    );
    let recognised_row = text
        .split("Recognised someone")
        .nth(1)
        .and_then(|rest| rest.split("Everyone's latest results").next())
        .expect("the funnel has a recognition row");
    assert_eq!(
        recognised_row.matches("fewer than 5").count(),
        4,
        "{recognised_row}"
    );
    let csv = hr.get("/admin/insights.csv").await.text().await.unwrap();
    assert!(csv.contains("Took the quiz (people),6"), "{csv}");
}

/// Answers that score `points` (0..=4) on every item, reversed items included, so the total is
/// 16 × `points`.
fn answers_scoring(points: i64) -> [i64; 16] {
    attune::domain::teq::ITEMS.map(|item| if item.reversed { 4 - points } else { points })
}

/// How the latest totals are spread comes in ranges of at least the threshold (small ranges
/// join their neighbours, none is hidden), and the change for people who retook the quiz shows
/// only when at least the threshold did; the CSV carries the same figures.
#[sqlx::test]
async fn the_spread_of_totals_merges_small_ranges_and_retakers_need_the_threshold(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    // Five people went from 32 to 48; six are at 32; one is at 64.
    for n in 0..5 {
        let id = add_person(
            &pool,
            &format!("r{n}"),
            &format!("Retaker {n}"),
            "Sales",
            "London",
            Some(answers_scoring(2)),
            100,
        )
        .await;
        let answers = Answers::parse(&answers_scoring(3).map(Some)).unwrap();
        let mut conn = pool.acquire().await.unwrap();
        attune::db::quiz::insert_attempt(
            &mut conn,
            id,
            uuid::Uuid::new_v4(),
            &answers,
            &score(&answers),
            Utc::now() - Duration::days(10),
        )
        .await
        .unwrap();
    }
    for n in 0..6 {
        let answers = Some(answers_scoring(2));
        add_person(
            &pool,
            &format!("s{n}"),
            "Steady",
            "Sales",
            "London",
            answers,
            10,
        )
        .await;
    }
    let answers = Some(answers_scoring(4));
    add_person(&pool, "top", "Top Scorer", "Sales", "London", answers, 10).await;

    let (status, page) = insights(&hr, &pool, Duration::zero()).await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&page);
    let spread = text
        .split("How latest totals are spread")
        .nth(1)
        .and_then(|rest| {
            rest.split("Change for people who took the quiz again")
                .next()
        })
        .expect("the page has the spread");
    // 32: six people, a range of its own. 48 (five) and 64 (one) share the top range: the one
    // person at 64 is not shown apart.
    assert!(spread.contains("0–35 6 people"), "{spread}");
    assert!(spread.contains("36–64 6 people"), "{spread}");
    assert!(!spread.contains("1 person"), "{spread}");
    let change = text
        .split("Change for people who took the quiz again")
        .nth(1)
        .expect("the page has the change");
    assert!(
        change
            .contains("Across 5 people who took the quiz more than once, the total moved by +16.0"),
        "{change}"
    );
    assert!(change.contains("Feeling with others +25"), "{change}");
    let csv = hr.get("/admin/insights.csv").await.text().await.unwrap();
    assert!(csv.contains("latest total 36–64 (people),6"), "{csv}");
    assert!(
        csv.contains("average change of the total (points of 64),+16.0"),
        "{csv}"
    );

    // With a threshold of 6 the five retakers are too few, and the top range still holds six.
    common::set_threshold(&hr, 6).await;
    let (_, page) = hr.get_html("/admin/insights").await;
    let text = visible_text(&page);
    assert!(
        text.contains("Shown once at least 6 people have taken the quiz more than once"),
        "{text}"
    );
    assert!(!text.contains("+16.0"), "{text}");
    assert!(text.contains("36–64 6 people"), "{text}");
    let csv = hr.get("/admin/insights.csv").await.text().await.unwrap();
    assert!(!csv.contains("average change"), "{csv}");

    // With 7, the two ranges of six are one.
    common::set_threshold(&hr, 7).await;
    let (_, page) = hr.get_html("/admin/insights").await;
    assert!(visible_text(&page).contains("0–64 12 people"));
}

/// A published story night at `office` that ended `days_ago`, with the given people going
/// (the first `came` of them marked as attended), people left on the waitlist, and pitches.
async fn past_night(
    pool: &PgPool,
    office: &str,
    days_ago: i64,
    going: &[uuid::Uuid],
    came: usize,
    waiting: &[uuid::Uuid],
    pitches: usize,
) {
    let id = uuid::Uuid::new_v4();
    let starts = Utc::now() - Duration::days(days_ago) - Duration::hours(2);
    sqlx::query(
        "INSERT INTO events (id, title, starts_at, ends_at, time_zone, office, capacity, \
         storyteller_slots, minutes_per_story, pitch_deadline, status, published_at) \
         VALUES ($1, 'Stories', $2, $2 + interval '2 hours', 'UTC', $3, $4, 5, 10, \
                 $2 - interval '7 days', 'published', $2 - interval '30 days')",
    )
    .bind(id)
    .bind(starts)
    .bind(office)
    .bind(going.len() as i32)
    .execute(pool)
    .await
    .unwrap();
    for (i, person) in going.iter().enumerate() {
        sqlx::query(
            "INSERT INTO event_rsvps (event_id, person_id, status, attended) \
             VALUES ($1, $2, 'going', $3)",
        )
        .bind(id)
        .bind(person)
        .bind(i < came)
        .execute(pool)
        .await
        .unwrap();
    }
    for person in waiting {
        sqlx::query(
            "INSERT INTO event_rsvps (event_id, person_id, status) VALUES ($1, $2, 'waitlisted')",
        )
        .bind(id)
        .bind(person)
        .execute(pool)
        .await
        .unwrap();
    }
    for person in &going[..pitches] {
        sqlx::query(
            "INSERT INTO event_pitches (id, event_id, person_id, title, summary, minutes, \
             recording_consent) VALUES ($1, $2, $3, 'A story', 'What happened', 5, false)",
        )
        .bind(uuid::Uuid::new_v4())
        .bind(id)
        .bind(person)
        .execute(pool)
        .await
        .unwrap();
    }
}

/// Story nights by office: nights that ended in the last year, seats, attendance where it was
/// recorded, nights that filled with a waitlist and pitches per night; an office where fewer
/// than the threshold had a seat shows its name only.
#[sqlx::test]
async fn story_nights_are_shown_by_office_from_the_threshold_of_people(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    let mut people = Vec::new();
    for n in 0..10 {
        let name = format!("Colleague {n}");
        people.push(add_person(&pool, &format!("c{n}"), &name, "Sales", "London", None, 0).await);
    }
    // London: six people went to the first night (four came; two left waiting; one pitch), three
    // of them to the second (attendance not taken; two pitches).
    past_night(&pool, "London", 20, &people[0..6], 4, &people[6..8], 1).await;
    past_night(&pool, "London", 50, &people[0..3], 0, &[], 2).await;
    // Paris: three people, too few to show.
    past_night(&pool, "Paris", 30, &people[7..10], 3, &[], 0).await;
    // Nights more than a year ago don't count.
    past_night(&pool, "London", 400, &people[0..10], 10, &[], 0).await;

    let (status, page) = insights(&hr, &pool, Duration::zero()).await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&page);
    let nights = text
        .split("Story nights by office, last 12 months")
        .nth(1)
        .and_then(|rest| rest.split("Pulse checks").next())
        .expect("the page has story nights by office");
    assert!(
        nights.contains("London 2 6 9 4 of 6 (67%) 1 (2 left waiting) 1.5"),
        "{nights}"
    );
    assert!(
        nights.contains("Paris Fewer than 5 people: hidden"),
        "{nights}"
    );
    let csv = hr.get("/admin/insights.csv").await.text().await.unwrap();
    assert!(
        csv.contains("Story nights by office in the last 12 months,London,6,seats taken,9"),
        "{csv}"
    );
    assert!(!csv.contains("Paris"), "{csv}");
}

/// A recognition from one person to another naming the behaviour at `position`, made
/// `minutes_ago`, in the given state.
async fn recognise(
    pool: &PgPool,
    (from, from_department): (uuid::Uuid, &str),
    (to, to_department): (uuid::Uuid, &str),
    position: i32,
    status: &str,
    minutes_ago: i64,
) {
    let id = uuid::Uuid::new_v4();
    let at = Utc::now() - Duration::minutes(minutes_ago);
    sqlx::query(
        "INSERT INTO recognitions (id, nominator_id, recipient_id, story, happened_on, visibility, \
         status, nominator_department, nominator_office, recipient_department, recipient_office, \
         submission_key, created_at) \
         VALUES ($1, $2, $3, 'Stayed late to walk a new colleague through a hard first week.', \
                 ($6 AT TIME ZONE 'UTC')::date, 'wall', $7, $4, 'London', $5, 'London', \
                 gen_random_uuid(), $6)",
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(from_department)
    .bind(to_department)
    .bind(at)
    .bind(status)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO recognition_behaviour_links (recognition_id, behaviour_id, nominator_id, \
         recipient_id, created_at, window_ends_at) \
         SELECT $1, id, $2, $3, $4, $4 + interval '24 hours' FROM recognition_behaviours \
         WHERE position = $5",
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(at)
    .bind(position)
    .execute(pool)
    .await
    .unwrap();
}

/// Recognition on Insights: published recognitions per behaviour by quarter (counts under the
/// threshold read "fewer than 5"), and who recognises whom by department over 90 days, with
/// pairs under the threshold added up.
#[sqlx::test]
async fn recognitions_are_shown_by_behaviour_and_between_departments(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    let mut sales = Vec::new();
    let mut finance = Vec::new();
    for n in 0..6 {
        let name = format!("Seller {n}");
        sales.push((
            add_person(&pool, &format!("s{n}"), &name, "Sales", "London", None, 0).await,
            "Sales",
        ));
        let name = format!("Counter {n}");
        finance.push((
            add_person(&pool, &format!("f{n}"), &name, "Finance", "London", None, 0).await,
            "Finance",
        ));
    }
    // Figures are as of the start of the week: these were made just before it.
    let week = attune::domain::insights::figures_as_of(Utc::now());
    let ago = (Utc::now() - week).num_minutes() + 5;
    for n in 0..6 {
        recognise(&pool, sales[n], finance[n], 1, "published", ago).await;
    }
    recognise(&pool, finance[0], finance[1], 1, "published", ago).await;
    recognise(&pool, finance[2], finance[3], 1, "published", ago).await;
    recognise(&pool, sales[0], sales[1], 2, "published", ago).await;
    recognise(&pool, sales[2], sales[3], 2, "published", ago).await;
    // Waiting for HR, and long ago: not in the last 90 days' pairs.
    recognise(&pool, sales[4], finance[5], 2, "pending", ago).await;
    // Made this week: counted from next week on.
    recognise(&pool, sales[5], finance[0], 2, "published", 0).await;
    recognise(&pool, finance[4], sales[5], 3, "published", 200 * 24 * 60).await;
    let labels: Vec<String> = sqlx::query_scalar(
        "SELECT label FROM recognition_behaviours WHERE position IN (1, 2) ORDER BY position",
    )
    .fetch_all(&pool)
    .await
    .unwrap();

    let (status, page) = insights(&hr, &pool, Duration::zero()).await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&page);
    let section = text
        .split("What people were recognised for, quarter by quarter")
        .nth(1)
        .and_then(|rest| rest.split("Pulse checks").next())
        .expect("the page has recognition figures");
    // Their quarter (this one, unless the week began in the last): eight for the first
    // behaviour, two (too few to show) for the second.
    let theirs = attune::domain::funnel::quarter_start((week - Duration::minutes(5)).date_naive());
    let row = |count: &str| -> String {
        attune::domain::funnel::last_quarters(Utc::now().date_naive(), 4)
            .iter()
            .map(|q| if *q == theirs { count } else { "fewer than 5" })
            .collect::<Vec<&str>>()
            .join(" ")
    };
    assert!(
        section.contains(&format!("{} {}", labels[0], row("8"))),
        "{section}"
    );
    assert!(
        section.contains(&format!("{} {}", labels[1], row("fewer than 5"))),
        "{section}"
    );
    // Six from Sales to Finance; the two pairs within a team (two each) are added up, and four
    // is still too few to show.
    assert!(section.contains("Sales Finance 6"), "{section}");
    assert!(
        section.contains("Other pairs of departments 2 pairs fewer than 5"),
        "{section}"
    );
    assert!(
        !section.contains("Finance Sales"),
        "the old one is past 90 days: {section}"
    );

    let csv = hr.get("/admin/insights.csv").await.text().await.unwrap();
    assert!(
        csv.contains(
            "Recognitions between departments in the last 90 days,Sales to Finance,,recognitions,6"
        ),
        "{csv}"
    );
    assert!(
        csv.contains(&format!("{} (recognitions),8", labels[0])),
        "{csv}"
    );
}

/// Resources by aspect and by kind: different people who saved, completed and rated helpful a
/// resource, a count under the threshold shown as "fewer than 5"; dismissing is not saving.
#[sqlx::test]
async fn resources_are_counted_by_aspect_and_kind_in_people(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    // A starter video about reading emotions and being moved by others' distress.
    let video = uuid::Uuid::parse_str("7a0f1c2e-0001-4000-8000-000000000001").unwrap();
    let (kind, aspects): (String, Vec<String>) =
        sqlx::query_as("SELECT kind, aspects FROM resources WHERE id = $1")
            .bind(video)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(kind, "video");
    assert!(aspects.contains(&"emotion-comprehension".to_string()));
    assert!(!aspects.contains(&"emotional-contagion".to_string()));
    for n in 0..7 {
        let id = add_person(
            &pool,
            &format!("r{n}"),
            "Reader",
            "Sales",
            "London",
            None,
            0,
        )
        .await;
        // Five finished it and found it helpful, one saved it, one said "not for me".
        // Last week, so counted as of the start of this one.
        let last_week = Utc::now() - Duration::days(8);
        let (status, done_on, helpful) = match n {
            0..=4 => ("done", Some(last_week.date_naive()), Some(true)),
            5 => ("saved", None, None),
            _ => ("dismissed", None, None),
        };
        sqlx::query(
            "INSERT INTO plan_items (person_id, resource_id, status, done_on, helpful, saved_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(video)
        .bind(status)
        .bind(done_on)
        .bind(helpful)
        .bind(last_week)
        .execute(&pool)
        .await
        .unwrap();
    }
    let (status, page) = insights(&hr, &pool, Duration::zero()).await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&page);
    let section = text
        .split("How many different people saved a resource")
        .nth(1)
        .and_then(|rest| rest.split("Published recognitions").next())
        .expect("the page has resource figures");
    assert!(section.contains("Reading emotions 6 5 5"), "{section}");
    assert!(
        section.contains("Feeling with others fewer than 5 fewer than 5 fewer than 5"),
        "{section}"
    );
    assert!(section.contains("Video 6 5 5"), "{section}");
    assert!(section.contains("Book fewer than 5"), "{section}");
    let csv = hr.get("/admin/insights.csv").await.text().await.unwrap();
    assert!(
        csv.contains("Resources by kind,Video,,completed one (people),5"),
        "{csv}"
    );
}

/// Adds a quiz attempt taken at `at` with these answers.
async fn attempt_at(
    pool: &PgPool,
    person: uuid::Uuid,
    answers: [i64; 16],
    at: chrono::DateTime<Utc>,
) {
    let answers = Answers::parse(&answers.map(Some)).unwrap();
    let mut conn = pool.acquire().await.unwrap();
    attune::db::quiz::insert_attempt(
        &mut conn,
        person,
        uuid::Uuid::new_v4(),
        &answers,
        &score(&answers),
        at,
    )
    .await
    .unwrap();
}

/// The section of the page's text from `start` up to `end`.
fn section<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    text.split(start)
        .nth(1)
        .and_then(|rest| rest.split(end).next())
        .unwrap_or_else(|| panic!("the page has {start}: {text}"))
}

/// Everyone's latest results at the start of each recent quarter sit beside this week's, with
/// a line through them, and the CSV follows the page. A week whose difference from the last
/// figures shown would be one newcomer's result waits; once enough have taken the quiz, the
/// figures move on and the quarters keep the figures they were shown with.
#[sqlx::test]
async fn results_over_time_keep_each_date_and_a_week_waits_until_it_points_at_no_one(pool: PgPool) {
    use attune::domain::time::long_date;
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    let now = Utc::now();
    let as_of = attune::domain::insights::figures_as_of(now);
    let points = attune::app::insights::quiz_points(as_of);
    let last = *points.last().unwrap();
    // Between the last quarter's start and this week's figures.
    let recently = last + (as_of - last) / 2;
    let long_ago = (now - points[0]).num_days() + 30;
    // Ten in Sales took the quiz long ago (32 of 64); ten in Finance too, and again recently
    // (48 of 64).
    for n in 0..10 {
        let handle = format!("s{n}");
        add_person(
            &pool,
            &handle,
            &handle,
            "Sales",
            "London",
            Some([2; 16]),
            long_ago,
        )
        .await;
        let handle = format!("f{n}");
        let id = add_person(
            &pool,
            &handle,
            &handle,
            "Finance",
            "London",
            Some([2; 16]),
            long_ago,
        )
        .await;
        attempt_at(&pool, id, answers_scoring(3), recently).await;
    }
    let (status, page) = insights(&hr, &pool, Duration::zero()).await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&page);
    let over_time = section(
        &text,
        "Latest results over time",
        "How latest totals are spread",
    );
    for point in &points {
        let row = format!("{} 20 32.0 50% 50% 50% 50%", long_date(point.date_naive()));
        assert!(over_time.contains(&row), "{row} in {over_time}");
    }
    assert!(over_time.contains(") 20 40.0 "), "this week: {over_time}");
    assert!(
        page.contains("Average latest total out of 64 over time"),
        "the chart describes itself"
    );
    let csv = hr.get("/admin/insights.csv").await.text().await.unwrap();
    let first = attune::domain::time::iso_date(points[0].date_naive());
    assert!(
        csv.contains(&format!(
            "\"Latest quiz results, as of {first}\",Everyone,20,average latest total (of 64),32.0"
        )),
        "{csv}"
    );

    // One newcomer takes the quiz this week: next week's figures minus this week's would be
    // their result, so next week keeps this week's figures up.
    let newcomer = add_person(&pool, "new", "New", "Sales", "London", None, 0).await;
    let this_week = as_of + Duration::hours(1);
    attempt_at(&pool, newcomer, answers_scoring(4), this_week).await;
    let shown_as_of = format!(
        "(as of {})",
        attune::domain::time::weekday_date(as_of.date_naive())
    );
    let text = insights_at(&hr, &pool, now + Duration::days(7)).await;
    let over_time = section(
        &text,
        "Latest results over time",
        "How latest totals are spread",
    );
    assert!(
        over_time.contains(&format!("Latest shown {shown_as_of} 20 40.0 ")),
        "{over_time}"
    );
    assert!(text.contains("These quiz figures are from the week of"));
    let csv = hr.get("/admin/insights.csv").await.text().await.unwrap();
    assert!(csv.contains(&format!("as of {first}\"")), "{csv}");
    // Nine more take it in both departments the week after: the figures move on, and the
    // quarters keep the figures they were shown with.
    for n in 0..9 {
        let handle = format!("n{n}");
        let department = if n < 4 { "Sales" } else { "Finance" };
        let id = add_person(&pool, &handle, &handle, department, "London", None, 0).await;
        attempt_at(&pool, id, answers_scoring(4), this_week + Duration::days(7)).await;
    }
    let later = now + Duration::days(14);
    let text = insights_at(&hr, &pool, later).await;
    let over_time = section(
        &text,
        "Latest results over time",
        "How latest totals are spread",
    );
    assert!(over_time.contains("This week (as of "), "{over_time}");
    assert!(over_time.contains(") 30 "), "{over_time}");
    let later_points =
        attune::app::insights::quiz_points(attune::domain::insights::figures_as_of(later));
    for point in points.iter().filter(|p| later_points.contains(p)) {
        let row = format!("{} 20 32.0 50% 50% 50% 50%", long_date(point.date_naive()));
        assert!(over_time.contains(&row), "{row} in {over_time}");
    }
    assert!(!text.contains("These quiz figures are from the week of"));
}

/// A department and an office that are the same people but for one: showing both would give
/// that person's result as the difference, so one of the two breakdowns is hidden; and a new
/// anonymity threshold hides the quiz figures until the scheduler has checked them against it.
#[sqlx::test]
async fn a_department_and_an_office_never_differ_by_fewer_than_the_threshold(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    let mut n = 0;
    for (department, office, people) in [
        ("Sales", "London", 9),
        ("Sales", "Paris", 1),
        ("Finance", "Paris", 8),
    ] {
        for _ in 0..people {
            n += 1;
            let handle = format!("p{n}");
            add_person(
                &pool,
                &handle,
                &handle,
                department,
                office,
                Some([2; 16]),
                10,
            )
            .await;
        }
    }
    let (_, page) = insights(&hr, &pool, Duration::zero()).await;
    let text = visible_text(&page);
    assert!(text.contains("32.0 / 64 across 18 people"), "{text}");
    let hidden = |group: &str| text.contains(&format!("{group} Hidden to protect anonymity"));
    assert!(
        hidden("Sales") && hidden("Finance") && !hidden("London") && !hidden("Paris")
            || hidden("London") && hidden("Paris") && !hidden("Sales") && !hidden("Finance"),
        "one breakdown is hidden, the other shown: {text}"
    );
    let csv = hr.get("/admin/insights.csv").await.text().await.unwrap();
    assert!(
        !(csv.contains("by department, as of") && csv.contains("by office, as of")),
        "{csv}"
    );

    // A new threshold: the quiz figures wait for the scheduler's next turn.
    common::set_threshold(&hr, 6).await;
    let (_, page) = hr.get_html("/admin/insights").await;
    let text = visible_text(&page);
    assert!(
        text.contains("The anonymity threshold has changed"),
        "{text}"
    );
    assert!(!text.contains("/ 64 across"), "{text}");
    // The scheduler's next turn works them out again (they were marked stale).
    attune::app::insights::refresh(&pool, Utc::now(), REFRESH)
        .await
        .unwrap();
    let (_, page) = hr.get_html("/admin/insights").await;
    let text = visible_text(&page);
    assert!(text.contains("32.0 / 64 across 18 people"), "{text}");
    assert!(!text.contains("The anonymity threshold has changed"));
}

/// How long the scheduler lets figures age before working them out again.
const REFRESH: Duration = attune::app::insights::REFRESH_EVERY;

/// Taking part by department and office: a step counts where the person was when they took it,
/// a newcomer's among the newcomers, small counts and the next smallest beside them read
/// "hidden", and moving someone afterwards changes no count.
#[sqlx::test]
async fn taking_part_by_group_counts_a_step_where_the_person_was_then(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    // Counts run to the start of this week, as the quiz figures do.
    let step_at = attune::domain::insights::figures_as_of(Utc::now()) - Duration::hours(1);
    let quarter = attune::domain::funnel::quarter_start(step_at.date_naive());
    let page = format!("/admin/insights?quarter={quarter}");
    let mut sales = Vec::new();
    for n in 0..6 {
        let handle = format!("s{n}");
        let id = add_person(&pool, &handle, &handle, "Sales", "London", None, 0).await;
        attempt_at(&pool, id, [2; 16], step_at).await;
        sales.push(id);
    }
    for n in 0..5 {
        let handle = format!("f{n}");
        let id = add_person(&pool, &handle, &handle, "Finance", "Paris", None, 0).await;
        attempt_at(&pool, id, [2; 16], step_at).await;
    }
    // Five people who joined Sales yesterday (from other departments in London).
    for n in 0..5 {
        let handle = format!("new{n}");
        let newcomer = add_person(&pool, &handle, &handle, "Sales", "London", None, 0).await;
        sqlx::query("UPDATE people SET department_since = now() - interval '1 day' WHERE id = $1")
            .bind(newcomer)
            .execute(&pool)
            .await
            .unwrap();
        attempt_at(&pool, newcomer, [2; 16], step_at).await;
    }

    attune::app::insights::refresh(&pool, Utc::now(), Duration::zero())
        .await
        .unwrap();
    let (_, html) = hr.get_html(&page).await;
    let text = visible_text(&html);
    let by_department = section(&text, ", by department Department", "By office");
    // The newcomers count in a row of their own; nobody took the other steps (hidden).
    assert!(
        by_department.contains("Sales 6 hidden hidden hidden"),
        "{by_department}"
    );
    assert!(
        by_department.contains("Finance 5 hidden hidden hidden"),
        "{by_department}"
    );
    assert!(
        by_department.contains("Under four weeks in their department 5 hidden"),
        "{by_department}"
    );
    let by_office = section(&text, ", by office Office", "Everyone's latest results");
    // The newcomers joined Sales, not London: they count in London's row.
    assert!(by_office.contains("London 11 hidden"), "{by_office}");
    assert!(by_office.contains("Paris 5 hidden"), "{by_office}");

    // Someone moves from Sales to Finance: the quarter's counts stay as they were.
    sqlx::query("UPDATE people SET department = 'Finance' WHERE id = $1")
        .bind(sales[0])
        .execute(&pool)
        .await
        .unwrap();
    attune::app::insights::refresh(&pool, Utc::now(), Duration::zero())
        .await
        .unwrap();
    let (_, html) = hr.get_html(&page).await;
    let moved = visible_text(&html);
    assert_eq!(
        section(&moved, ", by department Department", "By office"),
        by_department
    );
    let csv = hr.get("/admin/insights.csv").await.text().await.unwrap();
    assert!(
        csv.contains("by department,Sales,,Took the quiz (people),6"),
        "{csv}"
    );
    assert!(
        csv.contains("by department,Finance,,Recognised someone (people),hidden"),
        "{csv}"
    );

    // Another quarter can be chosen; a quarter that isn't offered shows the current one.
    let quarters = attune::domain::funnel::last_quarters(Utc::now().date_naive(), 4);
    let (status, page) = hr
        .get_html(&format!("/admin/insights?quarter={}", quarters[0]))
        .await;
    assert_eq!(status, StatusCode::OK);
    let label = attune::domain::funnel::quarter_label(quarters[0]);
    assert!(
        visible_text(&page).contains(&format!("Taking part by department and office, {label}")),
        "{label}"
    );
    let (status, page) = hr.get_html("/admin/insights?quarter=1999-13-40").await;
    assert_eq!(status, StatusCode::OK);
    let current = attune::domain::funnel::quarter_label(quarters[3]);
    assert!(
        visible_text(&page).contains(&format!("Taking part by department and office, {current}"))
    );
}

/// Taking part by department and office moves on from one week to the next only when the
/// change can't point at anyone: one more person in Sales waits, five more show.
#[sqlx::test]
async fn taking_part_moves_on_only_when_the_change_points_at_no_one(pool: PgPool) {
    use attune::domain::insights::figures_as_of;
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    let now = Utc::now();
    let as_of = figures_as_of(now);
    let quarter = attune::domain::funnel::quarter_start(as_of.date_naive());
    // Before this week (and in this week's quarter): five in Sales in London, five in Finance
    // in Paris took the quiz.
    let before = as_of.max(quarter.and_hms_opt(1, 0, 0).unwrap().and_utc());
    let mut n = 0;
    let mut took_quiz = async |department: &str, office: &str, at| {
        n += 1;
        let handle = format!("p{n}");
        let id = add_person(&pool, &handle, &handle, department, office, None, 0).await;
        attempt_at(&pool, id, [2; 16], at).await;
    };
    for _ in 0..5 {
        took_quiz("Sales", "London", before - Duration::minutes(30)).await;
        took_quiz("Finance", "Paris", before - Duration::minutes(30)).await;
    }
    let by_department = async |at: chrono::DateTime<Utc>| {
        attune::app::insights::refresh(&pool, at, Duration::zero())
            .await
            .unwrap();
        let page = format!("/admin/insights?quarter={quarter}");
        let text = visible_text(&hr.get_html(&page).await.1);
        section(&text, ", by department Department", "By office").to_string()
    };
    let week = figures_as_of(before + Duration::days(7));
    let text = by_department(week - Duration::hours(1)).await;
    assert!(text.contains("Sales 5 hidden"), "{text}");
    // One more in Sales the week after: next week Sales would be up by that one person.
    took_quiz("Sales", "London", week + Duration::minutes(30)).await;
    let next_week = week + Duration::days(7);
    let text = by_department(next_week).await;
    assert!(text.contains("Sales 5 hidden"), "{text}");
    assert!(text.contains("Finance 5 hidden"), "{text}");
    // Four more: five since, all in Sales and London, and the counts move on.
    for _ in 0..4 {
        took_quiz("Sales", "London", week + Duration::minutes(40)).await;
    }
    let text = by_department(next_week + Duration::minutes(1)).await;
    assert!(text.contains("Sales 10 hidden"), "{text}");
    assert!(text.contains("Finance 5 hidden"), "{text}");
}

/// Marks a resource done by `person` on `done_on` (saved the day before).
async fn completed_video(pool: &PgPool, person: uuid::Uuid, done_on: chrono::DateTime<Utc>) {
    sqlx::query(
        "INSERT INTO plan_items (person_id, resource_id, status, done_on, helpful, saved_at) \
         VALUES ($1, '7a0f1c2e-0001-4000-8000-000000000001', 'done', $2, true, $3)",
    )
    .bind(person)
    .bind(done_on.date_naive())
    .bind(done_on - Duration::days(1))
    .execute(pool)
    .await
    .unwrap();
}

/// The counts at the top of the page are as of the start of the week and move on only by the
/// threshold of people at once: one more person taking the quiz, or completing a resource, can't
/// be read off the page from one week to the next.
#[sqlx::test]
async fn the_headline_counts_move_on_only_by_the_threshold_of_people(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    let last_week = Utc::now() - Duration::days(8);
    let mut people = Vec::new();
    for n in 0..6 {
        let (handle, name) = (format!("t{n}"), format!("Taker {n}"));
        let answers = Some([2; 16]);
        people.push(add_person(&pool, &handle, &name, "Sales", "London", answers, 8).await);
    }
    for person in &people[..3] {
        completed_video(&pool, *person, last_week).await;
    }
    let (status, page) = insights(&hr, &pool, Duration::zero()).await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&page);
    assert!(
        text.contains("6 of 7 people have taken the quiz (86%)"),
        "{text}"
    );
    // Three are too few to count.
    assert!(
        text.contains("fewer than 5 people have completed a resource"),
        "{text}"
    );

    // This week one more person takes the quiz, and three more complete a resource.
    add_person(
        &pool,
        "new",
        "Newcomer",
        "Sales",
        "London",
        Some([3; 16]),
        0,
    )
    .await;
    for person in &people[3..] {
        completed_video(&pool, *person, Utc::now()).await;
    }
    // Until the week is over none of it is counted: the counts are worked out once a week.
    let (_, page) = insights(&hr, &pool, Duration::zero()).await;
    let text = visible_text(&page);
    assert!(
        text.contains("6 of 7 people have taken the quiz (86%)"),
        "{text}"
    );
    assert!(
        text.contains("fewer than 5 people have completed a resource"),
        "{text}"
    );
    // Next week: six completed a resource (from none shown), but the one newcomer would be
    // the only change in the quiz count, so it stays.
    let next_week = Utc::now() + Duration::days(7);
    let text = insights_at(&hr, &pool, next_week).await;
    assert!(
        text.contains("6 of 8 people have taken the quiz (75%)"),
        "{text}"
    );
    assert!(
        text.contains("6 people have completed a resource"),
        "{text}"
    );
    let csv = hr.get("/admin/insights.csv").await.text().await.unwrap();
    assert!(
        csv.contains("Participation,Everyone,,took the quiz (people),6"),
        "{csv}"
    );

    // Four more take the quiz: five since the count shown, and it moves on.
    for n in 0..4 {
        let name = format!("Later {n}");
        add_person(
            &pool,
            &format!("l{n}"),
            &name,
            "Sales",
            "London",
            Some([3; 16]),
            0,
        )
        .await;
    }
    let text = insights_at(&hr, &pool, next_week + Duration::days(7)).await;
    assert!(
        text.contains("11 of 12 people have taken the quiz (92%)"),
        "{text}"
    );
}
