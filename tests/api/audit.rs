//! The audit log: each administrative action is on record (who, what, which record, when,
//! from where), HR reads it with filters, pages and a CSV export, and the database refuses to
//! change or delete it.

use crate::common;

use std::collections::BTreeSet;

use attune::domain::people::Roles;
use common::{Browser, location, spawn_app, visible_text};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use sqlx::PgPool;
use uuid::Uuid;

async fn upload(browser: &Browser, path: &str, csv: &str) -> StatusCode {
    let form = Form::new().part(
        "file",
        Part::bytes(csv.as_bytes().to_vec())
            .file_name("upload.csv")
            .mime_str("text/csv")
            .unwrap(),
    );
    browser
        .client
        .post(browser.url(path))
        .header("origin", &browser.address)
        .header("sec-fetch-site", "same-origin")
        .multipart(form)
        .send()
        .await
        .unwrap()
        .status()
}

async fn actions_on_record(pool: &PgPool) -> BTreeSet<String> {
    sqlx::query_scalar("SELECT DISTINCT action FROM audit_log")
        .fetch_all(pool)
        .await
        .unwrap()
        .into_iter()
        .collect()
}

const RESOURCE: [(&str, &str); 6] = [
    ("title", "Listening lab"),
    ("kind", "exercise"),
    ("url", "https://example.com/lab"),
    ("description", "Listen first."),
    ("minutes", "15"),
    ("aspects", "emotion-comprehension"),
];

#[sqlx::test]
async fn each_administrative_action_is_on_record_with_who_and_from_where(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr_id = app
        .create_person(
            "hr@example.com",
            "Hana Ruiz",
            Roles {
                organizer: true,
                hr_admin: true,
            },
        )
        .await;
    let hr = app.browser();
    hr.sign_in("hr@example.com", common::PASSWORD).await;

    // People: added, edited (moved, roles), deactivated, reactivated, invited again, imported.
    let response = hr
        .post(
            "/admin/people",
            &[
                ("display_name", "Omar Said"),
                ("email", "omar@example.com"),
                ("department", "Finance"),
                ("office", "Leeds"),
                ("time_zone", "Europe/London"),
            ],
        )
        .await;
    assert!(response.status().is_success(), "{}", response.status());
    let omar: Uuid = sqlx::query_scalar("SELECT id FROM people WHERE email = 'omar@example.com'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let response = hr
        .post(
            &format!("/admin/people/{omar}"),
            &[
                ("display_name", "Omar Said"),
                ("email", "omar@example.com"),
                ("department", "Sales"),
                ("office", "Leeds"),
                ("time_zone", "Europe/London"),
                ("organizer", "on"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    for step in ["deactivate", "reactivate", "invitation"] {
        let response = hr.post(&format!("/admin/people/{omar}/{step}"), &[]).await;
        assert!(response.status().is_success() || response.status().is_redirection());
    }
    let csv = "email,name\nzoe@example.com,Zoe Lin\nyan@example.com,Yan Wu\n";
    assert_eq!(
        upload(&hr, "/admin/people/import", csv).await,
        StatusCode::OK
    );

    // Settings, the library, a story night, moderation.
    let response = hr
        .post(
            "/admin/settings",
            &[
                ("retake_interval_days", "30"),
                ("recognition_publishing", "approval"),
                ("recognition_weekly_limit", "5"),
                ("spotlight_per_department", "2"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = hr.post("/admin/resources", &RESOURCE).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let resource = location(&response);
    let mut edited = RESOURCE.to_vec();
    edited[0] = ("title", "Listening lab, revised");
    assert_eq!(
        hr.post(&resource, &edited).await.status(),
        StatusCode::SEE_OTHER
    );
    for step in ["archive", "restore"] {
        let response = hr.post(&format!("{resource}/{step}"), &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let library = "title,kind,url,description,minutes,aspects\n\
                   Imported read,article,https://example.com/read,A read.,5,emotion-comprehension\n";
    assert_eq!(
        upload(&hr, "/admin/resources/import", library).await,
        StatusCode::OK
    );
    let response = hr
        .post(
            "/events",
            &[
                ("title", "Autumn stories"),
                ("theme", "Second chances"),
                ("description", "True stories."),
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
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let nominator = app.employee("nina@example.com").await;
    let behaviour: Uuid = sqlx::query_scalar("SELECT id FROM recognition_behaviours LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::London)
        .format("%Y-%m-%d")
        .to_string();
    let response = nominator
        .post(
            "/recognition",
            &[
                ("recipient", &omar.to_string()),
                ("behaviours", &behaviour.to_string()),
                (
                    "story",
                    "Omar noticed a new colleague struggling with the close and sat with them \
                     for an hour, so they finished on time and felt welcome.",
                ),
                ("happened_on", &today),
                ("visibility", "wall"),
                ("submission_key", &Uuid::new_v4().to_string()),
            ],
        )
        .await;
    let status = response.status();
    let body = visible_text(&response.text().await.unwrap());
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let nomination: Uuid = sqlx::query_scalar("SELECT id FROM recognitions LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let response = hr
        .post(&format!("/admin/recognition/{nomination}/approve"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let expected: BTreeSet<String> = [
        "person_added",
        "person_moved",
        "roles_changed",
        "person_deactivated",
        "person_reactivated",
        "invitation_sent",
        "person_imported",
        "settings_changed",
        "resource_added",
        "resource_edited",
        "resource_archived",
        "resource_restored",
        "resources_imported",
        "event_published",
        "recognition_approved",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    let recorded = actions_on_record(&pool).await;
    let missing: Vec<_> = expected.difference(&recorded).collect();
    assert!(missing.is_empty(), "not on record: {missing:?}");

    // Every entry names HR and the address they acted from; the import has one per person.
    let (others, without_address): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE actor <> $1), count(*) FILTER (WHERE ip IS NULL)
         FROM audit_log",
    )
    .bind(hr_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((others, without_address), (0, 0));
    let imported: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'person_imported'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(imported, 2);
    let moved: String = sqlx::query_scalar(
        "SELECT details FROM audit_log WHERE action = 'person_moved' AND person = $1",
    )
    .bind(omar)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(moved, "from Finance, Leeds to Sales, Leeds");

    // HR reads it, filtered by action and by person, and downloads it (which is on record).
    let (status, page) = hr.get_html("/admin/audit?action=person_moved").await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&page);
    assert!(text.contains("Person moved"), "{text}");
    assert!(text.contains("from Finance, Leeds to Sales, Leeds"));
    assert!(text.contains("Hana Ruiz (hr@example.com)"));
    assert!(text.contains("127.0.0.1"));
    assert!(!text.contains("Listening lab"), "filtered by action");
    let (_, page) = hr.get_html("/admin/audit?person=zoe%40example.com").await;
    let text = visible_text(&page);
    assert!(text.contains("Zoe Lin"), "{text}");
    assert!(!text.contains("Omar Said"), "filtered by person");
    let (status, page) = hr.get_html("/admin/audit?from=someday").await;
    assert_eq!(status, StatusCode::OK);
    assert!(visible_text(&page).contains("Enter a date like"));

    let response = hr
        .post("/admin/audit/export", &[("action", "resource_added")])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = response.text().await.unwrap();
    assert!(csv.starts_with("when_utc,who,action,record,person,address,details"));
    assert!(csv.contains("Resource added") && csv.contains("Listening lab"));
    assert!(!csv.contains("Person moved"));
    assert!(
        actions_on_record(&pool)
            .await
            .contains("audit_log_exported")
    );
}

#[sqlx::test]
async fn the_log_pages_through_older_entries(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    sqlx::query(
        "INSERT INTO audit_log (action, record_kind, details)
         SELECT 'settings_changed', 'settings', 'change ' || n FROM generate_series(1, 60) AS n",
    )
    .execute(&pool)
    .await
    .unwrap();
    let (_, first) = hr.get_html("/admin/audit").await;
    let text = visible_text(&first);
    assert!(text.contains("change 60") && text.contains("change 11"));
    assert!(!text.contains("change 10 "), "{text}");
    let older = common::find_link(&first, "/admin/audit?before=").expect("an older page");
    let (_, second) = hr.get_html(&older.replace("&amp;", "&")).await;
    let text = visible_text(&second);
    assert!(text.contains("change 10") && text.contains("change 1"));
    assert!(!text.contains("change 11"));
    assert!(common::find_link(&second, "/admin/audit?before=").is_none());
}

#[sqlx::test]
async fn the_database_refuses_to_change_or_delete_the_audit_log(pool: PgPool) {
    sqlx::query(
        "INSERT INTO audit_log (action, record_kind) VALUES ('settings_changed', 'settings')",
    )
    .execute(&pool)
    .await
    .unwrap();
    for statement in [
        "UPDATE audit_log SET details = 'rewritten'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let err = sqlx::query(statement).execute(&pool).await.unwrap_err();
        assert!(
            err.to_string().contains("append-only"),
            "{statement}: {err}"
        );
    }
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 1);

    // Only the retention job's transaction, with the setting on, may delete.
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("SET LOCAL attune.retention = 'on'")
        .execute(&mut *tx)
        .await
        .unwrap();
    let deleted = sqlx::query("DELETE FROM audit_log")
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(deleted.rows_affected(), 1);
    tx.commit().await.unwrap();
    // And the setting ends with that transaction.
    sqlx::query(
        "INSERT INTO audit_log (action, record_kind) VALUES ('settings_changed', 'settings')",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert!(
        sqlx::query("DELETE FROM audit_log")
            .execute(&pool)
            .await
            .is_err()
    );
}
