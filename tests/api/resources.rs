//! The resource library over HTTP: HR validation, archive, CSV round trip with formula
//! escaping, and recommendations (weakest aspect first, exclusions, targeting).

use crate::common;

use attune::domain::people::Roles;
use common::{Browser, location, spawn_app, take_quiz, visible_text};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use sqlx::PgPool;

/// Answers whose weakest aspect is emotion comprehension (items 8, 12R, 15R score 0); every
/// other item scores 2.
fn comprehension_lowest() -> [u8; 16] {
    let mut answers = [2; 16];
    answers[7] = 0; // item 8, forward
    answers[11] = 4; // item 12, reversed
    answers[14] = 4; // item 15, reversed
    answers
}

fn resource_form<'a>(title: &'a str, kind: &'a str, aspect: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("kind", kind),
        ("url", "https://example.com/practice"),
        (
            "description",
            "Sit with a colleague.\n\nListen for what they feel, not only what they say.",
        ),
        ("minutes", "15"),
        ("aspects", aspect),
        ("event_time_zone", "UTC"),
    ]
}

async fn resource_id(pool: &PgPool, title: &str) -> uuid::Uuid {
    sqlx::query_scalar("SELECT id FROM resources WHERE title = $1")
        .bind(title)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn upload(browser: &Browser, csv: Vec<u8>) -> (StatusCode, String) {
    let form = Form::new().part("file", Part::bytes(csv).file_name("library.csv"));
    let response = browser
        .client
        .post(browser.url("/admin/resources/import"))
        .header("origin", &browser.address)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}

#[sqlx::test]
async fn a_fresh_install_has_a_starter_library_across_aspects_and_kinds(pool: PgPool) {
    let (count, kinds): (i64, i64) =
        sqlx::query_as("SELECT count(*), count(DISTINCT kind) FROM resources WHERE NOT archived")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(count >= 15, "{count}");
    assert_eq!(kinds, 6);
    for aspect in [
        "emotional-contagion",
        "emotion-comprehension",
        "sympathetic-arousal",
        "conspecific-altruism",
    ] {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM resources WHERE $1 = ANY (aspects)")
            .bind(aspect)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert!(n >= 3, "{aspect}: {n}");
    }
    let app = spawn_app(pool).await;
    let hr = app.hr_admin("hr@example.com").await;
    let (_, page) = hr.get_html("/admin/resources?q=wired").await;
    assert!(visible_text(&page).contains("Wired to Care"));
}

#[sqlx::test]
async fn bad_resources_are_refused_next_to_each_field_with_the_form_kept(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM resources")
        .fetch_one(&pool)
        .await
        .unwrap();
    let (status, html) = hr
        .post_html(
            "/admin/resources",
            &[
                ("title", "Listening <em>well</em>"),
                ("kind", "exercise"),
                ("url", "javascript:alert(1)"),
                ("minutes", "zero"),
                ("review_by", "soon"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&html);
    assert!(text.contains("The link must start with http:// or https://"));
    assert!(text.contains("Enter roughly how many minutes"));
    assert!(text.contains("Choose at least one aspect"));
    assert!(text.contains("Enter a date like"));
    assert!(
        html.contains("Listening &lt;em&gt;well&lt;/em&gt;")
            || html.contains("Listening &#60;em&#62;")
    );
    assert!(
        html.contains(r#"value="javascript:alert(1)""#),
        "what was typed is kept"
    );
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM resources")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(before, after);
}

#[sqlx::test]
async fn the_weakest_aspect_comes_first_with_the_reason_and_the_plan_tracks_it(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    let mut form = resource_form("Reading the room", "exercise", "emotion-comprehension");
    form.push(("max_aspect_percent", "50"));
    let response = hr.post("/admin/resources", &form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let id = resource_id(&pool, "Reading the room").await;

    let ada = app.employee("ada@example.com").await;
    take_quiz(&ada, &comprehension_lowest()).await;
    let (_, home) = ada.get_html("/").await;
    let text = visible_text(&home);
    let first = text
        .find("Reading the room")
        .expect("recommended on the home page");
    assert!(
        text[first..]
            .contains("You scored lower on emotion comprehension than on the other aspects"),
        "{text}"
    );
    assert!(
        !text.contains("Take the quiz Sixteen"),
        "no quiz invitation after an attempt"
    );

    // Someone stronger in comprehension does not get it (targeting: at most 50%).
    let ben = app.employee("ben@example.com").await;
    take_quiz(&ben, &[4, 0, 4, 0, 4, 4, 0, 4, 4, 0, 0, 0, 4, 0, 0, 4]).await;
    let (_, bens) = ben.get_html("/plan").await;
    assert!(!visible_text(&bens).contains("Reading the room"));

    // Save it, mark it done, rate it.
    let response = ada
        .post(
            &format!("/plan/{id}"),
            &[("action", "save"), ("return_to", "/plan")],
        )
        .await;
    assert_eq!(location(&response), "/plan");
    let (_, plan) = ada.get_html("/plan").await;
    let text = visible_text(&plan);
    assert!(text.contains("is saved to your plan"));
    let saved = text.find("Saved").unwrap();
    assert!(text[saved..].contains("Reading the room"));

    ada.post(
        &format!("/plan/{id}"),
        &[("action", "done"), ("return_to", "/plan")],
    )
    .await;
    ada.post(
        &format!("/plan/{id}"),
        &[("action", "helpful"), ("return_to", "/plan")],
    )
    .await;
    let (_, plan) = ada.get_html("/plan").await;
    let text = visible_text(&plan);
    let done = text.find("Done on").expect("the done date is shown");
    assert!(text[done..].contains("you found it helpful"));
    // Done items are not recommended again.
    let recommended = &text[text.find("Recommended for you").unwrap()..text.find("Saved").unwrap()];
    assert!(!recommended.contains("Reading the room"));

    // HR sees counts, never names.
    let (_, page) = hr.get_html(&format!("/admin/resources/{id}")).await;
    let text = visible_text(&page);
    assert!(text.contains("1 people recommended to"), "{text}");
    assert!(text.contains("1 completed it"));
    assert!(text.contains("100% rated it helpful (1 ratings)"));
    assert!(!text.contains("ada@example.com"));
}

#[sqlx::test]
async fn dismissed_archived_stale_and_past_resources_are_not_recommended(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    for (title, kind) in [
        ("Dismiss me", "course"),
        ("Archive me", "article"),
        ("Stale one", "book"),
        ("Past event", "video"),
    ] {
        let mut form = resource_form(title, kind, "emotion-comprehension");
        form.push(("max_aspect_percent", "60"));
        if title == "Stale one" {
            form.push(("review_by", "2020-01-01"));
        }
        if title == "Past event" {
            form[1] = ("kind", "erg_event");
            form.push(("event_starts_at", "2021-05-01T18:00"));
            form.push(("event_place", "Toronto office"));
        }
        assert_eq!(
            hr.post("/admin/resources", &form).await.status(),
            StatusCode::SEE_OTHER,
            "{title}"
        );
    }
    let cy = app.employee("cy@example.com").await;
    take_quiz(&cy, &comprehension_lowest()).await;
    let (_, plan) = cy.get_html("/plan").await;
    let text = visible_text(&plan);
    assert!(text.contains("Dismiss me") && text.contains("Archive me"));
    assert!(!text.contains("Stale one"), "past its review date");
    assert!(!text.contains("Past event"));

    let dismiss = resource_id(&pool, "Dismiss me").await;
    cy.post(
        &format!("/plan/{dismiss}"),
        &[("action", "dismiss"), ("return_to", "/plan")],
    )
    .await;
    let archive = resource_id(&pool, "Archive me").await;
    assert_eq!(
        hr.post(&format!("/admin/resources/{archive}/archive"), &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let (_, plan) = cy.get_html("/plan").await;
    let text = visible_text(&plan);
    assert!(text.contains("won't be suggested again"));
    assert!(!text.contains("Dismiss me Why"));
    assert!(!text.contains("Archive me"));

    // HR sees the stale one flagged, and the archived one can be restored.
    let (_, list) = hr.get_html("/admin/resources?status=review").await;
    assert!(visible_text(&list).contains("Stale one Needs review"));
    hr.post(&format!("/admin/resources/{archive}/restore"), &[])
        .await;
    let (_, plan) = cy.get_html("/plan").await;
    assert!(visible_text(&plan).contains("Archive me"));
}

#[sqlx::test]
async fn targeting_by_department_and_a_starter_selection_without_a_quiz(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    let mut form = resource_form("Finance listening lab", "course", "emotional-contagion");
    form.push(("departments", "Finance"));
    hr.post("/admin/resources", &form).await;

    app.create_person_in(
        "fin@example.com",
        "Fin Ance",
        Roles::default(),
        "Finance",
        "London",
    )
    .await;
    app.create_person_in(
        "eng@example.com",
        "En Gineer",
        Roles::default(),
        "Engineering",
        "London",
    )
    .await;
    let fin = app.browser();
    fin.sign_in("fin@example.com", common::PASSWORD).await;
    let eng = app.browser();
    eng.sign_in("eng@example.com", common::PASSWORD).await;

    let (_, fin_home) = fin.get_html("/").await;
    let (_, eng_home) = eng.get_html("/").await;
    let fin_text = visible_text(&fin_home);
    assert!(
        fin_text.contains("Take the quiz"),
        "without an attempt, an invitation to the quiz"
    );
    assert!(fin_text.contains("Finance listening lab"));
    assert!(!visible_text(&eng_home).contains("Finance listening lab"));
    assert!(fin_text.matches("Why:").count() <= 6);
}

#[sqlx::test]
async fn the_library_round_trips_through_csv_with_formulas_neutralised(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    let mut form = resource_form(
        "=HYPERLINK(\"http://evil.example\",\"Click\")",
        "video",
        "sympathetic-arousal",
    );
    form[3] = ("description", "+1 for listening\n\n@everyone welcome");
    assert_eq!(
        hr.post("/admin/resources", &form).await.status(),
        StatusCode::SEE_OTHER
    );

    let response = hr.get("/admin/resources/export.csv").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let exported = response.bytes().await.unwrap().to_vec();
    let text = String::from_utf8(exported.clone()).unwrap();
    assert!(text.starts_with("id,title,kind,url,description,minutes,aspects"));
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Click\"\")\""),
        "{text}"
    );
    assert!(text.contains("'+1 for listening"));
    assert!(!text.contains(",=HYPERLINK"));

    // Everything gone, then imported back: the same library comes out.
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM resources")
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM resources")
        .execute(&pool)
        .await
        .unwrap();
    let (status, html) = upload(&hr, exported.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(visible_text(&html).contains(&format!("{count} added, 0 updated, 0 not imported")));
    let again = hr
        .get("/admin/resources/export.csv")
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    assert_eq!(String::from_utf8(again).unwrap(), text);
    let title: String =
        sqlx::query_scalar("SELECT title FROM resources WHERE kind = 'video' AND title LIKE '=%'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(title, "=HYPERLINK(\"http://evil.example\",\"Click\")");

    // Importing the same file again updates rather than duplicates.
    let (_, html) = upload(&hr, exported).await;
    assert!(visible_text(&html).contains(&format!("0 added, {count} updated")));
}

#[sqlx::test]
async fn bad_import_rows_are_reported_by_line(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    let csv = "title,kind,url,minutes,aspects\n\
               Good one,book,https://example.com/good,30,emotion-comprehension\n\
               Bad link,book,ftp://example.com,30,emotion-comprehension\n\
               No aspect,video,https://example.com/v,5,\n";
    let (status, html) = upload(&hr, csv.as_bytes().to_vec()).await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&html);
    assert!(
        text.contains("1 added, 0 updated, 2 not imported"),
        "{text}"
    );
    assert!(text.contains("3 url: The link must start with http:// or https://"));
    assert!(text.contains("4 aspects: Choose at least one aspect"));
    let (status, html) = upload(&hr, b"name,link\nx,y\n".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("The first line must be a header"));
}

#[sqlx::test]
async fn unusual_characters_and_dates_get_a_clear_answer_not_an_error(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM resources")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut form = resource_form("Null\u{0}byte", "erg_event", "emotion-comprehension");
    form.push(("event_starts_at", "0001-01-01T10:00"));
    form.push(("event_place", "Room\u{0}1"));
    form.push(("review_by", "99999-01-01"));
    let (status, html) = hr.post_html("/admin/resources", &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&html);
    assert!(text.contains("A title cannot contain control characters"));
    assert!(text.contains("between the years 2000 and 2100"));
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM resources")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(before, after);

    // An ERG event keeps its own time zone when edited.
    let mut form = resource_form("Toronto circle", "erg_event", "emotion-comprehension");
    form.retain(|(k, _)| *k != "event_time_zone");
    form.push(("event_time_zone", "America/Toronto"));
    form.push(("event_starts_at", "2030-03-04T18:30"));
    form.push(("event_place", "Toronto office"));
    assert_eq!(
        hr.post("/admin/resources", &form).await.status(),
        StatusCode::SEE_OTHER
    );
    let id = resource_id(&pool, "Toronto circle").await;
    let (_, page) = hr.get_html(&format!("/admin/resources/{id}")).await;
    assert!(page.contains(r#"name="event_time_zone" value="America/Toronto""#));
    assert!(page.contains(r#"value="2030-03-04T18:30""#));

    // Even the sign-in form answers a NUL byte with a message, not an error.
    let (status, html) = app
        .browser()
        .post_html(
            "/login",
            &[
                ("email", "a\u{0}b@example.com"),
                ("password", "whatever it is"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("Enter your work email address"));
}
