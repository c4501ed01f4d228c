//! The baseline quiz over HTTP: scoring, incomplete answers, drafts, double submission,
//! privacy, retakes and deletion.

use crate::common;

use common::{location, spawn_app, take_quiz, visible_text};
use reqwest::StatusCode;
use sqlx::PgPool;

/// The scoring key from teq.md, written out independently of the application's code.
const REVERSED: [usize; 8] = [2, 4, 7, 10, 11, 12, 14, 15];

fn expected_total(answers: &[u8; 16]) -> u32 {
    answers
        .iter()
        .enumerate()
        .map(|(i, &a)| {
            if REVERSED.contains(&(i + 1)) {
                4 - u32::from(a)
            } else {
                u32::from(a)
            }
        })
        .sum()
}

fn form_with(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

async fn attempts(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM quiz_attempts")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn a_full_submission_shows_the_total_of_the_scoring_key(pool: PgPool) {
    let app = spawn_app(pool).await;
    let ada = app.employee("ada@example.com").await;
    let (status, page) = ada.get_html("/quiz").await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&page);
    assert!(text.contains("Only you."));
    assert!(text.contains("Spreng, R. N."), "the source is cited");
    assert!(text.contains("When a friend starts to talk about his or her problems, I try to steer the conversation towards something else"));

    let answers = [4, 1, 3, 0, 4, 2, 1, 3, 3, 2, 0, 1, 4, 0, 1, 3];
    let id = take_quiz(&ada, &answers).await;
    let (status, results) = ada.get_html(&format!("/quiz/attempts/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&results);
    let total = expected_total(&answers);
    assert_eq!(total, 52, "worked by hand: 26 forward + 26 reversed");
    assert!(text.contains(&format!("{total} / 64")), "{text}");
    assert!(text.contains("Only the total above is a validated score"));
    for aspect in [
        "Feeling with others",
        "Reading emotions",
        "Being moved by others' distress",
        "Acting to help",
    ] {
        assert!(text.contains(aspect), "{aspect}");
    }
    // The questionnaire's terms explain, as a secondary line, and never head anything.
    assert!(text.contains("The questionnaire calls it sympathetic physiological arousal."));
    assert!(!results.contains(">Sympathetic physiological arousal<"));
    // Feeling with others (emotional contagion): items 1, 4R, 9 → 4, 4, 3 → mean 3.7, 92%.
    assert!(text.contains("Feeling with others 3.7 92%"), "{text}");
    assert!(results.contains("<svg"), "the aspect chart is drawn");
    assert!(!text.to_lowercase().contains("low empathy"));
}

#[sqlx::test]
async fn missing_and_invalid_answers_are_pointed_out_and_kept(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let ben = app.employee("ben@example.com").await;
    let mut pairs: Vec<(String, String)> = (1..=16)
        .filter(|i| ![3, 7, 12].contains(i))
        .map(|i| (format!("q{i}"), "2".to_string()))
        .collect();
    pairs[0].1 = "4".into();
    pairs.push(("q12".into(), "9".into()));
    pairs.push(("action".into(), "submit".into()));
    let (status, html) = ben.post_html("/quiz", &form_with(&pairs)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&html);
    assert!(text.contains("Your answers haven't been scored yet"));
    for n in [3, 7, 12] {
        assert!(
            html.contains(&format!(r##"href="#item-{n}""##)),
            "item {n} is named in the summary"
        );
        assert!(
            html.contains(&format!(r#"id="item-{n}-error""#)),
            "item {n} is marked"
        );
    }
    assert!(
        html.contains(r#"id="q1-4" name="q1" value="4" checked"#),
        "answers given stay selected"
    );
    assert!(html.contains(r#"id="q16-2" name="q16" value="2" checked"#));
    assert_eq!(attempts(&pool).await, 0, "nothing is scored");

    // The answers were kept server-side too.
    let (_, again) = ben.get_html("/quiz").await;
    assert!(again.contains(r#"id="q1-4" name="q1" value="4" checked"#));
    assert!(visible_text(&again).contains("13 of 16 answered"));
}

#[sqlx::test]
async fn save_and_continue_later_restores_the_answers(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let cy = app.employee("cy@example.com").await;
    let response = cy
        .post(
            "/quiz",
            &[("q1", "3"), ("q2", "0"), ("q16", "4"), ("action", "save")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/quiz");
    let (_, page) = cy.get_html("/quiz").await;
    let text = visible_text(&page);
    assert!(text.contains("Your answers are saved (3 of 16)"));
    assert!(text.contains("3 of 16 answered"));
    assert!(page.contains(r#"id="q2-0" name="q2" value="0" checked"#));
    assert!(page.contains(r#"id="q16-4" name="q16" value="4" checked"#));
    assert_eq!(attempts(&pool).await, 0);

    // Another person sees none of it.
    let dee = app.employee("dee@example.com").await;
    let (_, theirs) = dee.get_html("/quiz").await;
    assert!(!theirs.contains("checked"));
}

#[sqlx::test]
async fn a_double_submission_creates_one_attempt(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let eve = app.employee("eve@example.com").await;
    let mut pairs: Vec<(String, String)> = (1..=16)
        .map(|i| (format!("q{i}"), "3".to_string()))
        .collect();
    pairs.push(("submission_key".into(), uuid::Uuid::new_v4().to_string()));
    pairs.push(("action".into(), "submit".into()));
    let form = form_with(&pairs);
    let (first, second) = tokio::join!(eve.post("/quiz", &form), eve.post("/quiz", &form));
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(second.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&first),
        location(&second),
        "both land on the same attempt"
    );
    let third = eve.post("/quiz", &form).await;
    assert_eq!(location(&third), location(&first), "a resent form too");
    assert_eq!(attempts(&pool).await, 1);
}

#[sqlx::test]
async fn an_attempt_is_visible_only_to_its_owner(pool: PgPool) {
    let app = spawn_app(pool).await;
    let fay = app.employee("fay@example.com").await;
    let id = take_quiz(&fay, &[2; 16]).await;
    let hr = app.hr_admin("hr@example.com").await;
    let colleague = app.employee("gus@example.com").await;
    for other in [&hr, &colleague] {
        for path in [
            format!("/quiz/attempts/{id}"),
            format!("/quiz/attempts/{id}/delete"),
        ] {
            let (status, html) = other.get_html(&path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert!(!visible_text(&html).contains("32 / 64"));
        }
        assert_eq!(
            other
                .post(&format!("/quiz/attempts/{id}/delete"), &[])
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
        let (_, history) = other.get_html("/quiz/history").await;
        assert!(visible_text(&history).contains("No attempts yet"));
    }
    assert_eq!(
        fay.get(&format!("/quiz/attempts/{id}")).await.status(),
        StatusCode::OK
    );
}

#[sqlx::test]
async fn retakes_wait_for_the_interval_hr_sets(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hal = app.employee("hal@example.com").await;
    take_quiz(&hal, &[2; 16]).await;

    let (_, page) = hal.get_html("/quiz").await;
    let text = visible_text(&page);
    assert!(text.contains("You can retake the quiz from"), "{text}");
    assert!(
        !page.contains(r#"name="q1""#),
        "no form until the retake opens"
    );
    let mut pairs: Vec<(String, String)> = (1..=16)
        .map(|i| (format!("q{i}"), "4".to_string()))
        .collect();
    pairs.push(("action".into(), "submit".into()));
    let (status, html) = hal.post_html("/quiz", &form_with(&pairs)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(visible_text(&html).contains("You can take it again from"));
    assert_eq!(attempts(&pool).await, 1);

    // HR shortens the interval; an out-of-range value is refused first.
    let hr = app.hr_admin("hr@example.com").await;
    let (status, html) = hr
        .post_html("/admin/settings", &[("retake_interval_days", "400")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(r#"value="400""#));
    assert!(visible_text(&html).contains("from 0 to 365"));
    let response = hr
        .post("/admin/settings", &[("retake_interval_days", "0")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    take_quiz(&hal, &[4, 0, 4, 0, 4, 4, 0, 4, 4, 0, 0, 0, 4, 0, 0, 4]).await;
    let (_, history) = hal.get_html("/quiz/history").await;
    let text = visible_text(&history);
    assert!(
        history.contains("<polyline"),
        "the progress chart appears from two attempts"
    );
    assert!(text.contains("32 points higher than last time"), "{text}");
    assert!(text.contains("First attempt"));
}

#[sqlx::test]
async fn small_changes_read_about_the_same(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    sqlx::query("UPDATE program_settings SET retake_interval_days = 0")
        .execute(&pool)
        .await
        .unwrap();
    let ivy = app.employee("ivy@example.com").await;
    take_quiz(&ivy, &[2; 16]).await;
    let mut answers = [2; 16];
    answers[0] = 4;
    answers[2] = 4;
    let id = take_quiz(&ivy, &answers).await;
    let (_, results) = ivy.get_html(&format!("/quiz/attempts/{id}")).await;
    assert!(visible_text(&results).contains("About the same as last time (+4)"));
}

#[sqlx::test]
async fn a_person_can_delete_an_attempt_after_confirming(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let jo = app.employee("jo@example.com").await;
    let id = take_quiz(&jo, &[1; 16]).await;
    let (status, confirm) = jo.get_html(&format!("/quiz/attempts/{id}/delete")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(visible_text(&confirm).contains("can't be undone"));
    assert_eq!(attempts(&pool).await, 1, "asking is not deleting");

    let response = jo.post(&format!("/quiz/attempts/{id}/delete"), &[]).await;
    assert_eq!(location(&response), "/quiz/history");
    assert_eq!(attempts(&pool).await, 0);
    assert_eq!(
        jo.get(&format!("/quiz/attempts/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, history) = jo.get_html("/quiz/history").await;
    assert!(visible_text(&history).contains("No attempts yet"));
    // With no attempt left, the quiz is open again.
    let (_, quiz) = jo.get_html("/quiz").await;
    assert!(quiz.contains(r#"name="q1""#));
}

/// A quiz submission doesn't wait for transactions that only point rows at the person (the
/// weekly digest queues everyone's email in one): they hold a key-share lock on the person's
/// row, which the submission's own lock must not conflict with.
#[sqlx::test]
async fn a_submission_does_not_wait_for_rows_being_added_about_the_person(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let ada = app.employee("ada@example.com").await;
    let mut other = pool.begin().await.unwrap();
    sqlx::query("SELECT 1 FROM people WHERE email = 'ada@example.com' FOR KEY SHARE")
        .execute(&mut *other)
        .await
        .unwrap();
    // Without the fix this waits until `other` ends, which it doesn't until after the check.
    let submitted = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        take_quiz(&ada, &[2; 16]),
    )
    .await;
    assert!(
        submitted.is_ok(),
        "the submission waited for the other transaction"
    );
    other.rollback().await.unwrap();
    assert_eq!(attempts(&pool).await, 1);
}
