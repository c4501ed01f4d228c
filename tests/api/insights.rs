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

#[sqlx::test]
async fn nothing_is_shown_below_the_threshold_and_deleted_attempts_leave_every_figure(
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
    sqlx::query(
        "UPDATE people SET department_since = now() - interval '1 year', \
         office_since = now() - interval '1 year' WHERE email = 'eve@example.com'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let id = take_quiz(&eve, &[2; 16]).await;
    let (_, html) = insights(&hr, &pool, Duration::zero()).await;
    assert!(visible_text(&html).contains("Not enough results yet"));
    // ...and once her attempt is from before this week, the group reaches the threshold.
    sqlx::query(
        "UPDATE quiz_attempts SET taken_at = taken_at - interval '8 days' WHERE id = $1::uuid",
    )
    .bind(&id)
    .execute(&pool)
    .await
    .unwrap();
    let (_, html) = insights(&hr, &pool, Duration::zero()).await;
    assert!(visible_text(&html).contains("across 5 people"));

    // ...and deleting her attempt takes it out of every figure again.
    // The figures were just worked out; the deletion alone sends the scheduler back to them.
    eve.post(&format!("/quiz/attempts/{id}/delete"), &[]).await;
    let (_, html) = insights(&hr, &pool, attune::app::insights::REFRESH_EVERY).await;
    assert!(visible_text(&html).contains("Not enough results yet"));
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
