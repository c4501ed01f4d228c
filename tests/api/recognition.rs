//! Peer recognition over HTTP: nominating and its rules, the wall, privacy, approval,
//! reports, hiding, appreciation, behaviours, fairness, CSV exports, escaping and the
//! spotlight rotation.

use crate::common;

use std::collections::HashMap;

use attune::domain::people::Roles;
use chrono::{Duration, TimeZone, Utc};
use common::{Browser, TestApp, location, spawn_app, visible_text};
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

const STORY: &str = "During Tuesday's incident review Ben noticed I had gone quiet, asked what I thought, \
                     and waited. My idea about the retry storm turned out to be the fix.";

async fn behaviour_id(pool: &PgPool, label: &str) -> String {
    let id: Uuid = sqlx::query_scalar("SELECT id FROM recognition_behaviours WHERE label = $1")
        .bind(label)
        .fetch_one(pool)
        .await
        .unwrap();
    id.to_string()
}

const QUIETER: &str = "Invited input from quieter colleagues";
const CLARIFIED: &str = "Clarified a misunderstanding";
const OTHER_TEAM: &str = "Helped someone from another team";

fn today() -> String {
    // Test people live in Europe/London.
    Utc::now()
        .with_timezone(&chrono_tz::Europe::London)
        .format("%Y-%m-%d")
        .to_string()
}

/// Sends a nomination; returns the response.
async fn nominate(
    browser: &Browser,
    recipient: Uuid,
    behaviours: &[&str],
    story: &str,
    visibility: &str,
) -> reqwest::Response {
    let recipient = recipient.to_string();
    let date = today();
    let key = Uuid::new_v4().to_string();
    let mut form: Vec<(&str, &str)> = vec![
        ("recipient", &recipient),
        ("story", story),
        ("happened_on", &date),
        ("visibility", visibility),
        ("submission_key", &key),
    ];
    for b in behaviours {
        form.push(("behaviours", b));
    }
    browser.post("/recognition", &form).await
}

/// Nominates and expects success; returns the new recognition's id.
async fn recognise(
    browser: &Browser,
    recipient: Uuid,
    behaviours: &[&str],
    visibility: &str,
) -> String {
    let response = nominate(browser, recipient, behaviours, STORY, visibility).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "nomination accepted"
    );
    location(&response)
        .strip_prefix("/recognition/")
        .expect("redirected to the recognition")
        .to_string()
}

async fn count(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM recognitions")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A person who can sign in, in a department and office; returns their id and browser.
async fn person_in(
    app: &TestApp,
    email: &str,
    name: &str,
    department: &str,
    office: &str,
) -> (Uuid, Browser) {
    let id = app
        .create_person_in(email, name, Roles::default(), department, office)
        .await;
    let browser = app.browser();
    assert_eq!(
        browser.sign_in(email, common::PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    (id, browser)
}

async fn set_setting(pool: &PgPool, sql: &str) {
    sqlx::query(&format!("UPDATE program_settings SET {sql}"))
        .execute(pool)
        .await
        .unwrap();
}

#[sqlx::test]
async fn a_colleague_is_found_by_name_recognised_and_sees_it_at_home(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (_, ada) = person_in(
        &app,
        "ada@example.com",
        "Ada Lindqvist",
        "Engineering",
        "London",
    )
    .await;
    let (ben_id, ben) = person_in(
        &app,
        "ben@example.com",
        "Ben Okafor",
        "Engineering",
        "London",
    )
    .await;
    app.create_person_in(
        "bea@example.com",
        "Bea Okoro",
        Roles::default(),
        "Finance",
        "Toronto",
    )
    .await;

    // Search without JavaScript: a GET form listing matching colleagues.
    let (status, page) = ada.get_html("/recognition/new?q=oka").await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&page);
    assert!(text.contains("Ben Okafor"), "{text}");
    assert!(!text.contains("Bea Okoro"));
    assert!(page.contains(&format!("/recognition/new?to={ben_id}")));
    // Surnames match too, and the JSON search for the script agrees.
    let json = ada
        .get("/recognition/colleagues?q=OKO")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        json.contains("Bea Okoro") && !json.contains("Ada"),
        "{json}"
    );

    // The form with Ben chosen.
    let (status, form) = ada.get_html(&format!("/recognition/new?to={ben_id}")).await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&form);
    assert!(text.contains("Recognising Ben Okafor"), "{text}");
    assert!(text.contains("The situation: what was going on?"));
    assert!(text.contains("recognition means most within 30 days"));
    for label in [QUIETER, CLARIFIED, "Translated jargon into plain language"] {
        assert!(text.contains(label), "{label}");
    }

    let quieter = behaviour_id(&pool, QUIETER).await;
    let id = recognise(&ada, ben_id, &[&quieter], "wall").await;
    let (_, shown) = ada.get_html(&format!("/recognition/{id}")).await;
    let text = visible_text(&shown);
    assert!(
        text.contains("Your recognition of Ben Okafor is on the wall"),
        "{text}"
    );
    assert!(text.contains("Ada Lindqvist recognised Ben Okafor"));

    let (_, wall) = ada.get_html("/recognition").await;
    let text = visible_text(&wall);
    assert!(
        text.contains("Ada Lindqvist recognised Ben Okafor"),
        "{text}"
    );
    assert!(text.contains(QUIETER));
    assert!(text.contains("My idea about the retry storm turned out to be the fix."));
    assert!(!wall.contains("recognition--cross-team"), "same department");
    assert!(text.contains("Within Engineering"), "{text}");
    assert!(!text.contains("Engineering to Engineering"));

    // Ben sees it on his home page until he has read it.
    let (_, home) = ben.get_html("/").await;
    let text = visible_text(&home);
    assert!(text.contains("A colleague recognised you"), "{text}");
    assert!(text.contains("Ada Lindqvist recognised you: invited input from quieter colleagues"));
    assert!(!text.contains("Ada Lindqvist for "));
    // Reading the list writes nothing; the home page's button marks the news read.
    let (_, mine) = ben.get_html("/recognition/mine").await;
    assert!(visible_text(&mine).contains("My idea about the retry storm"));
    let (_, home) = ben.get_html("/").await;
    assert!(visible_text(&home).contains("A colleague recognised you"));
    let response = ben.post("/recognition/mine/seen", &[]).await;
    assert_eq!(location(&response), "/recognition/mine");
    let (_, home) = ben.get_html("/").await;
    assert!(!visible_text(&home).contains("A colleague recognised you"));
    // And on his profile, for anyone.
    let (_, profile) = ada.get_html(&format!("/recognition/people/{ben_id}")).await;
    assert!(visible_text(&profile).contains("Ada Lindqvist recognised Ben Okafor"));
}

#[sqlx::test]
async fn bad_input_is_explained_next_to_each_field_and_nothing_is_stored(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (_, ada) = person_in(
        &app,
        "ada@example.com",
        "Ada Lindqvist",
        "Engineering",
        "London",
    )
    .await;
    let (ben_id, _) = person_in(
        &app,
        "ben@example.com",
        "Ben Okafor",
        "Engineering",
        "London",
    )
    .await;
    let ben = ben_id.to_string();
    let tomorrow = (Utc::now().with_timezone(&chrono_tz::Europe::London) + Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    let (status, html) = ada
        .post_html(
            "/recognition",
            &[
                ("recipient", &ben),
                ("story", "Thanks for the <b>help</b>!"),
                ("happened_on", &tomorrow),
                ("visibility", "everyone"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&html);
    assert!(text.contains("Choose at least one behaviour"), "{text}");
    assert!(
        text.contains("at least 50 characters (you have 27)"),
        "{text}"
    );
    assert!(text.contains("The date can't be in the future"));
    assert!(text.contains("Choose whether this goes on the wall"));
    assert!(
        html.contains(r##"href="#f-story""##),
        "the summary links to the field"
    );
    assert!(
        html.contains("Thanks for the &#60;b&#62;help&#60;/b&#62;!"),
        "what was typed is kept, escaped"
    );
    assert!(
        text.contains("Recognising Ben Okafor"),
        "the colleague stays chosen"
    );
    assert_eq!(count(&pool).await, 0);

    let long = "a".repeat(2001);
    let response = nominate(
        &ada,
        ben_id,
        &[&behaviour_id(&pool, QUIETER).await],
        &long,
        "wall",
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&response.text().await.unwrap()).contains("2000 characters or fewer"));

    // Nonsense ids never cause an error page.
    let (status, _) = ada
        .post_html("/recognition", &[("recipient", "x"), ("behaviours", "y")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count(&pool).await, 0);
}

#[sqlx::test]
async fn nobody_recognises_themselves_or_a_deactivated_colleague(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (ada_id, ada) = person_in(
        &app,
        "ada@example.com",
        "Ada Lindqvist",
        "Engineering",
        "London",
    )
    .await;
    let gone = app
        .create_person_in(
            "cy@example.com",
            "Cy Moretti",
            Roles::default(),
            "Finance",
            "London",
        )
        .await;
    attune::db::people::set_active(&pool, gone, false)
        .await
        .unwrap();
    let quieter = behaviour_id(&pool, QUIETER).await;

    let response = nominate(&ada, ada_id, &[&quieter], STORY, "wall").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&response.text().await.unwrap()).contains("You can't recognise yourself"));

    let response = nominate(&ada, gone, &[&quieter], STORY, "wall").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        visible_text(&response.text().await.unwrap())
            .contains("Cy Moretti no longer has an active account")
    );
    // The search doesn't offer them, and a link to them explains why.
    let (_, search) = ada.get_html("/recognition/new?q=cy").await;
    assert!(!visible_text(&search).contains("Cy Moretti ·"));
    let (_, link) = ada.get_html(&format!("/recognition/new?to={ada_id}")).await;
    assert!(visible_text(&link).contains("You can't recognise yourself"));
    assert_eq!(count(&pool).await, 0);
}

#[sqlx::test]
async fn the_weekly_limit_and_the_24_hour_rule_are_enforced(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    set_setting(&pool, "recognition_weekly_limit = 2").await;
    let (_, ada) = person_in(
        &app,
        "ada@example.com",
        "Ada Lindqvist",
        "Engineering",
        "London",
    )
    .await;
    let (ben, _) = person_in(
        &app,
        "ben@example.com",
        "Ben Okafor",
        "Engineering",
        "London",
    )
    .await;
    let (cy, _) = person_in(&app, "cy@example.com", "Cy Moretti", "Finance", "London").await;
    let (di, _) = person_in(&app, "di@example.com", "Di Chen", "Finance", "London").await;
    let quieter = behaviour_id(&pool, QUIETER).await;
    let clarified = behaviour_id(&pool, CLARIFIED).await;

    recognise(&ada, ben, &[&quieter], "wall").await;
    // The same behaviour for the same person within 24 hours is refused ...
    let response = nominate(&ada, ben, &[&clarified, &quieter], STORY, "wall").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&response.text().await.unwrap());
    assert!(
        text.contains("You recognised this colleague for “Invited input from quieter colleagues” in the last 24 hours"),
        "{text}"
    );
    // ... a different behaviour is fine.
    recognise(&ada, ben, &[&clarified], "private").await;
    // The schema backs the rule even if the check is bypassed.
    let sneaky = sqlx::query(
        "INSERT INTO recognition_behaviour_links (recognition_id, behaviour_id, nominator_id, recipient_id, created_at, window_ends_at) \
         SELECT id, $1::uuid, nominator_id, recipient_id, created_at + interval '1 hour', created_at + interval '25 hours' \
         FROM recognitions WHERE status = 'published' AND NOT EXISTS (SELECT 1 FROM recognition_behaviour_links l \
         WHERE l.recognition_id = recognitions.id AND l.behaviour_id = $1::uuid) LIMIT 1",
    )
    .bind(Uuid::parse_str(&quieter).unwrap())
    .execute(&pool)
    .await;
    assert!(sneaky.is_err(), "the exclusion constraint refuses a repeat");

    // Two nominations in 7 days is the limit HR set.
    let response = nominate(&ada, cy, &[&quieter], STORY, "wall").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&response.text().await.unwrap());
    assert!(
        text.contains("You've made 2 nominations in the last 7 days, the most your HR team allows"),
        "{text}"
    );
    assert!(
        text.contains("(Europe/London)"),
        "the reopening time names the zone"
    );
    let (_, form) = ada.get_html(&format!("/recognition/new?to={di}")).await;
    assert!(visible_text(&form).contains("You've reached this week's limit"));
    assert_eq!(count(&pool).await, 2);

    // A week later the window has moved on.
    sqlx::query("UPDATE recognitions SET created_at = created_at - interval '8 days', happened_on = happened_on - 8")
        .execute(&pool)
        .await
        .unwrap();
    recognise(&ada, cy, &[&quieter], "wall").await;
}

#[sqlx::test]
async fn private_recognitions_are_seen_only_by_the_two_people(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (_, ada) = person_in(
        &app,
        "ada@example.com",
        "Ada Lindqvist",
        "Engineering",
        "London",
    )
    .await;
    let (ben_id, ben) = person_in(
        &app,
        "ben@example.com",
        "Ben Okafor",
        "Engineering",
        "London",
    )
    .await;
    let (_, eve) = person_in(
        &app,
        "eve@example.com",
        "Eve Novak",
        "Engineering",
        "London",
    )
    .await;
    let hr = app.hr_admin("hr@example.com").await;
    // The form says who reads a private recognition: with approval off, nobody but Ben.
    let (_, form) = ada.get_html(&format!("/recognition/new?to={ben_id}")).await;
    let text = visible_text(&form);
    assert!(text.contains("Private: only Ben Okafor sees it"), "{text}");
    assert!(!text.contains("and HR"), "{text}");
    let id = recognise(
        &ada,
        ben_id,
        &[&behaviour_id(&pool, QUIETER).await],
        "private",
    )
    .await;

    let path = format!("/recognition/{id}");
    for (who, browser, expected) in [
        ("nominator", &ada, StatusCode::OK),
        ("recipient", &ben, StatusCode::OK),
        ("HR", &hr, StatusCode::NOT_FOUND),
        ("colleague", &eve, StatusCode::NOT_FOUND),
    ] {
        let (status, html) = browser.get_html(&path).await;
        assert_eq!(status, expected, "{who}");
        if expected == StatusCode::NOT_FOUND {
            assert!(!html.contains("retry storm"));
        }
    }
    let (_, wall) = eve.get_html("/recognition").await;
    assert!(!wall.contains("retry storm"), "not on the wall");
    let (_, profile) = eve.get_html(&format!("/recognition/people/{ben_id}")).await;
    assert!(!profile.contains("retry storm"), "not on the profile");
    let (_, mine) = ben.get_html("/recognition/mine").await;
    assert!(mine.contains("retry storm"), "the recipient has it");
    // Nobody else can appreciate, report or hide it.
    assert_eq!(
        eve.post(&format!("{path}/appreciate"), &[]).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        eve.get(&format!("{path}/report")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        eve.post(&format!("{path}/visibility"), &[("on_wall", "no")])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test]
async fn hr_reads_a_private_recognition_only_while_it_waits_for_approval(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    set_setting(&pool, "recognition_requires_approval = true").await;
    let (_, ada) = person_in(
        &app,
        "ada@example.com",
        "Ada Lindqvist",
        "Engineering",
        "London",
    )
    .await;
    let (ben_id, ben) = person_in(
        &app,
        "ben@example.com",
        "Ben Okafor",
        "Engineering",
        "London",
    )
    .await;
    let hr = app.hr_admin("hr@example.com").await;
    let (_, form) = ada.get_html(&format!("/recognition/new?to={ben_id}")).await;
    assert!(
        visible_text(&form).contains(
            "Private: only Ben Okafor sees it (and HR, while it waits for their approval)"
        ),
        "the form is truthful when approval is on"
    );
    let quieter = behaviour_id(&pool, QUIETER).await;
    let id = recognise(&ada, ben_id, &[&quieter], "private").await;
    let path = format!("/recognition/{id}");

    // Moderation needs the text.
    let (_, queue) = hr.get_html("/admin/recognition/approvals").await;
    assert!(queue.contains("retry storm"), "HR reads it to approve it");
    let (status, shown) = hr.get_html(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(shown.contains("retry storm"));
    let response = hr
        .post(&format!("/admin/recognition/{id}/approve"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // Once published it is Ben's (and Ada's) alone.
    let (status, shown) = hr.get_html(&path).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "HR no longer reads it");
    assert!(!shown.contains("retry storm"));
    let (_, queue) = hr.get_html("/admin/recognition/approvals").await;
    assert!(!queue.contains("retry storm"));
    let (status, shown) = ben.get_html(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(visible_text(&shown).contains("Only you and Ada Lindqvist can see this."));
    let today = today();
    let body = hr
        .post(
            "/admin/recognition/export.csv",
            &[("from", today.as_str()), ("to", today.as_str())],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(!body.contains("retry storm"), "{body}");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "the row is kept, for the figures");
    assert_eq!(&rows[0][5], "Ben Okafor");
    assert_eq!(&rows[0][10], "(private)");
    let (_, export_page) = hr.get_html("/admin/recognition/export").await;
    assert!(visible_text(&export_page).contains("but their text reads &ldquo;(private)&rdquo;"));

    // A declined private nomination isn't HR's to reread either.
    let second = recognise(
        &ada,
        ben_id,
        &[&behaviour_id(&pool, CLARIFIED).await],
        "private",
    )
    .await;
    let response = hr
        .post(
            &format!("/admin/recognition/{second}/reject"),
            &[("reason", "Please say it to Ben in person.")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        hr.get(&format!("/recognition/{second}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        ada.get(&format!("/recognition/{second}")).await.status(),
        StatusCode::OK,
        "the nominator still reads what they wrote"
    );
}

#[sqlx::test]
async fn held_nominations_wait_for_hr_who_approve_or_decline_with_a_reason(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
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
    let (_, ada) = person_in(
        &app,
        "ada@example.com",
        "Ada Lindqvist",
        "Engineering",
        "London",
    )
    .await;
    let (ben_id, ben) = person_in(
        &app,
        "ben@example.com",
        "Ben Okafor",
        "Engineering",
        "London",
    )
    .await;
    let (_, eve) = person_in(
        &app,
        "eve@example.com",
        "Eve Novak",
        "Engineering",
        "London",
    )
    .await;
    let quieter = behaviour_id(&pool, QUIETER).await;
    let clarified = behaviour_id(&pool, CLARIFIED).await;

    let first = recognise(&ada, ben_id, &[&quieter], "wall").await;
    let (_, page) = ada.get_html(&format!("/recognition/{first}")).await;
    assert!(visible_text(&page).contains("An HR admin will review your recognition of Ben Okafor"));
    assert_eq!(
        ben.get(&format!("/recognition/{first}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, wall) = eve.get_html("/recognition").await;
    assert!(!wall.contains("retry storm"));
    let (_, home) = ben.get_html("/").await;
    assert!(!visible_text(&home).contains("recognised you"));

    let (_, queue) = hr.get_html("/admin/recognition/approvals").await;
    let text = visible_text(&queue);
    assert!(
        text.contains("Ada Lindqvist recognised Ben Okafor"),
        "{text}"
    );
    let (_, home) = hr.get_html("/").await;
    assert!(visible_text(&home).contains("1 nomination waits for approval"));

    let response = hr
        .post(&format!("/admin/recognition/{first}/approve"), &[])
        .await;
    assert_eq!(location(&response), "/admin/recognition/approvals");
    let (_, wall) = eve.get_html("/recognition").await;
    assert!(wall.contains("retry storm"), "published on approval");
    assert_eq!(
        hr.post(&format!("/admin/recognition/{first}/approve"), &[])
            .await
            .status(),
        StatusCode::CONFLICT,
        "only once"
    );
    let (_, home) = ben.get_html("/").await;
    assert!(visible_text(&home).contains("A colleague recognised you"));

    // Declining needs a reason, which the nominator then reads.
    let second = recognise(&ada, ben_id, &[&clarified], "wall").await;
    let (status, html) = hr
        .post_html(
            &format!("/admin/recognition/{second}/reject"),
            &[("reason", "  ")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("Give the nominator a reason"));
    let reason = "It names a customer. Could you describe it without their name?";
    let response = hr
        .post(
            &format!("/admin/recognition/{second}/reject"),
            &[("reason", reason)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, home) = ada.get_html("/").await;
    assert!(visible_text(&home).contains("HR didn't publish one of your nominations"));
    let (_, given) = ada.get_html("/recognition/given").await;
    let text = visible_text(&given);
    assert!(text.contains("Not published"), "{text}");
    assert!(text.contains(reason));
    assert_eq!(
        ben.get(&format!("/recognition/{second}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, home) = ada.get_html("/").await;
    assert!(
        visible_text(&home).contains("HR didn't publish"),
        "reading the list writes nothing"
    );
    let response = ada.post("/recognition/given/seen", &[]).await;
    assert_eq!(location(&response), "/recognition/given");
    let (_, home) = ada.get_html("/").await;
    assert!(
        !visible_text(&home).contains("HR didn't publish"),
        "seen once HR's reasons were opened from home"
    );
}

#[sqlx::test]
async fn a_reported_post_is_hidden_until_hr_reviews_it(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (_, ada) = person_in(
        &app,
        "ada@example.com",
        "Ada Lindqvist",
        "Engineering",
        "London",
    )
    .await;
    let (ben_id, _) = person_in(
        &app,
        "ben@example.com",
        "Ben Okafor",
        "Engineering",
        "London",
    )
    .await;
    let (_, eve) = person_in(
        &app,
        "eve@example.com",
        "Eve Novak",
        "Engineering",
        "London",
    )
    .await;
    let (_, fay) = person_in(&app, "fay@example.com", "Fay Haddad", "Finance", "London").await;
    let hr = app.hr_admin("hr@example.com").await;
    let id = recognise(&ada, ben_id, &[&behaviour_id(&pool, QUIETER).await], "wall").await;

    let (status, _) = eve
        .post_html(&format!("/recognition/{id}/report"), &[("reason", "")])
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is needed"
    );
    let response = eve
        .post(
            &format!("/recognition/{id}/report"),
            &[("reason", "This mentions my health.")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, wall) = fay.get_html("/recognition").await;
    assert!(!wall.contains("retry storm"), "hidden at once");
    assert_eq!(
        fay.get(&format!("/recognition/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );

    let (_, reports) = hr.get_html("/admin/recognition/reports").await;
    let text = visible_text(&reports);
    assert!(text.contains("This mentions my health."), "{text}");
    assert!(text.contains("Eve Novak"));
    // Reporting again while it waits changes nothing (it's off the wall, so not found).
    assert_eq!(
        eve.post(
            &format!("/recognition/{id}/report"),
            &[("reason", "And again.")],
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    let response = hr.post(&format!("/admin/recognition/{id}/keep"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, wall) = fay.get_html("/recognition").await;
    assert!(wall.contains("retry storm"), "back after review");

    // Eve can't take it off the wall again once HR has kept it: she is told why.
    let (status, html) = eve.get_html(&format!("/recognition/{id}/report")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        visible_text(&html).contains("an HR admin reviewed it and decided to keep it on the wall"),
        "{html}"
    );
    let (status, html) = eve
        .post_html(
            &format!("/recognition/{id}/report"),
            &[("reason", "I still don't like it.")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(visible_text(&html).contains("decided to keep it on the wall"));
    let (_, wall) = fay.get_html("/recognition").await;
    assert!(wall.contains("retry storm"), "still on the wall");
    let (_, reports) = hr.get_html("/admin/recognition/reports").await;
    assert!(
        !reports.contains("retry storm"),
        "nothing for HR to review without an open report"
    );
    let under_review: bool =
        sqlx::query_scalar("SELECT under_review FROM recognitions WHERE id = $1::uuid")
            .bind(&id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(!under_review);

    // Someone else who hasn't reported it yet still can.
    let response = fay
        .post(
            &format!("/recognition/{id}/report"),
            &[("reason", "Still not OK.")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, reports) = hr.get_html("/admin/recognition/reports").await;
    assert!(visible_text(&reports).contains("Still not OK."));
    let response = hr
        .post(&format!("/admin/recognition/{id}/remove"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        hr.post(&format!("/admin/recognition/{id}/remove"), &[])
            .await
            .status(),
        StatusCode::CONFLICT
    );
    let (_, wall) = eve.get_html("/recognition").await;
    assert!(!wall.contains("retry storm"));
    let (_, given) = ada.get_html("/recognition/given").await;
    assert!(visible_text(&given).contains("Removed by HR"));
}

#[sqlx::test]
async fn the_recipient_can_take_a_recognition_off_the_wall_and_back(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (_, ada) = person_in(
        &app,
        "ada@example.com",
        "Ada Lindqvist",
        "Engineering",
        "London",
    )
    .await;
    let (ben_id, ben) = person_in(
        &app,
        "ben@example.com",
        "Ben Okafor",
        "Engineering",
        "London",
    )
    .await;
    let (_, eve) = person_in(
        &app,
        "eve@example.com",
        "Eve Novak",
        "Engineering",
        "London",
    )
    .await;
    let hr = app.hr_admin("hr@example.com").await;
    let id = recognise(&ada, ben_id, &[&behaviour_id(&pool, QUIETER).await], "wall").await;

    // Only the recipient decides, not the nominator or HR.
    for other in [&ada, &hr] {
        assert_eq!(
            other
                .post(
                    &format!("/recognition/{id}/visibility"),
                    &[("on_wall", "no")]
                )
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
    }
    let response = ben
        .post(
            &format!("/recognition/{id}/visibility"),
            &[("on_wall", "no"), ("back", "/recognition/mine")],
        )
        .await;
    assert_eq!(location(&response), format!("/recognition/mine#post-{id}"));
    let (_, wall) = eve.get_html("/recognition").await;
    assert!(!wall.contains("retry storm"));
    let (_, mine) = ben.get_html("/recognition/mine").await;
    let text = visible_text(&mine);
    assert!(text.contains("Hidden from the wall by you"), "{text}");
    assert!(text.contains("Show it on the wall again"));

    ben.post(
        &format!("/recognition/{id}/visibility"),
        &[("on_wall", "yes")],
    )
    .await;
    let (_, wall) = eve.get_html("/recognition").await;
    assert!(wall.contains("retry storm"));
}

#[sqlx::test]
async fn each_person_appreciates_a_post_once_and_cross_team_posts_are_marked(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (_, ada) = person_in(
        &app,
        "ada@example.com",
        "Ada Lindqvist",
        "Engineering",
        "London",
    )
    .await;
    let (fay_id, _) = person_in(&app, "fay@example.com", "Fay Haddad", "Finance", "Toronto").await;
    let (_, eve) = person_in(
        &app,
        "eve@example.com",
        "Eve Novak",
        "Engineering",
        "London",
    )
    .await;
    let (_, gus) = person_in(&app, "gus@example.com", "Gus Silva", "Finance", "Toronto").await;
    let id = recognise(
        &ada,
        fay_id,
        &[&behaviour_id(&pool, OTHER_TEAM).await],
        "wall",
    )
    .await;

    let appreciate = |browser: Browser, action: &'static str| {
        let id = id.clone();
        async move {
            browser
                .post(
                    &format!("/recognition/{id}/appreciate"),
                    &[("action", action), ("back", "/recognition")],
                )
                .await
        }
    };
    let response = appreciate(eve.clone(), "add").await;
    assert_eq!(location(&response), format!("/recognition#post-{id}"));
    appreciate(eve.clone(), "add").await;
    appreciate(gus.clone(), "add").await;
    let (_, wall) = eve.get_html("/recognition").await;
    let text = visible_text(&wall);
    assert!(text.contains("2 people appreciate this"), "{text}");
    assert!(
        wall.contains(r#"aria-pressed="true""#),
        "Eve sees her appreciation"
    );
    assert!(text.contains("Across teams"));
    assert!(text.contains("From Engineering to Finance"));

    appreciate(gus.clone(), "remove").await;
    let (_, wall) = gus.get_html("/recognition").await;
    assert!(visible_text(&wall).contains("1 person appreciates this"));
    assert!(!wall.contains(r#"aria-pressed="true""#));
    // A redirect never leaves the site.
    let response = eve
        .post(
            &format!("/recognition/{id}/appreciate"),
            &[("action", "add"), ("back", "//evil.example")],
        )
        .await;
    assert_eq!(location(&response), format!("/recognition#post-{id}"));
}

#[sqlx::test]
async fn the_wall_filters_by_behaviour_department_and_office_and_paginates(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (_, ada) = person_in(
        &app,
        "ada@example.com",
        "Ada Lindqvist",
        "Engineering",
        "London",
    )
    .await;
    let (ben, _) = person_in(
        &app,
        "ben@example.com",
        "Ben Okafor",
        "Engineering",
        "London",
    )
    .await;
    let (fay, _) = person_in(&app, "fay@example.com", "Fay Haddad", "Finance", "Toronto").await;
    let quieter = behaviour_id(&pool, QUIETER).await;
    let other_team = behaviour_id(&pool, OTHER_TEAM).await;
    recognise(&ada, ben, &[&quieter], "wall").await;
    recognise(&ada, fay, &[&other_team], "wall").await;

    let names = |html: &str| {
        let text = visible_text(html);
        (
            text.contains("recognised Ben Okafor"),
            text.contains("recognised Fay Haddad"),
        )
    };
    let (_, all) = ada.get_html("/recognition").await;
    assert_eq!(names(&all), (true, true));
    let (_, html) = ada
        .get_html(&format!("/recognition?behaviour={quieter}"))
        .await;
    assert_eq!(names(&html), (true, false));
    let (_, html) = ada.get_html("/recognition?department=Finance").await;
    assert_eq!(names(&html), (false, true));
    let (_, html) = ada.get_html("/recognition?office=London").await;
    assert_eq!(names(&html), (true, false));
    let (_, html) = ada
        .get_html(&format!("/recognition?behaviour={quieter}&office=Toronto"))
        .await;
    assert!(visible_text(&html).contains("Nothing matches these filters yet"));
    let (status, _) = ada
        .get_html("/recognition?behaviour=nonsense&page=-4")
        .await;
    assert_eq!(status, StatusCode::OK, "odd filters are ignored");

    // Newest first, 20 to a page.
    sqlx::query(
        "INSERT INTO recognitions (id, nominator_id, recipient_id, story, happened_on, visibility, status, \
         nominator_department, nominator_office, recipient_department, recipient_office, submission_key, created_at) \
         SELECT gen_random_uuid(), nominator_id, recipient_id, story || ' #' || n, happened_on - n, visibility, status, \
         nominator_department, nominator_office, recipient_department, recipient_office, gen_random_uuid(), \
         created_at - n * interval '1 day' FROM recognitions, generate_series(1, 12) AS n",
    )
    .execute(&pool)
    .await
    .unwrap();
    // Newest first, 20 at a time, with "older" and "newer" links (the wall is never counted).
    let posts = |html: &str| html.matches("<article class=\"card recognition").count();
    let link = |html: &str, rel: &str| {
        let end = html.find(&format!("\" rel=\"{rel}\">"))?;
        let start = html[..end].rfind("href=\"")? + "href=\"".len();
        Some(html[start..end].replace("&amp;", "&"))
    };
    let (_, first) = ada.get_html("/recognition").await;
    assert_eq!(posts(&first), 20);
    assert_eq!(
        link(&first, "prev"),
        None,
        "the newest page has nothing newer"
    );
    let older = link(&first, "next").expect("an Older link");
    let (_, second) = ada.get_html(&format!("/recognition{older}")).await;
    assert_eq!(posts(&second), 6);
    assert!(
        visible_text(&second).contains(" #12"),
        "the oldest posts are on the last page"
    );
    assert!(!visible_text(&first).contains(" #12"));
    assert_eq!(link(&second, "next"), None, "nothing older than the oldest");
    // Back the other way: the 20 newer posts, the newest of them first.
    let newer = link(&second, "prev").expect("a Newer link");
    let (_, back) = ada.get_html(&format!("/recognition{newer}")).await;
    assert_eq!(posts(&back), 20);
    assert_eq!(
        visible_text(&back).split(" #").next(),
        visible_text(&first).split(" #").next(),
        "the same newest post heads the page"
    );
    // Filters travel with the links; a filtered wall that fits on a page has none.
    let (_, engineering) = ada.get_html("/recognition?department=Engineering").await;
    assert_eq!(posts(&engineering), 13);
    assert_eq!(link(&engineering, "next"), None);
    // A post added meanwhile doesn't shift what "older" shows.
    sqlx::query(
        "INSERT INTO recognitions (id, nominator_id, recipient_id, story, happened_on, visibility, status, \
         nominator_department, nominator_office, recipient_department, recipient_office, submission_key) \
         SELECT gen_random_uuid(), nominator_id, recipient_id, story || ' (new)', happened_on, visibility, \
         status, nominator_department, nominator_office, recipient_department, recipient_office, \
         gen_random_uuid() FROM recognitions ORDER BY created_at DESC LIMIT 1",
    )
    .execute(&pool)
    .await
    .unwrap();
    let (_, again) = ada.get_html(&format!("/recognition{older}")).await;
    assert_eq!(posts(&again), 6);
}

#[sqlx::test]
async fn user_text_is_escaped_everywhere_it_is_shown(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (_, ada) = person_in(
        &app,
        "ada@example.com",
        "Ada Lindqvist",
        "Engineering",
        "London",
    )
    .await;
    let (ben_id, ben) = person_in(
        &app,
        "ben@example.com",
        "Ben Okafor",
        "Engineering",
        "London",
    )
    .await;
    let hr = app.hr_admin("hr@example.com").await;
    let payload = "<script>alert('xss')</script> and <img src=x onerror=alert(1)> \
                   Ben explained our deploy jargon in plain words for the new joiners today.";
    let response = nominate(
        &ada,
        ben_id,
        &[&behaviour_id(&pool, QUIETER).await],
        payload,
        "wall",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let id = location(&response).replace("/recognition/", "");

    for (browser, path) in [
        (&ada, "/recognition".to_string()),
        (&ada, format!("/recognition/{id}")),
        (&ben, "/recognition/mine".to_string()),
        (&ada, "/recognition/given".to_string()),
        (&ada, format!("/recognition/people/{ben_id}")),
        (&hr, format!("/recognition/{id}/report")),
    ] {
        let (status, html) = browser.get_html(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!html.contains("<script>alert"), "{path}: no raw script");
        assert!(!html.contains("<img src=x"), "{path}: no raw image");
        // Askama escapes `<` and `>` as numeric references; both spellings are the same text.
        let escaped = html.replace("&#60;", "&lt;").replace("&#62;", "&gt;");
        assert!(
            escaped.contains("&lt;script&gt;alert("),
            "{path}: the script is shown as text"
        );
        assert!(
            escaped.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{path}"
        );
        assert!(
            visible_text(&html)
                .contains("<script>alert('xss')</script> and <img src=x onerror=alert(1)>"),
            "{path}: the text appears literally"
        );
    }
}

#[sqlx::test]
async fn hr_exports_a_formula_safe_csv_and_everyone_exports_what_they_received(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (_, ada) = person_in(
        &app,
        "ada@example.com",
        "Ada Lindqvist",
        "Engineering",
        "London",
    )
    .await;
    let (ben_id, ben) = person_in(
        &app,
        "ben@example.com",
        "Ben Okafor",
        "Engineering",
        "London",
    )
    .await;
    let (cy_id, cy) = person_in(&app, "cy@example.com", "Cy Moretti", "Finance", "London").await;
    let hr = app.hr_admin("hr@example.com").await;
    let quieter = behaviour_id(&pool, QUIETER).await;
    let formula = "=HYPERLINK(\"http://evil.example\",\"Click\") then she stayed late to \
                   walk me through the reconciliation, step by step.";
    let response = nominate(&ada, ben_id, &[&quieter], formula, "private").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let other = "+SUM(1,2) Cy turned the quarterly numbers into a story everyone could follow.";
    let response = nominate(&ada, cy_id, &[&quieter], other, "wall").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let today = today();
    let response = hr
        .post(
            "/admin/recognition/export.csv",
            &[("from", today.as_str()), ("to", today.as_str())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let body = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    let stories: Vec<&str> = rows.iter().map(|r| &r[10]).collect();
    assert!(
        stories.contains(&"(private)"),
        "private text stays out: {body}"
    );
    assert!(!body.contains("HYPERLINK") && !body.contains("reconciliation"));
    assert!(stories.contains(&format!("'{other}").as_str()), "{body}");
    assert!(!body.contains("\n+SUM") && !body.contains(",+SUM"));

    let (status, html) = hr
        .post_html(
            "/admin/recognition/export.csv",
            &[("from", "2026-05-01"), ("to", "2026-01-01")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("The end date must be on or after the start date"));
    assert_eq!(
        ada.post("/admin/recognition/export.csv", &[])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    // Ben's own export holds his private recognition, and nothing of Cy's.
    let mine = ben.get("/recognition/received.csv").await;
    assert_eq!(mine.status(), StatusCode::OK);
    let body = mine.text().await.unwrap();
    assert!(body.contains("'=HYPERLINK"), "{body}");
    assert!(!body.contains("quarterly numbers"));
    let theirs = cy
        .get("/recognition/received.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(theirs.contains("quarterly numbers") && !theirs.contains("HYPERLINK"));

    // A long period is written a batch at a time: 2,500 more, each once, in order.
    sqlx::query(
        "INSERT INTO recognitions (id, nominator_id, recipient_id, story, happened_on, visibility, status, \
         nominator_department, nominator_office, recipient_department, recipient_office, submission_key, created_at) \
         SELECT gen_random_uuid(), nominator_id, recipient_id, 'Batch ' || n || ': ' || story, happened_on, \
         'wall', 'published', nominator_department, nominator_office, recipient_department, recipient_office, \
         gen_random_uuid(), created_at - n * interval '1 millisecond' \
         FROM (SELECT * FROM recognitions WHERE visibility = 'wall' LIMIT 1) r, generate_series(1, 2500) n",
    )
    .execute(&pool)
    .await
    .unwrap();
    let body = hr
        .post(
            "/admin/recognition/export.csv",
            &[("from", today.as_str()), ("to", today.as_str())],
        )
        .await
        .text()
        .await
        .unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2 + 2500, "one header, every row once");
    let times: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    assert_eq!(body.matches("Nominated at (UTC)").count(), 1);
}

#[sqlx::test]
async fn hr_curates_the_behaviours_list(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    let (_, ada) = person_in(
        &app,
        "ada@example.com",
        "Ada Lindqvist",
        "Engineering",
        "London",
    )
    .await;
    let (ben, _) = person_in(
        &app,
        "ben@example.com",
        "Ben Okafor",
        "Engineering",
        "London",
    )
    .await;

    let (status, page) = hr.get_html("/admin/recognition/behaviours").await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&page);
    let seeded = [
        "Noticed a colleague was overwhelmed and offered support",
        "Invited input from quieter colleagues",
        "Clarified a misunderstanding",
        "Translated jargon into plain language",
        "Followed through on a commitment",
        "Acknowledged a different perspective",
        "Gave constructive feedback with curiosity",
        "Helped someone from another team",
    ];
    let positions: Vec<usize> = seeded.iter().map(|b| text.find(b).expect(b)).collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "in the seeded order"
    );

    // Add (and refuse a duplicate or a blank).
    let response = hr
        .post(
            "/admin/recognition/behaviours",
            &[("label", "Checked in after a hard conversation")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (status, html) = hr
        .post_html(
            "/admin/recognition/behaviours",
            &[("label", "clarified a MISUNDERSTANDING")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("already on the list"));
    let (status, _) = hr
        .post_html("/admin/recognition/behaviours", &[("label", " ")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Reorder: the new one moves up above the last seeded one.
    let new_id = behaviour_id(&pool, "Checked in after a hard conversation").await;
    let response = hr
        .post(
            &format!("/admin/recognition/behaviours/{new_id}/move"),
            &[("direction", "up")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = hr.get_html("/admin/recognition/behaviours").await;
    let text = visible_text(&page);
    assert!(
        text.find("Checked in after").unwrap()
            < text.find("Helped someone from another team").unwrap()
    );
    let (status, _) = hr
        .post_html(
            &format!("/admin/recognition/behaviours/{new_id}/move"),
            &[("direction", "sideways")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Rename.
    let response = hr
        .post(
            &format!("/admin/recognition/behaviours/{new_id}"),
            &[("label", "Checked in after a difficult conversation")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // Retire: it leaves the form, and can't be sent any more; past recognitions keep it.
    let quieter = behaviour_id(&pool, QUIETER).await;
    let id = recognise(&ada, ben, &[&quieter], "wall").await;
    hr.post(
        &format!("/admin/recognition/behaviours/{quieter}/retire"),
        &[],
    )
    .await;
    let (_, form) = ada.get_html(&format!("/recognition/new?to={ben}")).await;
    let text = visible_text(&form);
    assert!(!text.contains(QUIETER));
    assert!(text.contains("Checked in after a difficult conversation"));
    let response = nominate(&ada, ben, &[&quieter], STORY, "wall").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, post) = ada.get_html(&format!("/recognition/{id}")).await;
    assert!(visible_text(&post).contains(QUIETER));
    hr.post(
        &format!("/admin/recognition/behaviours/{quieter}/reinstate"),
        &[],
    )
    .await;
    let (_, form) = ada.get_html(&format!("/recognition/new?to={ben}")).await;
    assert!(visible_text(&form).contains(QUIETER));
}

#[sqlx::test]
async fn the_fairness_view_counts_by_department_and_office_and_lists_the_unrecognised(
    pool: PgPool,
) {
    let app = spawn_app(pool.clone()).await;
    let (_, ada) = person_in(
        &app,
        "ada@example.com",
        "Ada Lindqvist",
        "Engineering",
        "London",
    )
    .await;
    let (ben, _) = person_in(
        &app,
        "ben@example.com",
        "Ben Okafor",
        "Engineering",
        "London",
    )
    .await;
    let (fay, _) = person_in(&app, "fay@example.com", "Fay Haddad", "Finance", "Toronto").await;
    app.create_person_in(
        "gus@example.com",
        "Gus Silva",
        Roles::default(),
        "Finance",
        "Toronto",
    )
    .await;
    let hr = app.hr_admin("hr@example.com").await;
    recognise(&ada, ben, &[&behaviour_id(&pool, QUIETER).await], "wall").await;
    recognise(
        &ada,
        fay,
        &[&behaviour_id(&pool, OTHER_TEAM).await],
        "private",
    )
    .await;

    let (status, page) = hr.get_html("/admin/recognition/fairness").await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&page);
    // Department, active people, given, received, received across teams.
    // Per active person first (groups of different sizes compare), then the counts.
    assert!(text.contains("Engineering 2 1.0 0.5 0.0 2, 1, 0"), "{text}");
    assert!(text.contains("Finance 2 0.0 0.5 0.5 0, 1, 1"), "{text}");
    assert!(text.contains("London 2 1.0 0.5 0.0 2, 1, 0"), "{text}");
    assert!(text.contains("Toronto 2 0.0 0.5 0.5 0, 1, 1"), "{text}");
    let unrecognised = &text[text.find("Not recognised in the last 90 days").unwrap()..];
    assert!(unrecognised.contains("Gus Silva"));
    assert!(unrecognised.contains("Ada Lindqvist"));
    assert!(!unrecognised.contains("Ben Okafor") && !unrecognised.contains("Fay Haddad"));

    let (status, html) = hr
        .get_html("/admin/recognition/fairness?from=soon&to=")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("Enter a date as year-month-day"));
    let (status, _) = ada.get_html("/admin/recognition/fairness").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "HR only");
}

#[sqlx::test]
async fn recognition_settings_are_validated_and_kept(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    let (status, page) = hr.get_html("/admin/settings").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(r#"value="immediately" checked"#),
        "publish immediately by default"
    );
    assert!(page.contains(r#"name="recognition_weekly_limit" value="5""#));

    let (status, html) = hr
        .post_html(
            "/admin/settings",
            &[
                ("retake_interval_days", "30"),
                ("recognition_publishing", "sometimes"),
                ("recognition_weekly_limit", "0"),
                ("spotlight_per_department", "21"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&html);
    assert!(text.contains("Choose when nominations are published"));
    assert!(text.contains("from 1 to 50"));
    assert!(text.contains("from 0 to 20"));
    assert!(html.contains(r#"value="21""#), "what was typed is kept");
    let settings = attune::db::settings::get(&pool).await.unwrap();
    assert_eq!(settings.recognition_weekly_limit, 5, "nothing saved");

    let response = hr
        .post(
            "/admin/settings",
            &[
                ("retake_interval_days", "14"),
                ("recognition_publishing", "approval"),
                ("recognition_weekly_limit", "3"),
                ("spotlight_per_department", "0"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let settings = attune::db::settings::get(&pool).await.unwrap();
    assert_eq!(
        (
            settings.retake_interval_days,
            settings.recognition_requires_approval,
            settings.recognition_weekly_limit,
            settings.spotlight_per_department
        ),
        (14, true, 3, 0)
    );
}

#[sqlx::test]
async fn a_large_company_s_not_recognised_list_is_counted_only_so_far(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    sqlx::query(
        "INSERT INTO people (id, email, display_name, department) \
         SELECT gen_random_uuid(), 'p' || n || '@example.com', 'Person ' || n, 'Sales' \
         FROM generate_series(1, 1100) n",
    )
    .execute(&pool)
    .await
    .unwrap();
    let (status, html) = hr.get_html("/admin/recognition/fairness").await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&html);
    assert!(text.contains("More than 1000 active people"), "{text}");
    assert!(!text.contains("in all"), "no total is claimed: {text}");
    assert!(html.contains("rel=\"next\""), "the list goes on");
    let (status, html) = hr.get_html("/admin/recognition/fairness?page=2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(visible_text(&html).contains("Page 2"));
}

#[sqlx::test]
async fn the_spotlight_round_waits_for_someone_to_recognise_and_never_lists_nobody(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let config = attune::config::AppConfig::for_base_url("http://127.0.0.1".parse().unwrap());
    let draw = || attune::app::recognition::ensure_spotlight_round(&pool, &config, Utc::now());
    let rounds = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM spotlight_rounds")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    // A fresh install: only the first admin. Nobody to recognise, so no round yet.
    let hr = app.hr_admin("hr@example.com").await;
    draw().await.unwrap();
    assert_eq!(rounds().await, 0);
    let (_, home) = hr.get_html("/").await;
    assert!(!visible_text(&home).contains("Spotlight nominator this week"));

    // A colleague joins during the week: the scheduler's next turn draws the round then.
    let (_, ada) = person_in(
        &app,
        "ada@example.com",
        "Ada Lindqvist",
        "Support",
        "London",
    )
    .await;
    draw().await.unwrap();
    assert_eq!(rounds().await, 1);
    // Ada is alone in Support: her prompt names no colleague, so it offers the form instead
    // of a sentence that ends in nothing.
    let (_, home) = ada.get_html("/").await;
    let text = visible_text(&home);
    assert!(text.contains("Spotlight nominator this week"), "{text}");
    assert!(
        !text.contains("haven't been recognised in a while:"),
        "{text}"
    );
    assert!(text.contains("Recognise someone"));
}

#[sqlx::test]
async fn spotlight_nominators_rotate_so_everyone_has_a_turn_before_anyone_repeats(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    set_setting(&pool, "spotlight_per_department = 2").await;
    let mut engineering = Vec::new();
    for n in 0..7 {
        engineering.push(
            app.create_person_in(
                &format!("e{n}@example.com"),
                &format!("Engineer {n}"),
                Roles::default(),
                "Engineering",
                "London",
            )
            .await,
        );
    }
    let mut finance = Vec::new();
    for n in 0..3 {
        finance.push(
            app.create_person_in(
                &format!("f{n}@example.com"),
                &format!("Analyst {n}"),
                Roles::default(),
                "Finance",
                "Toronto",
            )
            .await,
        );
    }
    let monday = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();

    // Several replicas computing the same week at once agree on one round.
    let racers: Vec<_> = (0..6)
        .map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move {
                let config =
                    attune::config::AppConfig::for_base_url("http://127.0.0.1".parse().unwrap());
                attune::app::recognition::ensure_spotlight_round(&pool, &config, monday)
                    .await
                    .unwrap()
            })
        })
        .collect();
    for racer in racers {
        racer.await.unwrap();
    }
    let first_week: i64 = sqlx::query_scalar("SELECT count(*) FROM spotlight_invitations")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(first_week, 4, "2 per department, once");

    let config = attune::config::AppConfig::for_base_url("http://127.0.0.1".parse().unwrap());
    // Over the following weeks, nobody is invited a (k+1)-th time while a colleague in the
    // same department has been invited fewer than k times.
    let mut times: HashMap<Uuid, i64> = HashMap::new();
    for week in 0..12 {
        let now = monday + Duration::weeks(week) + Duration::hours(30);
        attune::app::recognition::ensure_spotlight_round(&pool, &config, now)
            .await
            .unwrap();
        attune::app::recognition::ensure_spotlight_round(&pool, &config, now)
            .await
            .unwrap();
        let invited: Vec<(Uuid, String)> = sqlx::query_as(
            "SELECT person_id, department FROM spotlight_invitations WHERE week_start = $1",
        )
        .bind(attune::domain::recognition::week_start(now.date_naive()))
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(invited.len(), 4, "week {week}");
        let invited_ids: Vec<Uuid> = invited.iter().map(|(id, _)| *id).collect();
        for department in [&engineering, &finance] {
            let waiting_min = department
                .iter()
                .filter(|id| !invited_ids.contains(id))
                .map(|id| times.get(id).copied().unwrap_or(0))
                .min()
                .unwrap_or(i64::MAX);
            for (id, _) in invited.iter().filter(|(id, _)| department.contains(id)) {
                assert!(
                    times.get(id).copied().unwrap_or(0) <= waiting_min,
                    "week {week}: invited again while a colleague waits for a turn"
                );
            }
            for (id, _) in invited.iter().filter(|(id, _)| department.contains(id)) {
                *times.entry(*id).or_default() += 1;
            }
        }
        if week == 2 {
            // After 3 rounds of 2, all 7 engineers have had a turn (6 + the 7th in week 3).
            assert!(
                engineering
                    .iter()
                    .filter(|id| times.contains_key(id))
                    .count()
                    >= 6
            );
        }
    }
    let engineers: Vec<i64> = engineering.iter().map(|id| times[id]).collect();
    assert!(
        engineers.iter().max().unwrap() - engineers.iter().min().unwrap() <= 1,
        "{engineers:?}"
    );

    // The invited see the prompt on their home page; the others don't.
    let (_, ada) = person_in(
        &app,
        "ada@example.com",
        "Ada Lindqvist",
        "Support",
        "London",
    )
    .await;
    // This week's round, as the scheduler draws it (pages only read it).
    attune::app::recognition::ensure_spotlight_round(&pool, &config, Utc::now())
        .await
        .unwrap();
    let (_, home) = ada.get_html("/").await;
    let text = visible_text(&home);
    assert!(
        text.contains("Spotlight nominator this week"),
        "a newcomer department's first round: {text}"
    );
    let hr = app.hr_admin("hr@example.com").await;
    let (status, page) = hr.get_html("/admin/recognition/spotlight").await;
    assert_eq!(status, StatusCode::OK);
    assert!(visible_text(&page).contains("This week"));
}

#[sqlx::test]
async fn odd_input_is_refused_with_a_message_never_an_error_page(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    set_setting(&pool, "recognition_requires_approval = true").await;
    let (_, ada) = person_in(
        &app,
        "ada@example.com",
        "Ada Lindqvist",
        "Engineering",
        "London",
    )
    .await;
    let (ben_id, _) = person_in(
        &app,
        "ben@example.com",
        "Ben Okafor",
        "Engineering",
        "London",
    )
    .await;
    let (_, eve) = person_in(
        &app,
        "eve@example.com",
        "Eve Novak",
        "Engineering",
        "London",
    )
    .await;
    let hr = app.hr_admin("hr@example.com").await;
    let quieter = behaviour_id(&pool, QUIETER).await;

    // Dates at the ends of the calendar, in the export and the fairness view.
    for (from, to) in [
        ("2026-12-01", "+262142-12-31"),
        ("+262142-12-01", "+262142-12-31"),
        ("-4714-01-01", "-4714-06-01"),
        ("1900-01-01", "1900-02-01"),
    ] {
        for path in [
            "/admin/recognition/export.csv",
            "/admin/recognition/fairness",
        ] {
            let query = format!(
                "from={}&to={}",
                from.replace('+', "%2B"),
                to.replace('+', "%2B")
            );
            let (status, html) = if path.ends_with(".csv") {
                hr.post_html(path, &[("from", from), ("to", to)]).await
            } else {
                hr.get_html(&format!("{path}?{query}")).await
            };
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{path} {from}..{to}"
            );
            assert!(
                visible_text(&html).contains("between the years 2000 and 2100"),
                "{path} {from}..{to}: {html}"
            );
        }
    }

    // A NUL byte in the story, a report, a rejection reason or a behaviour label.
    let story = format!("{STORY}\0");
    let response = nominate(&ada, ben_id, &[&quieter], &story, "wall").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&response.text().await.unwrap()).contains("can't be shown"));
    assert_eq!(count(&pool).await, 0);

    let id = recognise(&ada, ben_id, &[&quieter], "wall").await;
    let (status, html) = hr
        .post_html(
            &format!("/admin/recognition/{id}/reject"),
            &[("reason", "It names\0 a customer.")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        visible_text(&html).contains("such as a null character"),
        "{html}"
    );
    let (status, _) = hr
        .post_html(
            &format!("/admin/recognition/{id}/reject"),
            &[("reason", "Bell \u{7} and escape \u{1b} too.")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    hr.post(&format!("/admin/recognition/{id}/approve"), &[])
        .await;
    let (status, html) = eve
        .post_html(
            &format!("/recognition/{id}/report"),
            &[("reason", "This\0 is private.")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("such as a null character"));
    let reports: i64 = sqlx::query_scalar("SELECT count(*) FROM recognition_reports")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(reports, 0, "nothing stored");
    // Line breaks and tabs are fine in a report.
    let response = eve
        .post(
            &format!("/recognition/{id}/report"),
            &[("reason", "Line one.\r\n\tLine two.")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let (status, html) = hr
        .post_html(
            "/admin/recognition/behaviours",
            &[("label", "Listened\0 first")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("control characters"));
    let behaviour = behaviour_id(&pool, CLARIFIED).await;
    let (status, _) = hr
        .post_html(
            &format!("/admin/recognition/behaviours/{behaviour}"),
            &[("label", "Clarified\0 it")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Searches with a NUL byte, or far too long.
    let (status, html) = ada.get_html("/recognition/new?q=Ben%00").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&html);
    assert!(
        text.contains("Names don't contain control characters"),
        "{text}"
    );
    assert!(
        html.contains(r#"value="Ben""#),
        "what was typed, shown safely"
    );
    let response = ada.get("/recognition/colleagues?q=%00").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("control characters")
    );
    let long = "Okafor".repeat(2000);
    let (status, _) = ada.get_html(&format!("/recognition/new?q={long}")).await;
    assert_eq!(status, StatusCode::OK);
    let response = ada.get(&format!("/recognition/colleagues?q={long}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "[]");
}

#[sqlx::test]
async fn behaviours_added_and_moved_at_the_same_moment_keep_distinct_positions(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    let other_hr = app.hr_admin("hr2@example.com").await;

    // Two admins add behaviours at the same moment: every distinct label is added.
    let labels: Vec<String> = (1..=16)
        .map(|n| format!("Shared a useful note number {n}"))
        .collect();
    let mut tasks = Vec::new();
    for (n, label) in labels.iter().enumerate() {
        let browser = if n % 2 == 0 {
            hr.clone()
        } else {
            other_hr.clone()
        };
        let label = label.clone();
        tasks.push(tokio::spawn(async move {
            browser
                .post("/admin/recognition/behaviours", &[("label", &label)])
                .await
                .status()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::SEE_OTHER);
    }
    let positions: Vec<i32> =
        sqlx::query_scalar("SELECT position FROM recognition_behaviours ORDER BY position")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(positions, (1..=24).collect::<Vec<i32>>());

    // Moves at the same moment never end in an error page, and positions stay distinct.
    let ids: Vec<Uuid> =
        sqlx::query_scalar("SELECT id FROM recognition_behaviours ORDER BY position")
            .fetch_all(&pool)
            .await
            .unwrap();
    let mut tasks = Vec::new();
    for (n, id) in ids.iter().enumerate() {
        for direction in ["up", "down"] {
            let browser = if n % 2 == 0 {
                hr.clone()
            } else {
                other_hr.clone()
            };
            let path = format!("/admin/recognition/behaviours/{id}/move");
            tasks.push(tokio::spawn(async move {
                browser
                    .post(&path, &[("direction", direction)])
                    .await
                    .status()
            }));
        }
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::SEE_OTHER);
    }
    let distinct: i64 =
        sqlx::query_scalar("SELECT count(DISTINCT position) FROM recognition_behaviours")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(distinct, 24);

    // A real clash of labels is still a label error, when adding or renaming.
    let (status, html) = hr
        .post_html(
            "/admin/recognition/behaviours",
            &[("label", "shared a useful NOTE number 3")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("already on the list"));
    let clarified = behaviour_id(&pool, CLARIFIED).await;
    let (status, html) = hr
        .post_html(
            &format!("/admin/recognition/behaviours/{clarified}"),
            &[("label", "Shared a useful note number 4")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("already on the list"));
}

/// The wall rule is written twice: in Rust (`Recognition::on_wall`) and in the SQL of the wall
/// query (which the partial wall indexes match). Every combination of status, visibility,
/// hidden by the recipient and under review: the SQL selects exactly those Rust puts on the
/// wall.
#[sqlx::test]
async fn the_wall_query_and_the_wall_rule_agree_on_every_state(pool: PgPool) {
    use attune::db::recognition::{self as store, WallFilter};
    use attune::domain::pagination::Keyset;

    let app = spawn_app(pool.clone()).await;
    let ada = app
        .create_person("ada@example.com", "Ada Lovelace", Roles::default())
        .await;
    let ben = app
        .create_person("ben@example.com", "Ben Okafor", Roles::default())
        .await;
    let mut ids = Vec::new();
    for status in ["pending", "published", "rejected", "removed"] {
        for visibility in ["wall", "private"] {
            for hidden in [false, true] {
                for under_review in [false, true] {
                    let id = Uuid::new_v4();
                    sqlx::query(
                        "INSERT INTO recognitions (id, nominator_id, recipient_id, story, \
                         happened_on, visibility, status, rejection_reason, hidden_by_recipient, \
                         under_review, nominator_department, nominator_office, \
                         recipient_department, recipient_office, submission_key) \
                         VALUES ($1, $2, $3, $4, current_date, $5, $6, \
                         CASE WHEN $6 = 'rejected' THEN 'Not this time.' END, $7, $8, \
                         '', '', '', '', gen_random_uuid())",
                    )
                    .bind(id)
                    .bind(ada)
                    .bind(ben)
                    .bind(STORY)
                    .bind(visibility)
                    .bind(status)
                    .bind(hidden)
                    .bind(under_review)
                    .execute(&pool)
                    .await
                    .unwrap();
                    ids.push(id);
                }
            }
        }
    }
    assert_eq!(ids.len(), 32);

    let mut by_rule = Vec::new();
    for id in &ids {
        let recognition = store::find(&pool, ada, *id).await.unwrap().unwrap();
        if recognition.on_wall() {
            by_rule.push(*id);
        }
    }
    let on_wall = store::wall(&pool, ada, &WallFilter::default(), Keyset::Newest, 100)
        .await
        .unwrap();
    let mut by_sql: Vec<Uuid> = on_wall.iter().map(|r| r.id).collect();
    by_sql.sort();
    by_rule.sort();
    assert!(!by_rule.is_empty());
    assert_eq!(by_sql, by_rule);
}

/// Colleagues in two departments recognising each other at the same moment, in both
/// directions: every nomination goes through (no error page from two of them waiting for each
/// other), and the fairness tallies count each one once.
#[sqlx::test]
async fn nominations_crossing_at_the_same_moment_all_go_through(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let behaviour = behaviour_id(&pool, OTHER_TEAM).await;
    let mut people = Vec::new();
    for n in 0..8 {
        for department in ["Sales", "Finance"] {
            let email = format!("{}{n}@example.com", department.to_lowercase());
            let id = app
                .create_person_in(
                    &email,
                    &format!("{department} {n}"),
                    Roles::default(),
                    department,
                    "London",
                )
                .await;
            let browser = app.browser();
            assert_eq!(
                browser.sign_in(&email, common::PASSWORD).await.status(),
                StatusCode::SEE_OTHER
            );
            people.push((id, browser));
        }
    }
    // Each Sales colleague and their Finance counterpart recognise each other at once.
    let mut tasks = Vec::new();
    for pair in people.chunks(2) {
        for (from, to) in [(&pair[0], &pair[1]), (&pair[1], &pair[0])] {
            let browser = from.1.clone();
            let recipient = to.0;
            let behaviour = behaviour.clone();
            tasks.push(tokio::spawn(async move {
                nominate(&browser, recipient, &[&behaviour], STORY, "wall")
                    .await
                    .status()
            }));
        }
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::SEE_OTHER);
    }
    let tallies: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT name, sum(given)::int8, sum(received)::int8, sum(cross_team)::int8 \
         FROM recognition_tallies WHERE grouping = 'department' GROUP BY name ORDER BY name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        tallies,
        vec![("Finance".into(), 8, 8, 8), ("Sales".into(), 8, 8, 8)]
    );
}
