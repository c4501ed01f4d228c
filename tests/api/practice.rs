//! Practice over HTTP: publishing and doing perspective exercises, private reflections, the
//! anonymous takeaway board's threshold, role stories, challenges and the private journal.

use crate::common;

use attune::domain::people::Roles;
use common::{Browser, location, spawn_app, take_quiz, visible_text};
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

/// Answers whose weakest aspect is emotion comprehension (as in tests/api/resources.rs).
fn comprehension_lowest() -> [u8; 16] {
    let mut answers = [2; 16];
    answers[7] = 0;
    answers[11] = 4;
    answers[14] = 4;
    answers
}

fn exercise_form<'a>(title: &'a str, aspect: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("format", "film"),
        ("media_url", "https://intranet.example.org/films/front-desk"),
        (
            "text_alternative",
            "Transcript. A receptionist greets forty visitors before nine.\n\nNobody asks how she is.",
        ),
        ("minutes", "12"),
        ("aspects", aspect),
        ("prompt1", "What did she carry that nobody saw?"),
        (
            "prompt2",
            "What will you ask the next person at a front desk?",
        ),
    ]
}

/// Publishes an exercise as `browser` (an organizer or HR); returns its id.
async fn publish(browser: &Browser, title: &str, aspect: &str) -> Uuid {
    let response = browser
        .post("/practice/exercises", &exercise_form(title, aspect))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "published");
    let path = location(&response);
    path.strip_prefix("/practice/exercises/")
        .expect("redirected to the exercise")
        .parse()
        .unwrap()
}

#[sqlx::test]
async fn organizers_publish_exercises_that_join_the_library_and_refuse_incomplete_ones(
    pool: PgPool,
) {
    let app = spawn_app(pool).await;
    let organizer = app.organizer("olu@example.com").await;
    let employee = app.employee("eve@example.com").await;

    // Employees can't publish.
    let refused = employee
        .post(
            "/practice/exercises",
            &exercise_form("Mine", "emotion-comprehension"),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // One prompt and no transcript: 422, with messages and what was typed kept.
    let mut incomplete = exercise_form("A day at the front desk", "emotion-comprehension");
    incomplete.retain(|(name, _)| *name != "prompt2" && *name != "text_alternative");
    let (status, html) = organizer
        .post_html("/practice/exercises", &incomplete)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&html);
    assert!(text.contains("Write 2 to 4 reflection questions"), "{text}");
    assert!(text.contains("Enter the transcript or text"), "{text}");
    assert!(html.contains("value=\"A day at the front desk\""));
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM practice_exercises")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 0, "nothing half-written");

    let id = publish(
        &organizer,
        "A day at the front desk",
        "emotion-comprehension",
    )
    .await;
    let (status, html) = employee
        .get_html(&format!("/practice/exercises/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&html);
    assert!(
        text.contains("Nobody asks how she is."),
        "the transcript is on the page"
    );
    assert!(text.contains("What did she carry that nobody saw?"));
    assert!(html.contains("https://intranet.example.org/films/front-desk"));

    // It is an exercise in the library, linking to its page in Attune.
    let (_, library) = employee.get_html("/library?kind=exercise").await;
    assert!(
        library.contains(&format!("href=\"/practice/exercises/{id}\"")),
        "in the library"
    );
    // And on the practice page.
    let (_, practice) = employee.get_html("/practice").await;
    assert!(visible_text(&practice).contains("A day at the front desk"));
}

#[sqlx::test]
async fn reflections_are_private_and_finishing_them_marks_the_exercise_done(pool: PgPool) {
    let app = spawn_app(pool).await;
    let organizer = app.organizer("olu@example.com").await;
    let eve = app.employee("eve@example.com").await;
    let hr = app.hr_admin("hr@example.com").await;
    let id = publish(
        &organizer,
        "A day at the front desk",
        "emotion-comprehension",
    )
    .await;
    let path = format!("/practice/exercises/{id}");

    // Nothing written: 422 with the reason.
    let (status, html) = eve
        .post_html(
            &format!("{path}/reflections"),
            &[("reflection1", " "), ("reflection2", "")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("Write a reflection on at least one question"));

    let secret = "I never once asked Maria how her morning was.";
    let response = eve
        .post(
            &format!("{path}/reflections"),
            &[("reflection1", secret), ("reflection2", "")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = eve.get_html(&path).await;
    assert!(html.contains(secret), "the author reads her reflection");
    assert!(
        !visible_text(&html).contains("Done in your plan"),
        "one of two is not done"
    );

    // Nobody else sees it, HR included.
    for other in [&hr, &organizer] {
        let (status, html) = other.get_html(&path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            !html.contains(secret),
            "another person never sees a reflection"
        );
    }

    let response = eve
        .post(
            &format!("{path}/reflections"),
            &[
                ("reflection1", secret),
                ("reflection2", "How was your morning, really?"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let status: String = sqlx::query_scalar(
        "SELECT p.status FROM plan_items p JOIN people e ON e.id = p.person_id \
         WHERE e.email = 'eve@example.com' AND p.resource_id = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(status, "done", "completing the exercise counts in the plan");
    let (_, plan) = eve.get_html("/plan").await;
    assert!(visible_text(&plan).contains("A day at the front desk"));
}

#[sqlx::test]
async fn exercises_are_recommended_for_the_aspect_they_help_with_the_reason(pool: PgPool) {
    let app = spawn_app(pool).await;
    let organizer = app.organizer("olu@example.com").await;
    let id = publish(&organizer, "Behind the help desk", "emotion-comprehension").await;
    let eve = app.employee("eve@example.com").await;
    take_quiz(&eve, &comprehension_lowest()).await;
    let (_, plan) = eve.get_html("/plan").await;
    let link = format!("href=\"/practice/exercises/{id}\"");
    assert!(plan.contains(&link), "recommended, linking to its page");
    let text = visible_text(&plan);
    assert!(
        text.contains("Behind the help desk")
            && text.contains("You scored lower on reading emotions than on the other aspects."),
        "{text}"
    );
}

#[sqlx::test]
async fn the_takeaway_board_opens_at_five_and_never_links_a_takeaway_to_its_author(pool: PgPool) {
    let app = spawn_app(pool).await;
    let organizer = app.organizer("olu@example.com").await;
    let id = publish(
        &organizer,
        "A day at the front desk",
        "emotion-comprehension",
    )
    .await;
    let path = format!("/practice/exercises/{id}");
    let mut people = Vec::new();
    for n in 1..=5 {
        people.push(app.employee(&format!("person{n}@example.com")).await);
    }

    // A multi-line or empty takeaway is refused with the form kept.
    let (status, _) = people[0]
        .post_html(&format!("{path}/takeaway"), &[("takeaway", "  ")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    for (n, person) in people.iter().enumerate().take(4) {
        let line = format!("Takeaway number {}", n + 1);
        let response = person
            .post(&format!("{path}/takeaway"), &[("takeaway", &line)])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    // One each: a second is not added.
    people[0]
        .post(&format!("{path}/takeaway"), &[("takeaway", "Another one")])
        .await;
    let (_, html) = people[4].get_html(&path).await;
    let text = visible_text(&html);
    assert!(
        !text.contains("Takeaway number"),
        "hidden under the threshold: {text}"
    );
    assert!(text.contains("The board opens once 5 people have added a takeaway"));

    people[4]
        .post(
            &format!("{path}/takeaway"),
            &[("takeaway", "Takeaway number 5")],
        )
        .await;
    let (_, html) = people[4].get_html(&path).await;
    let text = visible_text(&html);
    for n in 1..=5 {
        assert!(text.contains(&format!("Takeaway number {n}")), "{text}");
    }
    assert!(!text.contains("Another one"), "one takeaway per person");
    assert!(!text.contains("person1"), "no names on the board");

    // The database holds no link from a takeaway to a person, and no time.
    let columns: Vec<String> = sqlx::query_scalar(
        "SELECT column_name::text FROM information_schema.columns \
         WHERE table_name = 'practice_takeaways' ORDER BY column_name",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(columns, vec!["body", "exercise_id", "id"]);
}

#[sqlx::test]
async fn role_stories_are_reviewed_by_hr_and_published_named_or_not(pool: PgPool) {
    let app = spawn_app(pool).await;
    let author = app
        .create_person_in(
            "sam@example.com",
            "Sam Okafor",
            Roles::default(),
            "Warehouse",
            "Leeds",
        )
        .await;
    let sam = app.browser();
    sam.sign_in("sam@example.com", common::PASSWORD).await;
    let hr = app.hr_admin("hr@example.com").await;
    let body = "Night shifts start at ten. By three the building is silent and every decision is mine: \
                a late lorry, a broken scanner, a colleague who feels unwell and has nobody to tell.";

    let (status, html) = sam
        .post_html("/practice/stories", &[("title", "Nights"), ("body", body)])
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the choice of credit is required"
    );
    assert!(
        html.contains("Night shifts start at ten."),
        "what was typed is kept"
    );

    for (title, credit) in [
        ("Nights in the warehouse", "named"),
        ("A quiet story", "anonymous"),
    ] {
        let response = sam
            .post(
                "/practice/stories",
                &[("title", title), ("body", body), ("credit", credit)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let stories: Vec<(Uuid, String)> = sqlx::query_as(
        "SELECT id, title FROM practice_role_stories WHERE person_id = $1 ORDER BY title",
    )
    .bind(author)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let (quiet, named) = (stories[0].0, stories[1].0);

    let (_, admin) = hr.get_html("/admin/practice").await;
    assert!(visible_text(&admin).contains("Nights in the warehouse"));
    let employee = app.employee("eve@example.com").await;
    let review = format!("/admin/practice/stories/{named}");
    assert_eq!(employee.get(&review).await.status(), StatusCode::FORBIDDEN);

    // Publish the named one: its exercise says who told it.
    let (status, form) = hr.get_html(&review).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("Night shifts start at ten."));
    let response = hr
        .post(
            &format!("{review}/publish"),
            &[
                ("title", "Nights in the warehouse"),
                ("format", "story"),
                ("text_alternative", body),
                ("minutes", "8"),
                ("aspects", "emotion-comprehension"),
                ("prompt1", "What did you not know?"),
                ("prompt2", "What would you ask Sam?"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let exercise = location(&response);
    let (_, page) = employee.get_html(&exercise).await;
    assert!(visible_text(&page).contains("Told by Sam Okafor, Warehouse"));
    // Decided once.
    assert_eq!(
        hr.post(&format!("{review}/publish"), &[]).await.status(),
        StatusCode::CONFLICT
    );

    // Decline the anonymous one with a reason the author reads.
    let decline = format!("/admin/practice/stories/{quiet}/decline");
    let (status, _) = hr.post_html(&decline, &[("reason", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let response = hr
        .post(
            &decline,
            &[(
                "reason",
                "It names a customer; could you tell it without them?",
            )],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, mine) = sam.get_html("/practice/stories").await;
    let text = visible_text(&mine);
    assert!(text.contains("It names a customer"), "{text}");
    assert!(text.contains("Published as an exercise"));

    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'role_story%' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(actions, vec!["role_story_published", "role_story_declined"]);
}

#[sqlx::test]
async fn the_journal_is_its_owners_alone(pool: PgPool) {
    let app = spawn_app(pool).await;
    let eve = app.employee("eve@example.com").await;
    let hr = app.hr_admin("hr@example.com").await;
    let other = app.employee("olu@example.com").await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::London)
        .format("%Y-%m-%d")
        .to_string();

    // A day in the future and nothing written: 422, with what was typed.
    let (status, html) = eve
        .post_html(
            "/practice/journal",
            &[
                ("happened_on", "2999-01-01"),
                ("what", ""),
                ("noticed", "kept"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&html);
    assert!(text.contains("That day hasn't come yet") && text.contains("Write what happened"));
    assert!(html.contains(">kept</textarea>"));

    let what = "Priya stayed after the stand-up to help Tom with his first release.";
    let response = eve
        .post(
            "/practice/journal",
            &[
                ("happened_on", &today),
                ("what", what),
                ("noticed", "Tom smiled."),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, journal) = eve.get_html("/practice/journal").await;
    assert!(journal.contains(what));
    let entry: Uuid = sqlx::query_scalar("SELECT id FROM practice_journal")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let path = format!("/practice/journal/{entry}");

    // HR and colleagues: 404, and nothing in their own journal.
    for browser in [&hr, &other] {
        assert_eq!(browser.get(&path).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            browser.post(&format!("{path}/delete"), &[]).await.status(),
            StatusCode::NOT_FOUND
        );
        let (_, theirs) = browser.get_html("/practice/journal").await;
        assert!(!theirs.contains(what));
    }

    // Turning it into a recognition opens the nomination form with the words and the date.
    let (status, html) = eve.get_html(&path).await;
    assert_eq!(status, StatusCode::OK);
    let link = html
        .split("href=\"")
        .find(|rest| rest.starts_with("/recognition/new?"))
        .and_then(|rest| rest.split('"').next())
        .expect("a link to the recognition form")
        .replace("&amp;", "&");
    let (status, form) = eve.get_html(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains("name=\"story\" value=\"Priya stayed after the stand-up"),
        "the search carries the words"
    );

    let response = eve.post(&format!("{path}/delete"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(eve.get(&path).await.status(), StatusCode::NOT_FOUND);
}

#[sqlx::test]
async fn hr_schedules_challenges_people_accept_them_and_participation_stays_anonymous(
    pool: PgPool,
) {
    let app = spawn_app(pool).await;
    let hr = app.hr_admin("hr@example.com").await;
    let eve = app.employee("eve@example.com").await;

    let (_, before) = eve.get_html("/practice").await;
    assert!(visible_text(&before).contains("hasn't scheduled a challenge for this month yet"));
    assert_eq!(
        eve.post("/practice/challenge/accept", &[]).await.status(),
        StatusCode::NOT_FOUND
    );

    let response = hr.post("/admin/practice/challenges/starter", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let months: i64 = sqlx::query_scalar("SELECT count(*) FROM practice_challenges")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(months, 12, "twelve ready-made months");

    // A past month is refused next to the field.
    let (status, html) = hr
        .post_html(
            "/admin/practice/challenges",
            &[
                ("month", "2020-01"),
                ("title", "x"),
                ("ideas", "y"),
                ("why", "z"),
                ("aspects", "conspecific-altruism"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("That month is over"));

    let (_, page) = eve.get_html("/practice").await;
    let text = visible_text(&page);
    assert!(
        text.contains("Ask three colleagues how they're really doing"),
        "{text}"
    );
    assert_eq!(
        eve.post("/practice/challenge/accept", &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, page) = eve.get_html("/practice").await;
    assert!(visible_text(&page).contains("You've accepted it"));

    // HR sees no figure about fewer than five people.
    let (_, admin) = hr.get_html("/admin/practice").await;
    let text = visible_text(&admin);
    assert!(text.contains("Fewer than 5"), "{text}");
    assert!(!text.contains("No department: 1"), "{text}");
    assert!(!admin.contains(">1</td>"), "no count of one person");
    for n in 1..=5 {
        let person = app.employee(&format!("p{n}@example.com")).await;
        person.post("/practice/challenge/accept", &[]).await;
    }
    // The figures are worked out in the background, as of the start of the week: this week's
    // acceptances count from next week.
    let refresh = async |at: chrono::DateTime<chrono::Utc>| {
        attune::app::insights::refresh(&app.pool, at, chrono::Duration::zero())
            .await
            .unwrap();
        visible_text(&hr.get_html("/admin/practice").await.1)
    };
    let text = refresh(chrono::Utc::now()).await;
    assert!(!text.contains(" 6 "), "{text}");
    let text = refresh(chrono::Utc::now() + chrono::Duration::days(7)).await;
    assert!(text.contains(" 6 "), "six people took part: {text}");
}

#[sqlx::test]
async fn nudges_reach_people_who_accepted_once_however_many_instances_run(pool: PgPool) {
    use attune::domain::mail::MailKind;
    use chrono::{Datelike, Duration, Months, TimeZone, Utc};
    let app = spawn_app(pool).await;
    let eve = app.employee("eve@example.com").await;
    let ada = app.employee("ada@example.com").await;
    let _ben = app.employee("ben@example.com").await;
    let today = Utc::now().date_naive();
    attune::app::practice::use_starter_calendar(&app.pool, None, today)
        .await
        .unwrap();
    // Ada turns the nudges off; Ben never accepts.
    let kinds: Vec<(&str, &str)> = MailKind::optional()
        .filter(|kind| *kind != MailKind::PracticeNudge)
        .map(|kind| ("kind", kind.as_str()))
        .collect();
    ada.post("/account/notifications", &kinds).await;
    for person in [&eve, &ada] {
        assert_eq!(
            person
                .post("/practice/challenge/accept", &[])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
    }
    sqlx::query("DELETE FROM outbox")
        .execute(&app.pool)
        .await
        .unwrap();

    let config = common::config_for(&app.address, None, None);
    let month = today.with_day(1).unwrap();
    let middle = Utc.from_utc_datetime(&(month + Duration::days(14)).and_hms_opt(9, 0, 0).unwrap());
    let (a, b) = tokio::join!(
        attune::app::practice::send_nudges(&app.pool, &config, middle),
        attune::app::practice::send_nudges(&app.pool, &config, middle),
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1, "one nudge, to Eve");
    let again = attune::app::practice::send_nudges(&app.pool, &config, middle)
        .await
        .unwrap();
    assert_eq!(again, 0, "sent once");
    let sent: Vec<(String, String)> =
        sqlx::query_as("SELECT to_address, text_body FROM outbox WHERE kind = 'practice_nudge'")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0, "eve@example.com");
    assert!(
        sent[0]
            .1
            .contains("Ask three colleagues how they're really doing"),
        "{}",
        sent[0].1
    );

    // On the 1st, last month's participants hear about the new challenge.
    let next = Utc.from_utc_datetime(&(month + Months::new(1)).and_hms_opt(9, 0, 0).unwrap());
    let started = attune::app::practice::send_nudges(&app.pool, &config, next)
        .await
        .unwrap();
    assert_eq!(started, 1, "Eve again; Ada turned them off");
    // Nothing on an ordinary day.
    let quiet = Utc.from_utc_datetime(&(month + Duration::days(9)).and_hms_opt(9, 0, 0).unwrap());
    assert_eq!(
        attune::app::practice::send_nudges(&app.pool, &config, quiet)
            .await
            .unwrap(),
        0
    );
}

/// The HR library's form for an exercise, with `url` as its link.
fn library_form(url: &str) -> Vec<(&'static str, &str)> {
    vec![
        ("title", "Front desk, 8 a.m."),
        ("kind", "exercise"),
        ("url", url),
        ("description", "A short film."),
        ("minutes", "12"),
        ("aspects", "emotion-comprehension"),
        ("event_time_zone", "UTC"),
    ]
}

#[sqlx::test]
async fn hr_edits_an_exercise_in_the_library_and_its_link_stays_its_own_page(pool: PgPool) {
    let app = spawn_app(pool).await;
    let hr = app.hr_admin("hr@example.com").await;
    let id = publish(&hr, "A day at the front desk", "emotion-comprehension").await;
    let other = publish(&hr, "Another film", "conspecific-altruism").await;
    let own = format!("/practice/exercises/{id}");
    let (status, html) = hr.get_html(&format!("/admin/resources/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&own), "the library form shows its link");

    let response = hr
        .post(&format!("/admin/resources/{id}"), &library_form(&own))
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "saved with its own page as link"
    );
    let (_, page) = hr.get_html(&own).await;
    assert!(visible_text(&page).contains("Front desk, 8 a.m."));

    // Another exercise's page is not this resource's link: refused, nothing changed.
    let borrowed = format!("/practice/exercises/{other}");
    let response = hr
        .post(&format!("/admin/resources/{id}"), &library_form(&borrowed))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let url: String = sqlx::query_scalar("SELECT url FROM resources WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(url, own);
}
