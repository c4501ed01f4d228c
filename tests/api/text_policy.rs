//! One text policy for every form: hostile values (NUL, ESC, BEL, 100,000 characters) are
//! refused next to the field with 422, and bidirectional overrides never reach the database.

use crate::common;

use common::spawn_app;
use reqwest::StatusCode;
use sqlx::PgPool;

/// Each form with a valid base and the text fields to attack.
struct FormCase {
    path: &'static str,
    base: Vec<(&'static str, &'static str)>,
    fields: Vec<&'static str>,
}

fn forms() -> Vec<FormCase> {
    vec![
        FormCase {
            path: "/admin/people",
            base: vec![
                ("display_name", "Hostile Test"),
                ("email", "hostile@example.com"),
                ("department", "Finance"),
                ("office", "Leeds"),
                ("time_zone", "Europe/London"),
            ],
            fields: vec!["display_name", "department", "office"],
        },
        FormCase {
            path: "/admin/resources",
            base: vec![
                ("title", "Hostile resource"),
                ("kind", "exercise"),
                ("url", "https://example.com/practice"),
                ("description", "Listen first.\n\nThen ask."),
                ("minutes", "15"),
                ("aspects", "emotion-comprehension"),
                ("departments", "Finance, Sales"),
                ("offices", "Leeds"),
                ("event_time_zone", "UTC"),
            ],
            fields: vec!["title", "description", "departments", "offices"],
        },
        FormCase {
            path: "/events",
            base: vec![
                ("title", "Hostile night"),
                ("theme", "Second chances"),
                ("description", "Five true stories."),
                ("starts_at", "2030-07-02T19:00"),
                ("ends_at", "2030-07-02T21:00"),
                ("time_zone", "Europe/London"),
                ("office", "London"),
                ("room", "The Atrium"),
                ("video_url", ""),
                ("capacity", "40"),
                ("storyteller_slots", "2"),
                ("minutes_per_story", "8"),
                ("pitch_deadline", "2030-06-25T17:00"),
                ("action", "draft"),
            ],
            fields: vec!["title", "theme", "description", "office", "room"],
        },
        FormCase {
            path: "/admin/recognition/behaviours",
            base: vec![("label", "Listened before answering")],
            fields: vec!["label"],
        },
    ]
}

fn with(base: &[(&'static str, &'static str)], field: &str, value: &str) -> Vec<(String, String)> {
    base.iter()
        .map(|(k, v)| {
            let v = if *k == field { value } else { v };
            (k.to_string(), v.to_string())
        })
        .collect()
}

#[sqlx::test]
async fn every_form_refuses_control_characters_and_huge_values_and_drops_bidi_overrides(
    pool: PgPool,
) {
    let app = spawn_app(pool.clone()).await;
    let hr = app
        .signed_in(
            "hr@example.com",
            attune::domain::people::Roles {
                organizer: true,
                hr_admin: true,
            },
        )
        .await;
    let huge = "x".repeat(100_000);
    let hostile = [
        ("NUL", "Before\0after"),
        ("ESC", "Red \u{1b}[31malert"),
        ("BEL", "Ding\u{7}dong"),
        ("100,000 characters", huge.as_str()),
    ];
    for case in forms() {
        for field in &case.fields {
            for (name, value) in hostile {
                let form = with(&case.base, field, value);
                let pairs: Vec<(&str, &str)> =
                    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let (status, html) = hr.post_html(case.path, &pairs).await;
                assert_eq!(
                    status,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "{} {field}: {name}",
                    case.path
                );
                assert!(
                    html.contains(&format!("href=\"#f-{field}\"")),
                    "{} {field}: {name} is pointed out next to the field",
                    case.path
                );
            }
        }
        // A right-to-left override in every field at once: accepted, and stored without it.
        let mut form: Vec<(String, String)> = case
            .base
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        for (key, value) in form.iter_mut() {
            if case.fields.contains(&key.as_str()) {
                *value = format!("{value}\u{202E}gnp.exe\u{2066}");
            }
        }
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let response = hr.post(case.path, &pairs).await;
        assert!(
            response.status().is_redirection() || response.status().is_success(),
            "{}: {}",
            case.path,
            response.status()
        );
    }

    // No text column anywhere holds a bidi override or isolate.
    let columns: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns
         WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'ARRAY')
           AND table_name NOT LIKE '\\_sqlx%'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut checked = 0;
    for (table, column) in columns {
        let found: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM \"{table}\" WHERE \"{column}\"::text ~ '[\\u202A-\\u202E\\u2066-\\u2069]'"
        ))
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(found, 0, "{table}.{column} holds a bidi control");
        checked += 1;
    }
    assert!(checked > 10);
    let stored: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM resources WHERE title = 'Hostile resourcegnp.exe'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(stored, 1, "the resource was saved, without the override");
}
