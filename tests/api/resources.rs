//! The resource library over HTTP: HR validation, archive, CSV round trip with formula
//! escaping, and recommendations (weakest aspect first, exclusions, targeting).

use crate::common;

use std::collections::BTreeSet;

use crate::insights::add_person;
use attune::db::resources::CandidateQuery;
use attune::domain::people::Roles;
use attune::domain::resources::{EventDetails, Kind, PlanStatus, Profile, ResourceInput, eligible};
use chrono::{Duration, Utc};
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
        text[first..].contains("You scored lower on reading emotions than on the other aspects"),
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

    // HR sees counts, never names, and no count about fewer than five people: nothing
    // says whom it was recommended to (that would follow people's private results).
    let (_, page) = hr.get_html(&format!("/admin/resources/{id}")).await;
    let text = visible_text(&page);
    assert!(!text.contains("recommended to"), "{text}");
    assert!(text.contains("fewer than 5 completed it"), "{text}");
    assert!(
        text.contains("– rated it helpful (fewer than 5 ratings)"),
        "{text}"
    );
    assert!(!text.contains("ada@example.com"));
    // Five more people finish it, all finding it helpful: now the figures show.
    sqlx::query(
        "WITH p AS (INSERT INTO people (id, email, display_name) \
                    SELECT gen_random_uuid(), 'reader' || n || '@example.com', 'Reader ' || n \
                    FROM generate_series(1, 5) n RETURNING id) \
         INSERT INTO plan_items (person_id, resource_id, status, done_on, helpful) \
         SELECT id, $1, 'done', $2, true FROM p",
    )
    .bind(id)
    .bind(chrono::Utc::now().date_naive())
    .execute(&pool)
    .await
    .unwrap();
    // The counts are worked out in the background, as of the start of the week: this week's
    // don't count yet.
    let refresh = async |at: chrono::DateTime<chrono::Utc>| {
        attune::app::insights::refresh(&pool, at, chrono::Duration::zero())
            .await
            .unwrap();
        visible_text(&hr.get_html(&format!("/admin/resources/{id}")).await.1)
    };
    let text = refresh(chrono::Utc::now()).await;
    assert!(text.contains("fewer than 5 completed it"), "{text}");
    let text = refresh(chrono::Utc::now() + chrono::Duration::days(7)).await;
    assert!(text.contains("6 completed it"), "{text}");
    assert!(text.contains("100% rated it helpful (6 ratings)"), "{text}");
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

    let response = hr.post("/admin/resources/export.csv", &[]).await;
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
        .post("/admin/resources/export.csv", &[])
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
    assert!(text.contains("A title can't contain control characters"));
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

/// A resource for the eligibility comparison: open to everyone unless a case says otherwise.
fn eligibility_case(title: &str, aspects: &[attune::domain::teq::Aspect]) -> ResourceInput {
    ResourceInput {
        title: title.into(),
        kind: Kind::Article,
        url: "https://example.com/case".into(),
        description: String::new(),
        minutes: 10,
        aspects: aspects.to_vec(),
        max_aspect_percent: None,
        max_total: None,
        departments: vec![],
        offices: vec![],
        review_by: None,
        event: None,
    }
}

/// The candidate query (SQL, for speed) and the ranking's `eligible` rule plus the plan
/// exclusions (Rust) must agree on every rule: targeting by department, office, total and
/// aspect percentage, archived, drafts, needs review, past events, finished and dismissed.
#[sqlx::test]
async fn the_candidate_query_selects_exactly_what_the_eligibility_rule_accepts(pool: PgPool) {
    use attune::domain::teq::Aspect::*;
    let now = Utc::now();
    let today = now.date_naive();
    let event = |hours: i64| EventDetails {
        starts_at: now + Duration::hours(hours),
        time_zone: chrono_tz::Tz::UTC,
        place: "Room 1".into(),
    };
    let mut cases: Vec<(ResourceInput, bool)> = Vec::new();
    let mut case = |title: &str,
                    aspects: &[attune::domain::teq::Aspect],
                    edit: &dyn Fn(&mut ResourceInput)| {
        let mut input = eligibility_case(title, aspects);
        edit(&mut input);
        cases.push((input, false));
    };
    case("everyone", &[EmotionComprehension], &|_| {});
    case(
        "two aspects",
        &[EmotionalContagion, ConspecificAltruism],
        &|_| {},
    );
    case("review tomorrow", &[SympatheticArousal], &|r| {
        r.review_by = Some(today + Duration::days(1))
    });
    case("review today", &[SympatheticArousal], &|r| {
        r.review_by = Some(today)
    });
    case("review passed", &[SympatheticArousal], &|r| {
        r.review_by = Some(today - Duration::days(1))
    });
    case("event ahead", &[EmotionalContagion], &|r| {
        r.kind = Kind::ErgEvent;
        r.event = Some(event(2));
    });
    case("event past", &[EmotionalContagion], &|r| {
        r.kind = Kind::ErgEvent;
        r.event = Some(event(-2));
    });
    case("finance", &[EmotionComprehension], &|r| {
        r.departments = vec!["Finance".into()]
    });
    case("finance lower case", &[EmotionComprehension], &|r| {
        r.departments = vec!["finance".into()]
    });
    case("sales or support", &[EmotionComprehension], &|r| {
        r.departments = vec!["Sales".into(), "Support".into()]
    });
    case("london", &[ConspecificAltruism], &|r| {
        r.offices = vec!["London".into()]
    });
    case("toronto", &[ConspecificAltruism], &|r| {
        r.offices = vec!["TORONTO".into()]
    });
    case("total up to 40", &[ConspecificAltruism], &|r| {
        r.max_total = Some(40)
    });
    case("total up to 20", &[ConspecificAltruism], &|r| {
        r.max_total = Some(20)
    });
    case("comprehension up to 40%", &[EmotionComprehension], &|r| {
        r.max_aspect_percent = Some(40)
    });
    case("contagion up to 40%", &[EmotionalContagion], &|r| {
        r.max_aspect_percent = Some(40)
    });
    case(
        "either up to 40%",
        &[EmotionalContagion, EmotionComprehension],
        &|r| r.max_aspect_percent = Some(40),
    );
    case("finished", &[EmotionComprehension], &|_| {});
    case("dismissed", &[EmotionComprehension], &|_| {});
    case("saved", &[EmotionComprehension], &|_| {});
    case("archived", &[EmotionComprehension], &|_| {});
    case("draft", &[EmotionComprehension], &|_| {});
    let mut ids = std::collections::HashMap::new();
    for (input, _) in &cases {
        let id = uuid::Uuid::new_v4();
        attune::db::resources::insert(&pool, id, input)
            .await
            .unwrap();
        ids.insert(input.title.clone(), id);
    }
    attune::db::resources::set_archived(&pool, ids["archived"], true)
        .await
        .unwrap();
    sqlx::query("UPDATE resources SET draft = true WHERE id = $1")
        .bind(ids["draft"])
        .execute(&pool)
        .await
        .unwrap();

    // Answers that score `value` on every item (reversed items answered the other way round).
    let scored = |value: i64| {
        let mut answers = [value; 16];
        for item in [2, 4, 7, 10, 11, 12, 14, 15] {
            answers[item - 1] = 4 - value;
        }
        answers
    };
    let mut low_comprehension = [2; 16];
    (
        low_comprehension[7],
        low_comprehension[11],
        low_comprehension[14],
    ) = (0, 4, 4);
    let people = [
        add_person(
            &pool,
            "ana",
            "Ana",
            "Finance",
            "London",
            Some(low_comprehension),
            3,
        )
        .await,
        add_person(&pool, "ben", "Ben", "Sales", "Toronto", None, 3).await,
        add_person(
            &pool,
            "cy",
            "Cy",
            "Engineering",
            "Singapore",
            Some(scored(4)),
            3,
        )
        .await,
        add_person(&pool, "dee", "Dee", "Support", "london", Some(scored(1)), 3).await,
    ];
    for (title, status) in [
        ("finished", PlanStatus::Done),
        ("dismissed", PlanStatus::Dismissed),
        ("saved", PlanStatus::Saved),
    ] {
        attune::db::resources::set_plan_status(&pool, people[0], ids[title], status, today)
            .await
            .unwrap();
    }

    let library = attune::db::resources::batch_after(&pool, uuid::Uuid::nil(), 10_000)
        .await
        .unwrap();
    let title_of = |id: &uuid::Uuid| library.iter().find(|r| r.id == *id).unwrap().title.clone();
    for person_id in people {
        let person = attune::db::people::find(&pool, person_id)
            .await
            .unwrap()
            .unwrap();
        let latest = attune::db::quiz::latest(&pool, person_id).await.unwrap();
        let order: Vec<_> = latest
            .iter()
            .flat_map(|a| a.weakest_first().map(|s| s.aspect))
            .collect();
        let sql: BTreeSet<String> = attune::db::resources::candidates(
            &pool,
            &CandidateQuery {
                person_id,
                aspects: &order,
                percents: latest
                    .as_ref()
                    .map(|a| a.aspects.map(|s| i16::from(s.percent))),
                total: latest.as_ref().map(|a| i16::from(a.total)),
                department: &person.department,
                office: &person.office,
                now,
                per_aspect: 10_000,
            },
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.title.clone())
        .collect();
        let statuses = attune::db::resources::plan_statuses(
            &pool,
            person_id,
            &library.iter().map(|r| r.id).collect::<Vec<_>>(),
        )
        .await
        .unwrap();
        let profile = Profile {
            total: latest.as_ref().map(|a| a.total),
            aspects: latest.as_ref().map(|a| a.aspects),
            department: &person.department,
            office: &person.office,
        };
        let rust: BTreeSet<String> = library
            .iter()
            .filter(|r| eligible(r, &profile, now))
            .filter(|r| {
                !statuses
                    .get(&r.id)
                    .is_some_and(|s| s.keeps_out_of_recommendations())
            })
            .map(|r| title_of(&r.id))
            .collect();
        assert_eq!(sql, rust, "{}", person.display_name);
        for (input, accepted) in cases.iter_mut() {
            *accepted |= rust.contains(&input.title);
        }
        let expect = |title: &str| rust.contains(title);
        match person.display_name.as_str() {
            "Ana" => {
                assert!(expect("finance") && expect("finance lower case") && expect("london"));
                assert!(expect("comprehension up to 40%") && expect("either up to 40%"));
                assert!(expect("total up to 40") && expect("saved"));
                assert!(!expect("finished") && !expect("dismissed") && !expect("toronto"));
                assert!(!expect("contagion up to 40%") && !expect("total up to 20"));
            }
            "Ben" => {
                assert!(expect("sales or support") && expect("toronto") && expect("finished"));
                assert!(!expect("finance") && !expect("total up to 40"));
                assert!(!expect("comprehension up to 40%"));
            }
            "Cy" => {
                assert!(!expect("total up to 40") && !expect("london"));
                assert!(!expect("comprehension up to 40%") && !expect("either up to 40%"));
            }
            _ => {
                assert!(expect("total up to 20") && expect("contagion up to 40%"));
                assert!(expect("london") && expect("sales or support") && !expect("finance"));
            }
        }
        for never in ["archived", "draft", "review passed", "event past"] {
            assert!(!expect(never), "{never}");
        }
        for always in ["everyone", "review today", "review tomorrow", "event ahead"] {
            assert!(expect(always), "{always}");
        }
    }
    let never_accepted: Vec<&str> = cases
        .iter()
        .filter(|(_, accepted)| !accepted)
        .map(|(input, _)| input.title.as_str())
        .collect();
    assert_eq!(
        never_accepted,
        ["review passed", "event past", "archived", "draft"],
        "every other case is accepted for someone"
    );
}

const STARTER_ERG_EVENT: &str = "7a0f1c2e-0001-4000-8000-000000000017";

/// Every page an employee can reach by following links from home (GET only, same site), as
/// (path, HTML). Stops after `limit` pages.
async fn crawl(browser: &Browser, start: &[&str], limit: usize) -> Vec<(String, String)> {
    let mut queue: std::collections::VecDeque<String> =
        start.iter().map(|s| s.to_string()).collect();
    let mut seen: BTreeSet<String> = queue.iter().cloned().collect();
    let mut pages = Vec::new();
    while let Some(path) = queue.pop_front() {
        if pages.len() >= limit {
            break;
        }
        let response = browser.get(&path).await;
        let is_html = response
            .headers()
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/html"));
        if !response.status().is_success() || !is_html {
            continue;
        }
        let html = response.text().await.unwrap();
        for piece in html.split("href=\"").skip(1) {
            let href = piece.split('"').next().unwrap_or("").replace("&amp;", "&");
            let href = href.split('#').next().unwrap_or("").to_string();
            if href.starts_with('/') && !href.starts_with("//") && seen.insert(href.clone()) {
                queue.push_back(href);
            }
        }
        pages.push((path, html));
    }
    pages
}

#[sqlx::test]
async fn a_fresh_install_shows_an_employee_no_example_link_or_placeholder_anywhere(pool: PgPool) {
    let app = spawn_app(pool).await;
    let employee = app.employee("ana@acme.test").await;
    let before = crawl(&employee, &["/"], 80).await;
    let attempt = take_quiz(&employee, &comprehension_lowest()).await;
    let after = crawl(
        &employee,
        &["/", &format!("/quiz/attempts/{attempt}"), "/plan"],
        80,
    )
    .await;
    assert!(
        before.len() >= 10,
        "the crawl reached {} pages",
        before.len()
    );
    for (path, html) in before.iter().chain(&after) {
        let lower = html.to_lowercase();
        for link in lower.split("href=\"").skip(1) {
            let link = link.split('"').next().unwrap_or("");
            assert!(
                !attune::domain::resources::is_example_link(link),
                "{path} links to {link}"
            );
        }
        let text = visible_text(&lower);
        for placeholder in [
            "replace the link",
            "replace-with",
            "placeholder",
            "lorem ipsum",
        ] {
            assert!(!text.contains(placeholder), "{path} says {placeholder:?}");
        }
    }
    // The starter ERG event is a draft: not recommended, and not even saveable by id.
    assert!(
        !after
            .iter()
            .any(|(_, html)| html.contains("Listening circle"))
    );
    let response = employee
        .post(&format!("/plan/{STARTER_ERG_EVENT}"), &[("action", "save")])
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[sqlx::test]
async fn hr_publishes_the_starter_erg_event_only_with_their_own_link(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@acme.test").await;
    let (status, list) = hr.get_html("/admin/resources?status=draft").await;
    assert_eq!(status, StatusCode::OK);
    let list = visible_text(&list);
    assert!(
        list.contains("Listening circle: what I wish colleagues knew"),
        "{list}"
    );
    assert!(list.contains("Draft: add your details"));
    let (_, page) = hr
        .get_html(&format!("/admin/resources/{STARTER_ERG_EVENT}"))
        .await;
    assert!(visible_text(&page).contains("A draft: nobody sees it yet"));

    let starts = (Utc::now() + Duration::days(10))
        .format("%Y-%m-%dT18:00")
        .to_string();
    let form = |url: &'static str| {
        vec![
            ("title", "Listening circle: what I wish colleagues knew"),
            ("kind", "erg_event"),
            ("url", url),
            (
                "description",
                "Members share what their working day is like.",
            ),
            ("minutes", "60"),
            ("aspects", "emotion-comprehension"),
            ("event_time_zone", "Europe/London"),
            ("event_place", "Room 4"),
            ("publish", "1"),
        ]
    };
    let mut unchanged = form("https://example.com/replace-with-your-erg-page");
    unchanged.push(("event_starts_at", &starts));
    let (status, page) = hr
        .post_html(&format!("/admin/resources/{STARTER_ERG_EVENT}"), &unchanged)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&page);
    assert!(text.contains("Replace this example link with your own page before publishing."));
    assert!(
        page.contains("Members share what their working day is like."),
        "kept what was typed"
    );
    let draft: bool = sqlx::query_scalar("SELECT draft FROM resources WHERE id = $1::uuid")
        .bind(STARTER_ERG_EVENT)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(draft);

    let mut real = form("https://intranet.acme.test/erg/listening-circle");
    real.push(("event_starts_at", &starts));
    let response = hr
        .post(&format!("/admin/resources/{STARTER_ERG_EVENT}"), &real)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = hr.get_html(&location(&response)).await;
    assert!(visible_text(&page).contains("is published: Attune now recommends it."));

    let employee = app.employee("ana@acme.test").await;
    let response = employee
        .post(&format!("/plan/{STARTER_ERG_EVENT}"), &[("action", "save")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, plan) = employee.get_html("/plan").await;
    assert!(plan.contains("https://intranet.acme.test/erg/listening-circle"));
    // Durations read as people say them.
    assert!(visible_text(&plan).contains("about 1 hour"), "{plan}");
    assert!(!visible_text(&plan).contains(" min "));
}

#[sqlx::test]
async fn everyone_browses_the_library_and_takes_back_a_not_for_me(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let ana = app.employee("ana@acme.test").await;

    // Every published resource, a page at a time; the starter draft is not there.
    let (status, page) = ana.get_html("/library").await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&page);
    assert!(text.contains("Page 1 of 2"), "{text}");
    assert!(!text.contains("Listening circle"));
    let (_, second) = ana.get_html("/library?q=&kind=&aspect=&page=2").await;
    assert!(visible_text(&second).contains("Page 2 of 2"));
    assert!(!visible_text(&second).contains("Listening circle"));

    // Search, and filters by kind and aspect.
    let (_, found) = ana.get_html("/library?q=vulnerability").await;
    let found = visible_text(&found);
    assert!(found.contains("The Power of Vulnerability"), "{found}");
    assert!(found.contains("1 resource"));
    let (_, books) = ana.get_html("/library?kind=book").await;
    let books = visible_text(&books);
    assert!(
        books.contains("The War for Kindness") && !books.contains("The Power of Vulnerability")
    );
    let (_, helping) = ana
        .get_html("/library?aspect=conspecific-altruism&kind=exercise")
        .await;
    let helping = visible_text(&helping);
    assert!(
        helping.contains("Three Good Things for someone else"),
        "{helping}"
    );
    assert!(
        helping.contains("Helps with feeling with others, acting to help"),
        "{helping}"
    );
    let (_, nothing) = ana.get_html("/library?q=%25%25no+such+thing").await;
    assert!(visible_text(&nothing).contains("Nothing matches"));

    // "Not for me" can be taken back, from My plan or from the library.
    let id = resource_id(&pool, "The Power of Vulnerability").await;
    let response = ana
        .post(
            &format!("/plan/{id}"),
            &[("action", "dismiss"), ("return_to", "/plan")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, plan) = ana.get_html("/plan").await;
    let not_for_me = visible_text(&plan);
    let not_for_me = &not_for_me[not_for_me.find("Not for you").expect("the section")..];
    assert!(not_for_me.contains("The Power of Vulnerability"));
    let (_, library) = ana.get_html("/library?q=vulnerability").await;
    assert!(visible_text(&library).contains("Not suggested to you"));
    let response = ana
        .post(
            &format!("/plan/{id}"),
            &[("action", "remove"), ("return_to", "/plan")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, plan) = ana.get_html("/plan").await;
    let text = visible_text(&plan);
    assert!(text.contains("may be suggested to you again"), "{text}");
    assert!(!text.contains("Not for you"));
}
