//! Your data: sensitive actions ask who you are again after ten minutes, "Download my data"
//! holds everything of the person's and nothing of anyone else's, erasure leaves no row that
//! names the person (checked over every table, so tables added later are covered too), and
//! the retention job deletes what is older than HR's settings, once across replicas.

use crate::common;

use attune::domain::events::{EventInput, EventStatus, PitchInput};
use attune::domain::people::Roles;
use chrono::{DateTime, Utc};
use common::{Browser, TestApp, location, spawn_app, visible_text};
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

const ADA: &str = "Ada Lindqvist";
const ADA_EMAIL: &str = "ada.lindqvist@example.com";

/// Makes every session of the person look signed in an hour ago.
async fn age_sessions(pool: &PgPool, person: Uuid) {
    sqlx::query(
        "UPDATE sessions SET data = jsonb_set(data, '{auth,signed_in_at}', \
         to_jsonb(extract(epoch FROM now())::bigint - 3600)) WHERE person_id = $1",
    )
    .bind(person)
    .execute(pool)
    .await
    .unwrap();
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

async fn signed_in_as(app: &TestApp, email: &str) -> Browser {
    let browser = app.browser();
    let response = browser.sign_in(email, common::PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{email} signs in");
    browser
}

fn at(raw: &str) -> DateTime<Utc> {
    raw.parse().unwrap()
}

/// A published story night in 2030 with `capacity` seats.
async fn story_night(pool: &PgPool, title: &str, capacity: i32, organizer: Uuid) -> Uuid {
    let input = EventInput {
        title: title.into(),
        theme: String::new(),
        description: String::new(),
        starts_at: at("2030-07-02T18:00:00Z"),
        ends_at: at("2030-07-02T20:00:00Z"),
        time_zone: chrono_tz::Tz::Europe__London,
        office: "London".into(),
        room: String::new(),
        video_url: String::new(),
        capacity: Some(capacity),
        storyteller_slots: 2,
        minutes_per_story: 8,
        pitch_deadline: at("2030-06-25T16:00:00Z"),
    };
    attune::db::events::insert(pool, &input, EventStatus::Published, organizer)
        .await
        .unwrap()
}

async fn rsvp(pool: &PgPool, event: Uuid, person: Uuid, status: &str) {
    sqlx::query("INSERT INTO event_rsvps (event_id, person_id, status) VALUES ($1, $2, $3)")
        .bind(event)
        .bind(person)
        .bind(status)
        .execute(pool)
        .await
        .unwrap();
}

/// A published recognition (with one behaviour), as the wall shows it.
async fn recognise(pool: &PgPool, from: Uuid, to: Uuid, story: &str, visibility: &str) -> Uuid {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO recognitions (id, nominator_id, recipient_id, story, happened_on, visibility, \
         status, nominator_department, nominator_office, recipient_department, recipient_office, \
         submission_key) VALUES ($1, $2, $3, $4, current_date, $5, 'published', '', '', '', '', \
         gen_random_uuid())",
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(story)
    .bind(visibility)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO recognition_behaviour_links (recognition_id, behaviour_id, nominator_id, \
         recipient_id, created_at, window_ends_at) SELECT $1, id, $2, $3, now(), \
         now() + interval '24 hours' FROM recognition_behaviours ORDER BY position LIMIT 1",
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .execute(pool)
    .await
    .unwrap();
    id
}

async fn notify(pool: &PgPool, person: Uuid, text: &str) {
    sqlx::query(
        "INSERT INTO notifications (id, person_id, kind, text) VALUES (gen_random_uuid(), $1, 'recognised', $2)",
    )
    .bind(person)
    .bind(text)
    .execute(pool)
    .await
    .unwrap();
}

/// Ada, with something in every area; Bea and Cy, with things of their own. Returns the ids
/// (Ada, Bea, Cy) and Ada's signed-in browser.
struct World {
    ada: Uuid,
    bea: Uuid,
    cy: Uuid,
    browser: Browser,
    full_night: Uuid,
}

async fn world(app: &TestApp) -> World {
    let pool = &app.pool;
    let ada = app.create_person(ADA_EMAIL, ADA, Roles::default()).await;
    let bea = app
        .create_person("bea@example.com", "Bea Okafor", Roles::default())
        .await;
    let cy = app
        .create_person("cy@example.com", "Cy Marsh", Roles::default())
        .await;
    let browser = signed_in_as(app, ADA_EMAIL).await;
    common::take_quiz(&browser, &[4, 3, 2, 1, 0, 4, 3, 2, 1, 0, 4, 3, 2, 1, 0, 4]).await;
    let cy_browser = signed_in_as(app, "cy@example.com").await;
    common::take_quiz(&cy_browser, &[1; 16]).await;

    // Plan, story nights (a seat, a pitch with a note from Bea), recognitions both ways.
    sqlx::query(
        "INSERT INTO plan_items (person_id, resource_id, status) VALUES \
         ($1, '7a0f1c2e-0001-4000-8000-000000000001', 'saved')",
    )
    .bind(ada)
    .execute(pool)
    .await
    .unwrap();
    let night = story_night(pool, "Evening of small kindnesses", 20, cy).await;
    rsvp(pool, night, ada, "going").await;
    let story = PitchInput {
        title: "The lift that stopped".into(),
        summary: "Ada's story about a stuck lift and a stranger's calm.".into(),
        minutes: 6,
        content_note: String::new(),
        recording_consent: true,
    };
    let pitch = attune::db::events::save_pitch(pool, night, ada, &story)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO event_resonance_notes (id, pitch_id, author_id, body) \
         VALUES (gen_random_uuid(), $1, $2, 'Your lift story stayed with me all week.')",
    )
    .bind(pitch)
    .bind(bea)
    .execute(pool)
    .await
    .unwrap();
    let full_night = story_night(pool, "One seat only", 1, cy).await;
    rsvp(pool, full_night, ada, "going").await;
    rsvp(pool, full_night, cy, "waitlisted").await;

    recognise(
        pool,
        ada,
        bea,
        "Bea stayed late to walk the new starter through the release checklist, calmly and kindly.",
        "wall",
    )
    .await;
    recognise(
        pool,
        bea,
        ada,
        "Ada noticed I was overwhelmed in the planning meeting and quietly offered to take notes.",
        "private",
    )
    .await;
    // Someone else's private words, which Ada must never see, and which mention her.
    recognise(
        pool,
        bea,
        cy,
        "Cy kept the retro kind when it got tense, just like Ada Lindqvist taught us to do it.",
        "private",
    )
    .await;
    notify(
        pool,
        ada,
        "Bea Okafor recognised you. Read what they wrote.",
    )
    .await;
    notify(
        pool,
        bea,
        "Ada Lindqvist recognised you. Read what they wrote.",
    )
    .await;
    sqlx::query(
        "INSERT INTO outbox (id, kind, person_id, to_address, subject, text_body, html_body) \
         VALUES (gen_random_uuid(), 'recognised', $1, 'bea@example.com', \
         'Ada Lindqvist recognised you', 'Hello Bea, Ada Lindqvist recognised you.', \
         '<p>Hello Bea, Ada Lindqvist recognised you.</p>')",
    )
    .bind(bea)
    .execute(pool)
    .await
    .unwrap();
    // Practice: Ada's private journal and a role story she sent HR; Cy's journal too.
    for (person, what) in [
        (
            ada,
            "Asked Bea how she was really doing and listened to the whole answer.",
        ),
        (cy, "Cy's own private entry about a hard week."),
    ] {
        sqlx::query(
            "INSERT INTO practice_journal (id, person_id, happened_on, what) \
             VALUES (gen_random_uuid(), $1, current_date, $2)",
        )
        .bind(person)
        .bind(what)
        .execute(pool)
        .await
        .unwrap();
    }
    sqlx::query(
        "INSERT INTO practice_role_stories (id, person_id, title, body, named) \
         VALUES (gen_random_uuid(), $1, 'What you don''t see in payroll', \
         'Every month-end I check four hundred payslips by hand.', false)",
    )
    .bind(ada)
    .execute(pool)
    .await
    .unwrap();
    World {
        ada,
        bea,
        cy,
        browser,
        full_night,
    }
}

// --- Confirming it's you ------------------------------------------------------------------

#[sqlx::test]
async fn a_stale_session_confirms_with_the_password_before_downloading(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let ada = app.create_person(ADA_EMAIL, ADA, Roles::default()).await;
    let browser = signed_in_as(&app, ADA_EMAIL).await;
    age_sessions(&pool, ada).await;

    let response = browser
        .client
        .post(browser.url("/account/data"))
        .header("origin", &browser.address)
        .header("sec-fetch-site", "same-origin")
        .header("referer", browser.url("/account/data"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        "/account/confirm?next=%2Faccount%2Fdata"
    );
    let exports = "SELECT count(*) FROM audit_log WHERE action = 'personal_data_exported'";
    assert_eq!(count(&pool, exports).await, 0, "nothing was exported");

    let (status, html) = browser
        .get_html("/account/confirm?next=%2Faccount%2Fdata")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(visible_text(&html).contains("Confirm it's you"));

    let wrong = [
        ("password", "not my password at all"),
        ("next", "/account/data"),
    ];
    let (status, html) = browser.post_html("/account/confirm", &wrong).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("That isn't your password"));
    assert_eq!(
        browser.post("/account/data", &[]).await.status(),
        StatusCode::SEE_OTHER,
        "still not confirmed"
    );

    // An outside address is never where confirming leads.
    let outside = [("password", common::PASSWORD), ("next", "//evil.example/")];
    let response = browser.post("/account/confirm", &outside).await;
    assert_eq!(location(&response), "/");

    let response = browser.post("/account/data", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/zip");
    assert_eq!(count(&pool, exports).await, 1, "the export is on record");
}

#[sqlx::test]
async fn a_role_change_in_a_stale_session_is_not_made_until_hr_confirms(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr_roles = Roles {
        organizer: false,
        hr_admin: true,
    };
    let hr = app
        .create_person("hr@example.com", "Hana Ruiz", hr_roles)
        .await;
    let omar = app
        .create_person("omar@example.com", "Omar Said", Roles::default())
        .await;
    let browser = signed_in_as(&app, "hr@example.com").await;
    age_sessions(&pool, hr).await;
    let form = [
        ("display_name", "Omar Said"),
        ("email", "omar@example.com"),
        ("department", ""),
        ("office", ""),
        ("time_zone", "Europe/London"),
        ("hr_admin", "on"),
    ];
    let path = format!("/admin/people/{omar}");
    let response = browser.post(&path, &form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/account/confirm?next=%2Fadmin%2Fpeople%2F"));
    let is_hr = format!("SELECT count(*) FROM people WHERE id = '{omar}' AND is_hr_admin");
    assert_eq!(count(&pool, &is_hr).await, 0, "the role was not given");
    // Nor to someone new.
    let mut new_hr = form;
    new_hr[0] = ("display_name", "Nia Hale");
    new_hr[1] = ("email", "nia@example.com");
    let response = browser.post("/admin/people", &new_hr).await;
    assert_eq!(
        location(&response),
        "/account/confirm?next=%2Fadmin%2Fpeople%2Fnew"
    );
    let added = "SELECT count(*) FROM people WHERE email = 'nia@example.com'";
    assert_eq!(count(&pool, added).await, 0);

    // Editing details alone is not sensitive.
    let mut renamed = form;
    renamed[0] = ("display_name", "Omar S. Said");
    renamed[5] = ("hr_admin", "");
    let response = browser.post(&path, &renamed).await;
    assert_eq!(location(&response), path);

    let confirm = [("password", common::PASSWORD), ("next", path.as_str())];
    let response = browser.post("/account/confirm", &confirm).await;
    assert_eq!(location(&response), path, "back where HR was");
    let response = browser.post(&path, &form).await;
    assert_eq!(location(&response), path);
    assert_eq!(count(&pool, &is_hr).await, 1, "now the role is given");
}

#[sqlx::test]
async fn hr_exports_of_personal_data_ask_to_confirm_in_a_stale_session(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let roles = Roles {
        organizer: false,
        hr_admin: true,
    };
    let hr = app
        .create_person("hr@example.com", "Hana Ruiz", roles)
        .await;
    let browser = signed_in_as(&app, "hr@example.com").await;
    age_sessions(&pool, hr).await;
    // The recognitions export is a form on its own page; without a Referer the person comes
    // back to their account page after confirming.
    let export = "/admin/recognition/export.csv";
    let range = [("from", "2026-01-01"), ("to", "2026-02-01")];
    let response = browser.post(export, &range).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/account/confirm?next=%2Faccount");
    let recognitions = "SELECT count(*) FROM audit_log WHERE action = 'recognitions_exported'";
    assert_eq!(count(&pool, recognitions).await, 0, "nothing went out");
    let response = browser.post("/admin/audit/export", &[]).await;
    assert!(location(&response).starts_with("/account/confirm?next="));
    let exported = "SELECT count(*) FROM audit_log WHERE action = 'audit_log_exported'";
    assert_eq!(count(&pool, exported).await, 0);

    let page = "/admin/recognition/export";
    let confirm = [("password", common::PASSWORD), ("next", page)];
    let response = browser.post("/account/confirm", &confirm).await;
    assert_eq!(location(&response), page);
    let response = browser.post(export, &range).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        count(&pool, recognitions).await,
        1,
        "the export is on record"
    );
    assert_eq!(
        browser.post("/admin/audit/export", &[]).await.status(),
        StatusCode::OK
    );
    assert_eq!(count(&pool, exported).await, 1);
}

// --- Download my data ---------------------------------------------------------------------

/// The archive's files by name.
async fn unzip(bytes: Vec<u8>) -> std::collections::BTreeMap<String, String> {
    let reader = async_zip::base::read::mem::ZipFileReader::new(bytes)
        .await
        .expect("a valid zip archive");
    let mut files = std::collections::BTreeMap::new();
    for index in 0..reader.file().entries().len() {
        let mut entry = reader.reader_with_entry(index).await.unwrap();
        let name = entry.entry().filename().as_str().unwrap().to_string();
        let mut text = String::new();
        entry
            .read_to_string_checked(&mut text)
            .await
            .expect("each file reads back whole (CRC checked)");
        files.insert(name, text);
    }
    files
}

async fn download(browser: &Browser) -> std::collections::BTreeMap<String, String> {
    let response = browser.post("/account/data", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"attune-my-data-")
    );
    unzip(response.bytes().await.unwrap().to_vec()).await
}

#[sqlx::test]
async fn download_my_data_holds_everything_of_mine_and_nothing_of_anyone_elses(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let w = world(&app).await;
    let files = download(&w.browser).await;

    // Every section is there as JSON, and as CSV when it has rows, with an index.
    for section in attune::db::privacy::export::SECTIONS {
        let json = &files[&format!("json/{}.json", section.name)];
        let rows: Vec<serde_json::Value> = serde_json::from_str(json).expect("valid JSON");
        assert_eq!(
            files.contains_key(&format!("csv/{}.csv", section.name)),
            !rows.is_empty(),
            "{}",
            section.name
        );
        assert!(
            files["index.html"].contains(section.title),
            "{}",
            section.name
        );
    }
    let rows = |name: &str| -> Vec<serde_json::Value> {
        serde_json::from_str(&files[&format!("json/{name}.json")]).unwrap()
    };
    assert_eq!(rows("profile")[0]["email"], ADA_EMAIL);
    assert_eq!(rows("profile")[0]["name"], ADA);
    let groups = rows("groups");
    assert_eq!(groups.len(), 1, "Ada hasn't moved");
    assert_eq!(groups[0]["moved_out_at"], serde_json::Value::Null);
    let attempts = rows("quiz_attempts");
    assert_eq!(attempts.len(), 1, "only Ada's attempt, not Cy's");
    assert_eq!(
        attempts[0]["answers"],
        serde_json::json!([4, 3, 2, 1, 0, 4, 3, 2, 1, 0, 4, 3, 2, 1, 0, 4])
    );
    assert_eq!(rows("plan").len(), 1);
    assert_eq!(rows("rsvps").len(), 2);
    assert_eq!(rows("pitches")[0]["title"], "The lift that stopped");
    assert_eq!(
        rows("notes_received")[0]["note"],
        "Your lift story stayed with me all week."
    );
    let received = rows("recognitions_received");
    assert_eq!(received.len(), 1);
    assert_eq!(received[0]["recognised_by"], "Bea Okafor");
    assert_eq!(received[0]["visibility"], "private");
    let given = rows("recognitions_given");
    assert_eq!(given.len(), 1);
    assert_eq!(given[0]["recipient"], "Bea Okafor");
    assert_eq!(rows("notifications").len(), 1);
    assert!(
        rows("sign_in_history")
            .iter()
            .any(|row| row["succeeded"] == true)
    );
    assert_eq!(rows("sessions").len(), 1);
    assert!(
        !files["json/sessions.json"].contains("_key"),
        "session ids stay secret"
    );

    let journal = rows("journal");
    assert_eq!(journal.len(), 1, "only Ada's journal");
    assert!(
        journal[0]["what_happened"]
            .as_str()
            .unwrap()
            .starts_with("Asked Bea how she was really doing")
    );
    assert_eq!(
        rows("role_stories")[0]["title"],
        "What you don't see in payroll"
    );

    // Nothing of anyone else's: Bea's private words to Cy, Cy's answers, Bea's notification.
    let everything: String = files.values().cloned().collect();
    assert!(!everything.contains("Cy's own private entry"));
    assert!(!everything.contains("Cy kept the retro kind"));
    assert!(!everything.contains("[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]"));
    assert!(!everything.contains("Ada Lindqvist recognised you"));
    assert!(!everything.contains("password_hash") && !everything.contains("$argon2"));

    // The CSV reads in a spreadsheet, and the download is on record without its contents.
    let csv = &files["csv/quiz_attempts.csv"];
    assert!(csv.starts_with("id,taken_at,instrument_version,answers,total,"));
    assert!(csv.contains("4; 3; 2; 1; 0"));
    let entry: (Option<Uuid>, Option<Uuid>, String) = sqlx::query_as(
        "SELECT actor, person, details FROM audit_log WHERE action = 'personal_data_exported'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(entry, (Some(w.ada), Some(w.ada), String::new()));
}

#[sqlx::test]
async fn a_large_export_is_read_in_pages_and_arrives_whole(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let ada = app.create_person(ADA_EMAIL, ADA, Roles::default()).await;
    let browser = signed_in_as(&app, ADA_EMAIL).await;
    // Three pages of notifications (500 a page), all at the same moment: the keyset's tie
    // breaker keeps every one exactly once.
    sqlx::query(
        "INSERT INTO notifications (id, person_id, kind, text, created_at) \
         SELECT gen_random_uuid(), $1, 'recognised', 'Notification number ' || n, \
         '2026-11-01T10:00:00Z' FROM generate_series(1, 1234) n",
    )
    .bind(ada)
    .execute(&pool)
    .await
    .unwrap();
    let files = download(&browser).await;
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(&files["json/notifications.json"]).unwrap();
    assert_eq!(rows.len(), 1234);
    let distinct: std::collections::BTreeSet<String> =
        rows.iter().map(|r| r["text"].to_string()).collect();
    assert_eq!(distinct.len(), 1234);
    assert_eq!(files["csv/notifications.csv"].lines().count(), 1235);
}

// --- Erasure ------------------------------------------------------------------------------

/// Every place in the database that still names the person: any uuid column (which covers
/// every foreign key to people(id), and copies of ids without one) holding their id, and any
/// text, JSON or array column whose text contains their id, name or email. Read from
/// information_schema, so tables added later are checked too.
async fn places_naming(pool: &PgPool, id: Uuid, name: &str, email: &str) -> Vec<String> {
    let fk_columns: Vec<(String, String)> = sqlx::query_as(
        "SELECT k.table_name::text, k.column_name::text \
         FROM information_schema.referential_constraints r \
         JOIN information_schema.key_column_usage k ON k.constraint_name = r.constraint_name \
         JOIN information_schema.constraint_column_usage u \
              ON u.constraint_name = r.unique_constraint_name \
         WHERE u.table_name = 'people' AND u.column_name = 'id' AND k.table_schema = 'public'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(
        fk_columns.len() >= 15,
        "the walk sees the foreign keys to people: {fk_columns:?}"
    );
    let columns: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text \
         FROM information_schema.columns c JOIN information_schema.tables t \
              ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' \
           AND c.table_name NOT LIKE '\\_sqlx%' \
           AND c.data_type IN ('uuid', 'text', 'character varying', 'character', 'json', \
                               'jsonb', 'ARRAY', 'inet')",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for fk in &fk_columns {
        assert!(
            columns.iter().any(|(t, c, _)| (t, c) == (&fk.0, &fk.1)),
            "{fk:?} is walked"
        );
    }
    let mut found = Vec::new();
    for (table, column, kind) in columns {
        let (condition, needles): (&str, Vec<String>) = if kind == "uuid" {
            ("{column} = $1::uuid", vec![id.to_string()])
        } else {
            (
                "strpos(lower({column}::text), lower($1)) > 0",
                vec![id.to_string(), name.to_string(), email.to_string()],
            )
        };
        for needle in needles {
            let sql = format!(
                "SELECT count(*) FROM {table} WHERE {}",
                condition.replace("{column}", &format!("\"{column}\""))
            );
            let n: i64 = sqlx::query_scalar(&sql)
                .bind(&needle)
                .fetch_one(pool)
                .await
                .unwrap();
            if n > 0 {
                found.push(format!("{table}.{column} holds {needle} ({n} rows)"));
            }
        }
    }
    found
}

#[sqlx::test]
async fn deleting_my_account_leaves_no_row_that_names_me(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let w = world(&app).await;
    let hr = app.hr_admin("hr@example.com").await;
    // HR's actions about Ada are on record, with her id.
    let path = format!("/admin/people/{}", w.ada);
    let form = [
        ("display_name", ADA),
        ("email", ADA_EMAIL),
        ("department", "Support"),
        ("office", "Leeds"),
        ("time_zone", "Europe/London"),
    ];
    assert_eq!(location(&hr.post(&path, &form).await), path);
    assert!(!places_naming(&pool, w.ada, ADA, ADA_EMAIL).await.is_empty());

    let (status, html) = w.browser.get_html("/account/delete").await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&html);
    assert!(text.contains("Quiz answers and results"));
    assert!(text.contains("a former colleague"));

    // The password is asked for every time.
    let (status, _) = w
        .browser
        .post_html("/account/delete", &[("password", "")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = w
        .browser
        .post_html("/account/delete", &[("password", "guess guess guess")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        count(
            &pool,
            &format!("SELECT count(*) FROM people WHERE id = '{}'", w.ada)
        )
        .await,
        1
    );

    let response = w
        .browser
        .post("/account/delete", &[("password", common::PASSWORD)])
        .await;
    assert_eq!(location(&response), "/login");
    let (_, html) = w.browser.get_html("/login").await;
    assert!(visible_text(&html).contains("Your account has been deleted"));
    assert_eq!(
        w.browser.get("/account").await.status(),
        StatusCode::SEE_OTHER,
        "signed out"
    );

    let left = places_naming(&pool, w.ada, ADA, ADA_EMAIL).await;
    assert!(
        left.is_empty(),
        "rows still naming Ada:\n{}",
        left.join("\n")
    );

    // Her seat went to Cy, who was waiting; her recognition of Bea stays, from a former
    // colleague; Bea's notification about it no longer names her.
    let cy_going = format!(
        "SELECT count(*) FROM event_rsvps WHERE event_id = '{}' AND person_id = '{}' AND status = 'going'",
        w.full_night, w.cy
    );
    assert_eq!(count(&pool, &cy_going).await, 1);
    let bea = signed_in_as(&app, "bea@example.com").await;
    let (_, wall) = bea.get_html("/recognition").await;
    let wall = visible_text(&wall);
    assert!(
        wall.contains("A former colleague recognised Bea Okafor"),
        "{wall}"
    );
    let (_, notes) = bea.get_html("/notifications").await;
    assert!(visible_text(&notes).contains("a former colleague recognised you"));
    // What was already worked out for groups is untouched; the erasure itself is on record.
    let erased: (Option<Uuid>, Option<Uuid>, String) = sqlx::query_as(
        "SELECT actor, person, details FROM audit_log WHERE action = 'person_erased'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(erased.0, erased.1, "the reference stands for the person");
    assert_ne!(erased.1, Some(w.ada));
    assert_eq!(erased.2, "at their own request");
    let moved_by_hr: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'person_moved' AND person = $1",
    )
    .bind(erased.1)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(moved_by_hr, 1, "HR's action is kept, under the reference");
    let _ = w.bea;
}

#[sqlx::test]
async fn hr_erases_a_leaver_and_the_record_does_not_name_them(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let w = world(&app).await;
    sqlx::query("UPDATE program_settings SET erasure_given_recognitions = 'remove'")
        .execute(&pool)
        .await
        .unwrap();
    let hr = app.hr_admin("hr@example.com").await;
    let path = format!("/admin/people/{}/erase", w.ada);
    let (status, html) = hr.get_html(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(visible_text(&html).contains("deleted, from the wall"));

    let (status, html) = hr.post_html(&path, &[]).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "must tick the box"
    );
    assert!(visible_text(&html).contains("can't be undone"));

    let response = hr.post(&path, &[("understood", "yes")]).await;
    assert_eq!(location(&response), "/admin/people");
    let (_, html) = hr.get_html("/admin/people").await;
    let text = visible_text(&html);
    assert!(text.contains("The account has been erased"));
    assert!(!text.contains(ADA));

    let left = places_naming(&pool, w.ada, ADA, ADA_EMAIL).await;
    assert!(
        left.is_empty(),
        "rows still naming Ada:\n{}",
        left.join("\n")
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM recognitions WHERE nominator_id IS NULL"
        )
        .await,
        0,
        "with 'remove', her recognition of Bea went too"
    );
    let erased: (Uuid, String) =
        sqlx::query_as("SELECT actor, details FROM audit_log WHERE action = 'person_erased'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(erased.1, "at HR's request");
    assert_ne!(erased.0, w.ada);
    assert_eq!(hr.get(&path).await.status(), StatusCode::NOT_FOUND, "gone");
    // Erasure opened the audit log for its own transaction only: it is append-only again.
    let refused = sqlx::query("UPDATE audit_log SET details = 'rewritten'")
        .execute(&pool)
        .await;
    assert!(refused.is_err(), "the audit log still refuses changes");
}

#[sqlx::test]
async fn the_only_hr_admin_cannot_be_erased_and_hr_cannot_erase_themselves_here(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let roles = Roles {
        organizer: false,
        hr_admin: true,
    };
    let hr = app
        .create_person("hr@example.com", "Hana Ruiz", roles)
        .await;
    let browser = signed_in_as(&app, "hr@example.com").await;
    let (status, html) = browser
        .post_html("/account/delete", &[("password", common::PASSWORD)])
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(visible_text(&html).contains("only HR admin"));
    let own = format!("/admin/people/{hr}/erase");
    assert_eq!(browser.get(&own).await.status(), StatusCode::CONFLICT);
    assert_eq!(count(&pool, "SELECT count(*) FROM people").await, 1);
}

// --- Retention ----------------------------------------------------------------------------

#[sqlx::test]
async fn retention_deletes_what_is_older_than_the_settings_once_across_replicas(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let ada = app.create_person(ADA_EMAIL, ADA, Roles::default()).await;
    let old = app
        .create_person("old@example.com", "Olive Gone", Roles::default())
        .await;
    let recent = app
        .create_person("recent@example.com", "Rita Recent", Roles::default())
        .await;
    sqlx::query("UPDATE people SET active = false WHERE id = ANY($1)")
        .bind(vec![old, recent])
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE people SET deactivated_at = now() - interval '400 days' WHERE id = $1")
        .bind(old)
        .execute(&pool)
        .await
        .unwrap();
    for (days, text) in [(200, "old news"), (10, "fresh news")] {
        sqlx::query(
            "INSERT INTO notifications (id, person_id, kind, text, created_at) \
             VALUES (gen_random_uuid(), $1, 'recognised', $2, now() - make_interval(days => $3))",
        )
        .bind(ada)
        .bind(text)
        .bind(days)
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO sign_in_attempts (email, succeeded, at) \
             VALUES ($1, true, now() - make_interval(days => $2))",
        )
        .bind(ADA_EMAIL)
        .bind(days / 5)
        .execute(&pool)
        .await
        .unwrap();
    }

    // Two replicas at the same moment: one does the day's run.
    let config = common::config_for(&app.address, None, None);
    let now = Utc::now();
    let (a, b) = tokio::join!(
        attune::app::privacy::run_retention(&pool, &config, now),
        attune::app::privacy::run_retention(&pool, &config, now)
    );
    let runs: Vec<_> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
    assert_eq!(runs.len(), 1, "one run per day");
    assert_eq!(runs[0].erased_accounts, 1);
    assert_eq!(runs[0].notifications, 1);
    assert_eq!(
        runs[0].sign_in_attempts, 1,
        "40 days old, past the default 30"
    );

    let texts: Vec<String> = sqlx::query_scalar("SELECT text FROM notifications")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(texts, vec!["fresh news".to_string()]);
    let people: Vec<String> =
        sqlx::query_scalar("SELECT display_name FROM people ORDER BY display_name")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(people, vec![ADA.to_string(), "Rita Recent".to_string()]);
    assert!(
        places_naming(&pool, old, "Olive Gone", "old@example.com")
            .await
            .is_empty()
    );
    let details: String = sqlx::query_scalar(
        "SELECT details FROM audit_log WHERE action = 'retention_run' AND actor IS NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        details.contains("erased 1 deactivated account"),
        "{details}"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_log WHERE action = 'person_erased'"
        )
        .await,
        1
    );
    // The next day's run does it again (and finds nothing more).
    let tomorrow = now + chrono::Duration::days(1);
    let next = attune::app::privacy::run_retention(&pool, &config, tomorrow)
        .await
        .unwrap()
        .expect("a new day, a new run");
    assert_eq!(next.erased_accounts, 0);
}

#[sqlx::test]
async fn hr_sets_retention_within_bounds_and_the_change_is_on_record(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    let (status, html) = hr.get_html("/admin/privacy").await;
    assert_eq!(status, StatusCode::OK);
    assert!(visible_text(&html).contains("Deactivated accounts (days)"));

    let bad = [
        ("given_recognitions", "keep"),
        ("sign_in_days", "3"),
        ("notifications_days", "lots"),
        ("sent_mail_days", "30"),
        ("deactivated_days", "365"),
    ];
    let (status, html) = hr.post_html("/admin/privacy", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&html);
    assert!(text.contains("Sign-in history: enter a number of days from 7 to 365."));
    assert!(text.contains("Notifications: enter a number of days from 7 to 1825."));
    assert!(
        html.contains("value=\"lots\""),
        "the form keeps what was typed"
    );

    let good = [
        ("given_recognitions", "remove"),
        ("sign_in_days", "60"),
        ("notifications_days", "90"),
        ("sent_mail_days", "14"),
        ("deactivated_days", "730"),
    ];
    assert_eq!(
        location(&hr.post("/admin/privacy", &good).await),
        "/admin/privacy"
    );
    let settings = attune::db::privacy::settings(&pool).await.unwrap();
    assert_eq!(settings.retention.deactivated_days, 730);
    let details: String = sqlx::query_scalar(
        "SELECT details FROM audit_log WHERE action = 'settings_changed' AND record_kind = 'privacy_settings'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        details.contains("deactivated accounts 365 → 730 days"),
        "{details}"
    );
}

// --- With the identity provider --------------------------------------------------------------

#[sqlx::test]
async fn with_the_identity_provider_a_fresh_sign_in_there_confirms_it_is_you(pool: PgPool) {
    use attune::domain::sso::SsoSettings;
    let (app, _provider) = common::spawn_app_with_sso(pool.clone()).await;
    let ana = app
        .create_person("ana@example.com", "Ana Alvarez", Roles::default())
        .await;
    let sso_only = SsoSettings {
        sso_only: true,
        ..SsoSettings::default()
    };
    attune::db::settings::update_sso(&pool, &sso_only)
        .await
        .unwrap();
    let browser = app.browser();
    let response = browser.sign_in_with_provider("ana", "/account").await;
    assert_eq!(location(&response), "/account");
    age_sessions(&pool, ana).await;

    let response = browser.post("/account/data", &[]).await;
    assert!(location(&response).starts_with("/account/confirm?next="));
    let (status, html) = browser
        .get_html("/account/confirm?next=%2Faccount%2Fdata")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains(r#"name="password""#), "no password to give");
    assert!(visible_text(&html).contains(common::oidc::LABEL));
    // Signed in already, so the provider is asked to have Ana sign in again.
    let start = browser
        .post("/auth/oidc/start", &[("next", "/account/data")])
        .await;
    assert!(
        location(&start).contains("prompt=login"),
        "{}",
        location(&start)
    );
    let callback = browser.follow_to_callback(location(&start), "ana").await;
    let response = browser.client.get(callback).send().await.unwrap();
    assert_eq!(location(&response), "/account/data", "back where Ana was");
    assert_eq!(
        browser.post("/account/data", &[]).await.status(),
        StatusCode::OK
    );

    // Delete my account: a sign-in there moments ago is the confirmation.
    let (_, html) = browser.get_html("/account/delete").await;
    assert!(visible_text(&html).contains("a moment ago"));
    age_sessions(&pool, ana).await;
    let (_, html) = browser.get_html("/account/delete").await;
    assert!(visible_text(&html).contains("sign in again with your company account"));
    let response = browser.post("/account/delete", &[]).await;
    assert!(location(&response).starts_with("/account/confirm?next=%2Faccount%2Fdelete"));
    assert_eq!(count(&pool, "SELECT count(*) FROM people").await, 1);
    browser
        .sign_in_with_provider("ana", "/account/delete")
        .await;
    let response = browser.post("/account/delete", &[]).await;
    assert_eq!(location(&response), "/login");
    assert_eq!(count(&pool, "SELECT count(*) FROM people").await, 0);
}
