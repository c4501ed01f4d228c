//! Connecting across teams over HTTP: taking part in conversation pairs, the weekly round
//! (drawn once), seeing and marking one's pair, privacy from HR, HR's aggregates; circle
//! programmes, sign-up, formation, reviews and notes for members only, leaving.

use crate::common;

use attune::domain::people::Roles;
use chrono::Utc;
use common::{Browser, TestApp, location, spawn_app, visible_text};
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

/// Signs in a person created in a department and office.
async fn person(
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
    let response = browser.sign_in(email, common::PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    (id, browser)
}

async fn opt_in(browser: &Browser, cadence: &str, mode: &str) {
    let response = browser
        .post("/connect/pairs", &[("cadence", cadence), ("mode", mode)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/connect");
}

/// The group id of a person's conversation this week.
async fn group_of(pool: &PgPool, person: Uuid) -> Uuid {
    sqlx::query_scalar(
        "SELECT group_id FROM pair_members WHERE person_id = $1 ORDER BY week_start DESC LIMIT 1",
    )
    .bind(person)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test]
async fn people_opt_in_pause_resume_and_leave(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (_, ana) = person(
        &app,
        "ana@example.com",
        "Ana Alvarez",
        "Engineering",
        "London",
    )
    .await;

    let (status, html) = ana.get_html("/connect").await;
    assert_eq!(status, StatusCode::OK);
    assert!(visible_text(&html).contains("Take part in conversation pairs"));

    // A form without choices comes back with both problems and what was chosen.
    let (status, html) = ana
        .post_html("/connect/pairs", &[("cadence", "3"), ("mode", "video")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&html);
    assert!(text.contains("Choose how often"), "{text}");
    assert!(html.contains(r#"id="mode-video" name="mode" value="video" checked"#));

    // Pausing before joining is a conflict, not a silent success.
    assert_eq!(
        ana.post("/connect/pairs/pause", &[]).await.status(),
        StatusCode::CONFLICT
    );

    opt_in(&ana, "2", "in_person").await;
    let text = visible_text(&ana.get_html("/connect").await.1);
    assert!(
        text.contains("You're paired every two weeks, in person."),
        "{text}"
    );

    assert_eq!(
        ana.post("/connect/pairs/pause", &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    let text = visible_text(&ana.get_html("/connect").await.1);
    assert!(text.contains("Paused."), "{text}");
    let paused: bool = sqlx::query_scalar("SELECT paused FROM pair_participants")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(paused);

    assert_eq!(
        ana.post("/connect/pairs/resume", &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    let text = visible_text(&ana.get_html("/connect").await.1);
    assert!(text.contains("You're paired every two weeks"), "{text}");

    assert_eq!(
        ana.post("/connect/pairs/leave", &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM pair_participants")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[sqlx::test]
async fn a_round_pairs_people_once_and_only_they_see_their_pair(pool: PgPool) {
    let app = spawn_app(pool).await;
    let config = common::config_for(&app.address, None, None);
    let (ana_id, ana) = person(
        &app,
        "ana@example.com",
        "Ana Alvarez",
        "Engineering",
        "London",
    )
    .await;
    let (ben_id, ben) = person(&app, "ben@example.com", "Ben Okafor", "Finance", "London").await;
    let (_, carla) = person(
        &app,
        "carla@example.com",
        "Carla Moretti",
        "Finance",
        "Toronto",
    )
    .await;
    let hr = app.hr_admin("hr@example.com").await;
    opt_in(&ana, "1", "in_person").await;
    opt_in(&ben, "1", "in_person").await;
    opt_in(&carla, "4", "video").await;

    // Several replicas at once draw the week's round once.
    let now = Utc::now();
    let (a, b) = tokio::join!(
        attune::app::connect::ensure_pair_round(&app.pool, now),
        attune::app::connect::ensure_pair_round(&app.pool, now),
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1, "one group of three");
    assert_eq!(
        attune::app::connect::ensure_pair_round(&app.pool, now)
            .await
            .unwrap(),
        0
    );
    let rounds: i64 = sqlx::query_scalar("SELECT count(*) FROM pair_rounds")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(rounds, 1);
    let told = attune::app::connect::announce_pairs(&app.pool, &config, now)
        .await
        .unwrap();
    assert_eq!(told, 3);
    assert_eq!(
        attune::app::connect::announce_pairs(&app.pool, &config, now)
            .await
            .unwrap(),
        0
    );
    let mails: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT subject, calendar FROM outbox WHERE kind = 'pair_matched' ORDER BY to_address",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(mails.len(), 3);
    assert!(
        mails[0].0.starts_with("You're paired with "),
        "{}",
        mails[0].0
    );
    assert!(mails[0].1.as_deref().unwrap_or("").contains("BEGIN:VEVENT"));

    // Ana sees who, how to reach them and prompts, on the page and at home.
    let text = visible_text(&ana.get_html("/connect").await.1);
    assert!(text.contains("Ben Okafor"), "{text}");
    assert!(text.contains("ben@example.com"), "{text}");
    assert!(text.contains("How are you, really?"), "{text}");
    let home = visible_text(&ana.get_html("/").await.1);
    assert!(home.contains("This round you're paired with"), "{home}");

    // The pair is theirs alone: HR and anyone else get 404 on it.
    let group = group_of(&app.pool, ana_id).await;
    assert_eq!(group, group_of(&app.pool, ben_id).await);
    for path in [format!("/connect/pairs/{group}/calendar.ics")] {
        assert_eq!(hr.get(&path).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(ana.get(&path).await.status(), StatusCode::OK);
    }
    let happened = format!("/connect/pairs/{group}/happened");
    assert_eq!(
        hr.post(&happened, &[]).await.status(),
        StatusCode::NOT_FOUND
    );
    let hr_page = visible_text(&hr.get_html("/connect").await.1);
    assert!(!hr_page.contains("Ana Alvarez"), "{hr_page}");

    // Marking it happened counts once for HR, however many times it is marked.
    assert_eq!(
        ana.post(&happened, &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        ben.post(&happened, &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    let text = visible_text(&ben.get_html("/connect").await.1);
    assert!(text.contains("Marked as happened"), "{text}");
    let counted: i32 = sqlx::query_scalar("SELECT happened FROM pair_rounds")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(counted, 1);

    // Three people are under the threshold: HR sees that a round ran, not its figures.
    let (status, html) = hr.get_html("/admin/connect").await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&html);
    assert!(text.contains("Fewer than 5 people: not shown"), "{text}");
    assert!(!text.contains("Ben"), "{text}");
}

#[sqlx::test]
async fn hr_sees_round_figures_from_five_people_and_sets_the_rules(pool: PgPool) {
    let app = spawn_app(pool).await;
    let departments = [
        "Engineering",
        "Finance",
        "Sales",
        "Support",
        "Legal",
        "Design",
    ];
    let mut browsers = Vec::new();
    for (n, department) in departments.iter().enumerate() {
        let (_, b) = person(
            &app,
            &format!("p{n}@example.com"),
            &format!("Person {n}"),
            department,
            "London",
        )
        .await;
        opt_in(&b, "2", "video").await;
        browsers.push(b);
    }
    let hr = app.hr_admin("hr@example.com").await;
    // A bad setting is explained next to its field, with the choice kept.
    let (status, html) = hr
        .post_html(
            "/admin/connect",
            &[("pairing", "cross_team"), ("no_repeat_rounds", "0")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("Enter a number of weeks from 1 to 104"));
    assert!(html.contains(r#"value="cross_team" checked"#));
    let response = hr
        .post(
            "/admin/connect",
            &[("pairing", "cross_team"), ("no_repeat_rounds", "8")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let logged: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'pair_settings_changed'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(logged, 1);

    let groups = attune::app::connect::ensure_pair_round(&app.pool, Utc::now())
        .await
        .unwrap();
    assert_eq!(groups, 3);
    let same_department: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pair_members a JOIN pair_members b ON a.group_id = b.group_id \
         AND a.person_id < b.person_id JOIN people pa ON pa.id = a.person_id \
         JOIN people pb ON pb.id = b.person_id WHERE pa.department = pb.department",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(same_department, 0);

    // Five days on, a gentle reminder for the conversations nobody marked, once.
    let config = common::config_for(&app.address, None, None);
    let now = Utc::now();
    attune::app::connect::announce_pairs(&app.pool, &config, now)
        .await
        .unwrap();
    let marked: Uuid = sqlx::query_scalar("SELECT id FROM pair_groups ORDER BY id LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let member: Uuid =
        sqlx::query_scalar("SELECT person_id FROM pair_members WHERE group_id = $1 LIMIT 1")
            .bind(marked)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let email: String = sqlx::query_scalar("SELECT email FROM people WHERE id = $1")
        .bind(member)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let n: usize = email
        .trim_start_matches('p')
        .trim_end_matches("@example.com")
        .parse()
        .unwrap();
    let response = browsers[n]
        .post(&format!("/connect/pairs/{marked}/skipped"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let later = now + chrono::Duration::days(6);
    let reminded = attune::app::connect::send_pair_reminders(&app.pool, &config, later)
        .await
        .unwrap();
    assert_eq!(reminded, 4, "two unmarked pairs");
    assert_eq!(
        attune::app::connect::send_pair_reminders(&app.pool, &config, later)
            .await
            .unwrap(),
        0
    );

    let text = visible_text(&hr.get_html("/admin/connect").await.1);
    assert!(text.contains("6 of 6"), "{text}");
    assert!(text.contains("33%"), "one of three skipped: {text}");
    assert!(!text.contains("Person 1"), "HR never sees who: {text}");

    // HR's anonymity threshold applies here too: six people are too few for seven.
    common::set_threshold(&hr, 7).await;
    let text = visible_text(&hr.get_html("/admin/connect").await.1);
    assert!(text.contains("Fewer than 7 people: not shown"), "{text}");
    assert!(!text.contains("6 of 6"), "{text}");
}

/// Opens a programme as the organizer; returns its id.
async fn open_programme(organizer: &Browser) -> Uuid {
    let today = Utc::now().date_naive();
    let closes = (today + chrono::Duration::days(7))
        .format("%Y-%m-%d")
        .to_string();
    let first = (today + chrono::Duration::days(14))
        .format("%Y-%m-%dT15:00")
        .to_string();
    let opens = today.format("%Y-%m-%d").to_string();
    let response = organizer
        .post(
            "/connect/programmes",
            &[
                ("theme", "Listening under pressure"),
                ("circle_size", "4"),
                ("cross_functional", "on"),
                ("signup_opens_on", &opens),
                ("signup_closes_on", &closes),
                ("first_session", &first),
                ("sessions", "4"),
                ("every_weeks", "3"),
                ("minutes", "60"),
                ("time_zone", "Europe/London"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    location(&response)
        .strip_prefix("/connect/programmes/")
        .unwrap()
        .parse()
        .unwrap()
}

#[sqlx::test]
async fn circles_are_formed_from_sign_ups_and_their_notes_stay_with_members(pool: PgPool) {
    let app = spawn_app(pool).await;
    let organizer = app.organizer("org@example.com").await;
    let hr = app.hr_admin("hr@example.com").await;

    // The form keeps what was typed and says what's wrong.
    let (status, html) = organizer
        .post_html(
            "/connect/programmes",
            &[("theme", "Roles"), ("circle_size", "9")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&html);
    assert!(
        text.contains("Choose a circle size of 4, 5 or 6 people."),
        "{text}"
    );
    assert!(html.contains(r#"value="Roles""#));

    let programme = open_programme(&organizer).await;
    let departments = ["Engineering", "Finance", "Sales", "Support"];
    let mut people = Vec::new();
    for n in 0..8 {
        let (id, b) = person(
            &app,
            &format!("m{n}@example.com"),
            &format!("Member {n}"),
            departments[n % 4],
            "London",
        )
        .await;
        let response = b
            .post(&format!("/connect/programmes/{programme}/signup"), &[])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        people.push((id, b));
    }
    let (_, outsider) = person(&app, "out@example.com", "Olu Outside", "Legal", "London").await;

    // Not before sign-ups close.
    let form = format!("/connect/programmes/{programme}/form");
    assert_eq!(
        organizer.post(&form, &[]).await.status(),
        StatusCode::CONFLICT
    );
    sqlx::query("UPDATE circle_programmes SET signup_closes_on = current_date - 1, signup_opens_on = current_date - 10")
        .execute(&app.pool)
        .await
        .unwrap();
    // Too late to sign up now.
    assert_eq!(
        outsider
            .post(&format!("/connect/programmes/{programme}/signup"), &[])
            .await
            .status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        people[0].1.post(&form, &[]).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        organizer.post(&form, &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        organizer.post(&form, &[]).await.status(),
        StatusCode::CONFLICT,
        "formed once"
    );

    // Two circles of four, each mixing all four departments.
    let circles: Vec<(Uuid, i64, i64)> = sqlx::query_as(
        "SELECT m.circle_id, count(*), count(DISTINCT p.department) FROM circle_members m \
         JOIN people p ON p.id = m.person_id GROUP BY m.circle_id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(circles.len(), 2);
    assert!(
        circles
            .iter()
            .all(|(_, size, departments)| *size == 4 && *departments == 4)
    );
    let told: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE kind = 'circle_formed'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(told, 8);

    // A member sees the circle and adds a note; HR, the organizer and outsiders get 404.
    let circle = circles[0].0;
    let member_id: Uuid = sqlx::query_scalar(
        "SELECT person_id FROM circle_members WHERE circle_id = $1 ORDER BY person_id LIMIT 1",
    )
    .bind(circle)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let member = &people.iter().find(|(id, _)| *id == member_id).unwrap().1;
    let page = format!("/connect/circles/{circle}");
    let (status, html) = member.get_html(&page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(visible_text(&html).contains("Session 4"));
    let (status, html) = member
        .post_html(&format!("{page}/notes"), &[("body", "  ")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("Write a note first."));
    let note =
        "Our sales colleague explained the quarter-end rush: now the Friday emails make sense.";
    assert_eq!(
        member
            .post(&format!("{page}/notes"), &[("body", note)])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert!(visible_text(&member.get_html(&page).await.1).contains(note));
    for browser in [&hr, &organizer, &outsider] {
        assert_eq!(browser.get(&page).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            browser
                .post(&format!("{page}/notes"), &[("body", "hello")])
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            browser.get(&format!("{page}/calendar.ics")).await.status(),
            StatusCode::NOT_FOUND
        );
    }
    // The organizer sees members on the programme page, never the notes.
    let text = visible_text(
        &organizer
            .get_html(&format!("/connect/programmes/{programme}"))
            .await
            .1,
    );
    assert!(text.contains("Circle 1"), "{text}");
    assert!(!text.contains("quarter-end"), "{text}");

    // A review waits for its session to start.
    let session: Uuid = sqlx::query_scalar("SELECT id FROM circle_sessions WHERE number = 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let review = [
        ("session", session.to_string()),
        (
            "what_happened",
            "We each described a hard week.".to_string(),
        ),
        (
            "roles_learned",
            "Support carries the angry calls nobody else sees.".to_string(),
        ),
        ("will_try", "Ask before assuming.".to_string()),
    ];
    let review: Vec<(&str, &str)> = review.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        member
            .post(&format!("{page}/reviews"), &review)
            .await
            .status(),
        StatusCode::CONFLICT
    );
    sqlx::query("UPDATE circle_sessions SET starts_at = now() - interval '1 day' WHERE id = $1")
        .bind(session)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        member
            .post(&format!("{page}/reviews"), &review)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert!(
        visible_text(&member.get_html(&page).await.1).contains("Support carries the angry calls")
    );

    // Leaving tells the others.
    assert_eq!(
        member.post(&format!("{page}/leave"), &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(member.get(&page).await.status(), StatusCode::NOT_FOUND);
    let left: i64 =
        sqlx::query_scalar("SELECT count(*) FROM outbox WHERE kind = 'circle_member_left'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(left, 3);

    // The circle of three can't be merged: the other circle of four has room for two more.
    let merge = format!("/connect/circles/{circle}/merge");
    assert_eq!(
        member.post(&merge, &[]).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        organizer.post(&merge, &[]).await.status(),
        StatusCode::CONFLICT,
        "no room in circles of six"
    );

    // HR sees counts only.
    let text = visible_text(&hr.get_html("/admin/connect").await.1);
    assert!(text.contains("Listening under pressure"), "{text}");
    assert!(!text.contains("quarter-end"), "{text}");
    assert!(!text.contains("Member 1"), "{text}");
}

#[sqlx::test]
async fn an_organizer_merges_a_circle_that_got_small_into_the_others(pool: PgPool) {
    let app = spawn_app(pool).await;
    let organizer = app.organizer("org@example.com").await;
    let programme = open_programme(&organizer).await;
    let departments = ["Engineering", "Finance", "Sales", "Support"];
    let mut people = Vec::new();
    for n in 0..12 {
        let (id, b) = person(
            &app,
            &format!("m{n}@example.com"),
            &format!("Member {n}"),
            departments[n % 4],
            "London",
        )
        .await;
        b.post(&format!("/connect/programmes/{programme}/signup"), &[])
            .await;
        people.push((id, b));
    }
    sqlx::query("UPDATE circle_programmes SET signup_closes_on = current_date - 1, signup_opens_on = current_date - 10")
        .execute(&app.pool)
        .await
        .unwrap();
    let form = format!("/connect/programmes/{programme}/form");
    assert_eq!(
        organizer.post(&form, &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    let circle: Uuid = sqlx::query_scalar("SELECT id FROM circles WHERE number = 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let members: Vec<Uuid> = sqlx::query_scalar(
        "SELECT person_id FROM circle_members WHERE circle_id = $1 ORDER BY person_id",
    )
    .bind(circle)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(members.len(), 4);
    let browser = |id: Uuid| &people.iter().find(|(p, _)| *p == id).unwrap().1;
    let page = format!("/connect/circles/{circle}");
    assert_eq!(
        browser(members[0])
            .post(&format!("{page}/leave"), &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    // The programme page offers to merge the circle of three; merging moves the three.
    let text = visible_text(
        &organizer
            .get_html(&format!("/connect/programmes/{programme}"))
            .await
            .1,
    );
    assert!(text.contains("Merge circle 1 into the others"), "{text}");
    assert_eq!(
        organizer.post(&format!("{page}/merge"), &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        organizer.post(&format!("{page}/merge"), &[]).await.status(),
        StatusCode::CONFLICT
    );
    for moved in &members[1..] {
        let b = browser(*moved);
        assert_eq!(
            b.get(&page).await.status(),
            StatusCode::NOT_FOUND,
            "no longer in circle 1"
        );
        let text = visible_text(&b.get_html("/connect").await.1);
        assert!(text.contains("Listening under pressure"), "{text}");
    }
    let sizes: Vec<i64> = sqlx::query_scalar(
        "SELECT count(*) FROM circle_members WHERE left_at IS NULL GROUP BY circle_id ORDER BY 1",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(sizes, vec![5, 6]);
    let logged: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'circle_merged'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(logged, 1);
}
