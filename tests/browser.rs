//! Browser tests: Attune in a real headless Chromium, used the way a person uses it (fields
//! found by their labels, buttons by what they say), with an axe-core accessibility check on
//! every page visited and a 360 px phone check on the HR pages. Screenshots land in
//! `target/screenshots/`.
//!
//! Needs Chromium and chromedriver (`apt-get install chromium chromium-driver`) and axe-core
//! (`npm ci --prefix tests/browser`); `./scripts/test` sets both up.

mod common;
#[path = "browser/harness.rs"]
mod harness;

use attune::config::AppConfig;
use attune::domain::people::Roles;
use harness::{Browser, assert_accessible, assert_fits_phone, screenshot};
use sqlx::PgPool;

/// Signs in through the sign-in form, as a person would.
async fn sign_in(browser: &Browser, email: &str, password: &str) {
    browser.goto("/login").await;
    browser.fill("Work email", email).await;
    browser.fill("Password", password).await;
    browser.click("Sign in").await;
}

async fn sign_out(browser: &Browser) {
    browser.click("Sign out").await;
    assert_eq!(
        browser.path().await,
        "/login",
        "signing out leads to the sign-in page"
    );
    browser.assert_text("Sign in to Attune").await;
}

#[sqlx::test]
async fn the_first_admin_sets_up_attune_in_the_browser(pool: PgPool) {
    let app = common::spawn_app(pool.clone()).await;
    let config = AppConfig::for_base_url(app.address.parse().unwrap());
    let link = attune::startup::first_admin_link(&pool, &config)
        .await
        .unwrap()
        .expect("no HR admin exists yet, so there is a setup link");

    let browser = Browser::start(&app.address).await;
    browser.goto(&link).await;
    browser.assert_text("Create the first HR admin").await;
    assert_eq!(
        browser.value_of("Time zone").await,
        "UTC",
        "the time zone starts as UTC"
    );
    screenshot(&browser, "setup").await;
    assert_accessible(&browser, "the setup page").await;

    browser.fill("Your name", "Ada Lovelace").await;
    browser.fill("Work email", "ada@example.com").await;
    browser.fill("Choose a password", common::PASSWORD).await;
    browser
        .fill("Type the password again", common::PASSWORD)
        .await;
    browser.click("Create my account").await;

    assert_eq!(browser.path().await, "/", "setting up leads home");
    browser.assert_text("Hello, Ada").await;
    let nav = browser.nav_items().await;
    for item in ["Home", "Admin", "Account", "Sign out"] {
        assert!(
            nav.iter().any(|n| n == item),
            "the first admin's navigation shows {item:?}: {nav:?}"
        );
    }
    screenshot(&browser, "home-first-admin").await;
    assert_accessible(&browser, "the first admin's home page").await;

    sign_out(&browser).await;
    screenshot(&browser, "login").await;
    assert_accessible(&browser, "the sign-in page").await;
    browser.close().await;
}

#[sqlx::test]
async fn each_role_signs_in_and_sees_its_own_navigation(pool: PgPool) {
    let app = common::spawn_app(pool).await;
    let people = [
        (
            "erin@example.com",
            "Erin Example",
            Roles::default(),
            "employee",
        ),
        (
            "oscar@example.com",
            "Oscar Organizer",
            Roles {
                organizer: true,
                hr_admin: false,
            },
            "organizer",
        ),
        (
            "hana@example.com",
            "Hana Admin",
            Roles {
                organizer: false,
                hr_admin: true,
            },
            "hr-admin",
        ),
    ];
    for (email, name, roles, _) in &people {
        app.create_person(email, name, *roles).await;
    }

    let browser = Browser::start(&app.address).await;
    for (email, name, roles, role) in &people {
        sign_in(&browser, email, common::PASSWORD).await;
        assert_eq!(browser.path().await, "/", "{role} lands on the home page");
        let first_name = name.split_whitespace().next().unwrap();
        browser.assert_text(&format!("Hello, {first_name}")).await;

        let nav = browser.nav_items().await;
        for item in ["Home", "Account", "Sign out"] {
            assert!(
                nav.iter().any(|n| n == item),
                "the {role}'s navigation shows {item:?}: {nav:?}"
            );
        }
        assert_eq!(
            nav.iter().any(|n| n == "Admin"),
            roles.hr_admin,
            "only HR admins see Admin in the navigation; the {role} sees {nav:?}"
        );
        assert!(
            !nav.iter().any(|n| n == "Sign in"),
            "a signed-in {role} is not offered to sign in: {nav:?}"
        );
        screenshot(&browser, &format!("home-{role}")).await;
        assert_accessible(&browser, &format!("the {role}'s home page")).await;

        browser.click_link("Account").await;
        assert_eq!(browser.path().await, "/account");
        browser.assert_text("Your account").await;
        browser.assert_text(email).await;
        screenshot(&browser, &format!("account-{role}")).await;
        assert_accessible(&browser, &format!("the {role}'s account page")).await;

        if roles.hr_admin {
            browser.click_link("Admin").await;
            assert_eq!(browser.path().await, "/admin");
            assert_accessible(&browser, "the admin page").await;
            browser.click_link("People").await;
            assert_eq!(browser.path().await, "/admin/people");
            for (path, heading, page) in [
                ("/admin/people", "People", "people"),
                ("/admin/people/new", "Add a person", "people-new"),
                (
                    "/admin/people/import",
                    "Import people from CSV",
                    "people-import",
                ),
                ("/admin/audit", "Audit log", "audit-log"),
            ] {
                browser.goto(path).await;
                assert_eq!(browser.heading().await, heading, "the heading of {path}");
                screenshot(&browser, page).await;
                assert_accessible(&browser, path).await;
                assert_fits_phone(&browser, page).await;
            }
        }

        sign_out(&browser).await;
    }
    browser.close().await;
}

/// Every section a role has is in sight and a tap away at 1280 px and on a 360 px phone:
/// nothing hidden off-screen, nothing needing JavaScript.
#[sqlx::test]
async fn every_section_is_in_sight_in_the_navigation_on_a_desk_and_a_phone(pool: PgPool) {
    let app = common::spawn_app(pool).await;
    let hr = Roles {
        organizer: true,
        hr_admin: true,
    };
    app.create_person("hana@example.com", "Hana Admin", hr)
        .await;
    app.create_person("erin@example.com", "Erin Example", Roles::default())
        .await;
    let browser = Browser::start(&app.address).await;
    for (email, role, sections) in [
        (
            "hana@example.com",
            "hr-admin",
            &[
                "Home",
                "Quiz",
                "My plan",
                "Story nights",
                "Recognition",
                "Admin",
                "Account",
                "Notifications",
                "Sign out",
            ][..],
        ),
        (
            "erin@example.com",
            "employee",
            &[
                "Home",
                "Quiz",
                "My plan",
                "Story nights",
                "Recognition",
                "Account",
                "Notifications",
                "Sign out",
            ][..],
        ),
    ] {
        sign_in(&browser, email, common::PASSWORD).await;
        for (width, size) in [(1280, "desktop"), (harness::PHONE_WIDTH, "phone")] {
            browser.set_window_size(width, 800).await.unwrap();
            browser.goto("/").await;
            let nav = browser.nav_items().await;
            for section in sections {
                assert!(
                    nav.iter().any(|n| n.starts_with(section)),
                    "the {role} sees {section:?} at {width} px: {nav:?}"
                );
            }
            let hidden = browser.nav_items_out_of_sight().await;
            assert!(
                hidden.is_empty(),
                "at {width} px the {role} can't see {hidden:?} without scrolling sideways"
            );
            screenshot(&browser, &format!("navigation-{role}-{size}")).await;
            assert!(
                browser.uses_font("Inter Variable").await,
                "the page is set in Inter, served from static/"
            );
            // The last sections work from a phone too.
            browser.click_link("Recognition").await;
            assert_eq!(browser.path().await, "/recognition");
            browser.click_link("Account").await;
            assert_eq!(browser.path().await, "/account");
        }
        browser
            .set_window_size(harness::DESKTOP.0, harness::DESKTOP.1)
            .await
            .unwrap();
        sign_out(&browser).await;
    }
    browser.close().await;
}

/// The import results, with their long invitation links, fit a phone: each row becomes a
/// block with the link wrapped inside it, and nothing is cut off at 1280 px either.
#[sqlx::test]
async fn import_results_fit_a_phone_and_a_desk(pool: PgPool) {
    let app = common::spawn_app(pool).await;
    let hr = Roles {
        organizer: false,
        hr_admin: true,
    };
    app.create_person("hana@example.com", "Hana Admin", hr)
        .await;
    let file = std::env::temp_dir().join(format!("attune-import-{}.csv", uuid::Uuid::new_v4()));
    std::fs::write(
        &file,
        "email,name,department,office,time_zone\n\
         amara.okafor-lindqvist@example.com,Amara Okafor-Lindqvist,Customer Success,Singapore,Asia/Singapore\n\
         not-an-email,Ben Lindqvist,Finance,Toronto,America/Toronto\n\
         wen.chen@example.com,Wen Chen,Engineering,London,Europe/London\n",
    )
    .unwrap();
    let browser = Browser::start(&app.address).await;
    sign_in(&browser, "hana@example.com", common::PASSWORD).await;
    browser.goto("/admin/people/import").await;
    browser
        .field("CSV file")
        .await
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    browser.click("Import").await;
    browser.assert_text("2 imported, 1 not imported").await;
    assert_charts_and_tables_fit(&browser, "people-import-results").await;
    assert_fits_phone(&browser, "people-import-results").await;
    assert_accessible(&browser, "the import results").await;
    std::fs::remove_file(file).ok();
    browser.close().await;
}

/// The library, from My plan: searchable, accessible, and fitting a phone.
#[sqlx::test]
async fn an_employee_browses_the_library(pool: PgPool) {
    let app = common::spawn_app(pool).await;
    app.create_person("erin@example.com", "Erin Example", Roles::default())
        .await;
    let browser = Browser::start(&app.address).await;
    sign_in(&browser, "erin@example.com", common::PASSWORD).await;
    browser.goto("/plan").await;
    browser.click_link("Browse the whole library").await;
    assert_eq!(browser.heading().await, "Library");
    browser.fill("Search", "kindness").await;
    browser.click("Show").await;
    browser.assert_text("The War for Kindness").await;
    browser.goto("/library").await;
    screenshot(&browser, "library").await;
    assert_accessible(&browser, "the library").await;
    assert_fits_phone(&browser, "library").await;
    browser.close().await;
}

/// The HR and calendar pages this release changed, at both widths: accessible, nothing
/// sideways on a phone, no table cut off.
#[sqlx::test]
async fn hr_pages_and_the_calendar_feed_fit_a_desk_and_a_phone(pool: PgPool) {
    let app = common::spawn_app(pool.clone()).await;
    // Enough results for Insights to show its figures, chart and tables (worked out as the
    // scheduler does).
    sqlx::query(
        "WITH p AS (INSERT INTO people (id, email, display_name, department, office, password_hash) \
                    SELECT gen_random_uuid(), 'p' || n || '@example.com', 'Person ' || n, \
                           (ARRAY['Sales', 'Finance'])[1 + n % 2], 'London', 'x' \
                    FROM generate_series(1, 12) n RETURNING id, department, office) \
         INSERT INTO quiz_attempts (id, person_id, instrument_version, answers, total, \
             emotional_contagion, emotion_comprehension, sympathetic_arousal, conspecific_altruism, \
             submission_key, taken_at, department, office) \
         SELECT gen_random_uuid(), id, 1, array_fill(2::smallint, ARRAY[16]), 32, 2, 2, 2, 2, \
                gen_random_uuid(), now() - interval '8 days', department, office FROM p",
    )
    .execute(&pool)
    .await
    .unwrap();
    // A story night they went to last week, for the figures by office.
    sqlx::query(
        "WITH e AS (INSERT INTO events (id, title, starts_at, ends_at, time_zone, office, capacity, \
                        storyteller_slots, minutes_per_story, pitch_deadline, status, published_at) \
                    VALUES (gen_random_uuid(), 'Stories', now() - interval '7 days', \
                            now() - interval '7 days' + interval '2 hours', 'UTC', 'London', 20, \
                            5, 10, now() - interval '14 days', 'published', \
                            now() - interval '30 days') RETURNING id) \
         INSERT INTO event_rsvps (event_id, person_id, status, attended) \
         SELECT e.id, p.id, 'going', p.email < 'p5' FROM e, people p \
         WHERE p.email LIKE 'p%@example.com'",
    )
    .execute(&pool)
    .await
    .unwrap();
    // Recognitions between them, for the figures by behaviour and between departments.
    sqlx::query(
        "WITH r AS (INSERT INTO recognitions (id, nominator_id, recipient_id, story, happened_on, \
                        visibility, status, nominator_department, nominator_office, \
                        recipient_department, recipient_office, submission_key) \
                    SELECT gen_random_uuid(), a.id, b.id, \
                           'Stayed late to walk a new colleague through a hard first week.', \
                           current_date, 'wall', 'published', a.department, a.office, \
                           b.department, b.office, gen_random_uuid() \
                    FROM people a JOIN people b ON a.department <> b.department \
                    WHERE a.email LIKE 'p%@example.com' AND b.email LIKE 'p%@example.com' \
                    RETURNING id, nominator_id, recipient_id, created_at) \
         INSERT INTO recognition_behaviour_links (recognition_id, behaviour_id, nominator_id, \
             recipient_id, created_at, window_ends_at) \
         SELECT r.id, b.id, r.nominator_id, r.recipient_id, r.created_at, \
                r.created_at + interval '24 hours' \
         FROM r JOIN recognition_behaviours b ON b.position = 1",
    )
    .execute(&pool)
    .await
    .unwrap();
    attune::app::insights::refresh(&pool, chrono::Utc::now(), chrono::Duration::zero())
        .await
        .unwrap();
    let hr = Roles {
        organizer: true,
        hr_admin: true,
    };
    app.create_person("hana@example.com", "Hana Admin", hr)
        .await;
    let browser = Browser::start(&app.address).await;
    sign_in(&browser, "hana@example.com", common::PASSWORD).await;
    for (path, name) in [
        ("/admin/resources?status=draft", "resources-drafts"),
        (
            "/admin/resources/7a0f1c2e-0001-4000-8000-000000000017",
            "resource-draft",
        ),
        ("/admin/recognition/fairness", "fairness"),
        ("/admin/insights", "insights"),
    ] {
        browser.goto(path).await;
        assert_charts_and_tables_fit(&browser, name).await;
        assert_accessible(&browser, path).await;
        assert_fits_phone(&browser, name).await;
    }
    browser.goto("/events/calendar-feed").await;
    browser.click("Create my feed link").await;
    browser.assert_text("Subscribe in your calendar app").await;
    browser.assert_text("Copy the link").await;
    assert_charts_and_tables_fit(&browser, "calendar-feed").await;
    assert_accessible(&browser, "the calendar feed page").await;
    assert_fits_phone(&browser, "calendar-feed").await;
    browser.close().await;
}

#[sqlx::test]
async fn a_wrong_password_is_explained_on_the_sign_in_page(pool: PgPool) {
    let app = common::spawn_app(pool).await;
    app.create_person("erin@example.com", "Erin Example", Roles::default())
        .await;

    let browser = Browser::start(&app.address).await;
    sign_in(
        &browser,
        "erin@example.com",
        "not the right password at all",
    )
    .await;

    assert_eq!(browser.path().await, "/login", "still on the sign-in page");
    browser
        .assert_text("That email and password don't match")
        .await;
    assert_eq!(
        browser.value_of("Work email").await,
        "erin@example.com",
        "the email is kept so only the password needs retyping"
    );
    assert_eq!(
        browser.value_of("Password").await,
        "",
        "the password is not echoed back"
    );
    screenshot(&browser, "login-wrong-password").await;
    assert_eq!(
        browser.focused_id().await,
        "error-summary",
        "after a failed submit, focus moves to the summary of what went wrong"
    );
    assert_accessible(&browser, "the sign-in page with a wrong password").await;
    assert_fits_phone(&browser, "login-wrong-password").await;
    browser.close().await;
}

/// Answers the quiz by clicking the visible answer labels, item by item, then submits.
async fn answer_quiz(browser: &Browser, answers: &[usize; 16]) {
    const LABELS: [&str; 5] = ["Never", "Rarely", "Sometimes", "Often", "Always"];
    browser.goto("/quiz").await;
    for (i, &answer) in answers.iter().enumerate() {
        let xpath = format!(
            "//fieldset[@id='item-{}']//label[normalize-space(.)='{}']",
            i + 1,
            LABELS[answer]
        );
        browser.tick_xpath(&xpath, LABELS[answer]).await;
    }
    browser.assert_text("16 of 16 answered").await;
    browser.click("Submit my answers").await;
}

/// At 1280 px and on a 360 px phone: chart text stays between 12 and 20 px, no chart figure
/// runs outside its chart, and no table is wider than its box. Saves screenshots at both.
async fn assert_charts_and_tables_fit(browser: &Browser, page: &str) {
    for (width, size) in [
        (harness::DESKTOP.0, "desktop"),
        (harness::PHONE_WIDTH, "phone"),
    ] {
        browser.set_window_size(width, 900).await.unwrap();
        // Wait for the page to take the new width (it is not reloaded: it may be a POST's).
        for _ in 0..100 {
            let inner = browser
                .execute("return window.innerWidth;", vec![])
                .await
                .unwrap();
            if inner.as_f64().unwrap_or(0.0) <= f64::from(width) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        for (text, px) in browser.chart_text_sizes().await {
            assert!(
                (12.0..=20.0).contains(&px),
                "on {page} at {width} px the chart text {text:?} is {px:.1} px tall"
            );
        }
        let outside = browser.chart_text_outside_its_chart().await;
        assert!(
            outside.is_empty(),
            "on {page} at {width} px {outside:?} run outside the chart"
        );
        let clipped = browser.clipped_tables().await;
        assert!(
            clipped.is_empty(),
            "on {page} at {width} px these tables are cut off: {clipped:?}"
        );
        screenshot(browser, &format!("{page}-{size}")).await;
    }
    browser
        .set_window_size(harness::DESKTOP.0, harness::DESKTOP.1)
        .await
        .unwrap();
}

#[sqlx::test]
async fn a_person_takes_the_quiz_and_sees_progress(pool: PgPool) {
    let app = common::spawn_app(pool.clone()).await;
    app.create_person("quinn@example.com", "Quinn Mensah", Roles::default())
        .await;
    let browser = Browser::start(&app.address).await;
    sign_in(&browser, "quinn@example.com", common::PASSWORD).await;

    browser.goto("/quiz").await;
    screenshot(&browser, "quiz").await;
    assert_accessible(&browser, "the quiz").await;
    assert_fits_phone(&browser, "quiz").await;

    // Forward items answered "Often" (3), reversed ones "Rarely" (1): every item scores 3.
    let reversed = [2, 4, 7, 10, 11, 12, 14, 15];
    let answers: [usize; 16] =
        std::array::from_fn(|i| if reversed.contains(&(i + 1)) { 1 } else { 3 });
    answer_quiz(&browser, &answers).await;
    browser.assert_text("48 / 64").await;
    assert!(
        browser.chart_text_sizes().await.len() >= 8,
        "four labelled bars"
    );
    assert_charts_and_tables_fit(&browser, "quiz-results").await;
    assert_accessible(&browser, "the quiz results").await;
    assert_fits_phone(&browser, "quiz-results").await;

    // A retake (HR allows it straight away here) shows up in the progress chart.
    sqlx::query("UPDATE program_settings SET retake_interval_days = 0")
        .execute(&pool)
        .await
        .unwrap();
    answer_quiz(&browser, &[2; 16]).await;
    browser.assert_text("32 / 64").await;
    browser.assert_text("16 points lower than last time").await;
    browser.goto("/quiz/history").await;
    assert!(
        browser.has("svg polyline.chart__line").await,
        "the history chart is drawn"
    );
    assert!(
        browser.has("circle.chart__point").await,
        "one point per attempt"
    );
    assert_charts_and_tables_fit(&browser, "quiz-history").await;
    assert_accessible(&browser, "the quiz history").await;
    assert_fits_phone(&browser, "quiz-history").await;
    browser.close().await;
}

#[sqlx::test]
async fn hr_adds_a_resource_and_the_right_employee_gets_it(pool: PgPool) {
    let app = common::spawn_app(pool.clone()).await;
    app.create_person(
        "hana@example.com",
        "Hana Haddad",
        Roles {
            organizer: false,
            hr_admin: true,
        },
    )
    .await;
    app.create_person("eli@example.com", "Eli Novak", Roles::default())
        .await;

    let hr = Browser::start(&app.address).await;
    sign_in(&hr, "hana@example.com", common::PASSWORD).await;
    hr.goto("/admin/resources").await;
    screenshot(&hr, "library").await;
    assert_accessible(&hr, "the library").await;
    assert_fits_phone(&hr, "library").await;
    hr.click("Add a resource").await;
    assert_accessible(&hr, "the new resource form").await;
    hr.fill("Title", "Reading the room").await;
    hr.select("Kind", "Exercise").await;
    hr.fill("Link", "https://example.com/reading-the-room")
        .await;
    hr.fill(
        "Description",
        "Before a meeting, guess how each person is arriving.",
    )
    .await;
    hr.fill("Estimated minutes", "10").await;
    hr.check("Reading emotions", true).await;
    hr.fill("Only when the person's aspect score is at most (%)", "50")
        .await;
    hr.click("Add to the library").await;
    hr.assert_text("is in the library").await;
    screenshot(&hr, "resource-edit").await;
    assert_accessible(&hr, "a resource's page").await;
    hr.close().await;

    // Eli's weakest aspect is emotion comprehension: items 8, 12 and 15 score 0.
    let employee = Browser::start(&app.address).await;
    sign_in(&employee, "eli@example.com", common::PASSWORD).await;
    let mut answers = [2usize; 16];
    answers[7] = 0;
    answers[11] = 4;
    answers[14] = 4;
    answer_quiz(&employee, &answers).await;
    employee.goto("/").await;
    employee.assert_text("Reading the room").await;
    employee
        .assert_text("You scored lower on reading emotions than on the other aspects")
        .await;
    screenshot(&employee, "home-recommendations").await;
    assert_accessible(&employee, "the home page with recommendations").await;

    let card = "//li[contains(@class,'recommendation')][.//a[contains(normalize-space(.),'Reading the room')]]";
    employee
        .click_xpath(
            &format!("{card}//button[normalize-space(.)='Save to my plan']"),
            "Save to my plan",
        )
        .await;
    employee.goto("/plan").await;
    employee.assert_text("Saved").await;
    let saved =
        "//li[contains(@class,'plan-item')][.//a[contains(normalize-space(.),'Reading the room')]]";
    employee
        .click_xpath(
            &format!("{saved}//button[normalize-space(.)='Mark done']"),
            "Mark done",
        )
        .await;
    employee.assert_text("is marked as done").await;
    employee.assert_text("Done on").await;
    screenshot(&employee, "plan").await;
    assert_accessible(&employee, "my plan").await;
    assert_fits_phone(&employee, "plan").await;
    employee.close().await;
}

/// Sets a date-and-time field by its label. Typing into `datetime-local` depends on the
/// browser's locale, so the value is set the way the picker itself would set it.
async fn set_date_time(browser: &Browser, label: &str, value: &str) {
    let field = browser.field(label).await;
    browser
        .execute(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change')); return null;",
            vec![
                serde_json::to_value(&field).expect("an element serializes"),
                serde_json::Value::String(value.to_string()),
            ],
        )
        .await
        .expect("setting a date and time");
}

#[sqlx::test]
async fn a_story_night_with_one_seat_passes_it_on_from_the_waitlist(pool: PgPool) {
    let app = common::spawn_app(pool).await;
    app.create_person(
        "olu@example.com",
        "Olu Mensah",
        Roles {
            organizer: true,
            hr_admin: false,
        },
    )
    .await;
    app.create_person("ada@example.com", "Ada Silva", Roles::default())
        .await;
    app.create_person("ben@example.com", "Ben Tanaka", Roles::default())
        .await;

    // One browser, passed from person to person.
    let browser = Browser::start(&app.address).await;
    sign_in(&browser, "olu@example.com", common::PASSWORD).await;
    browser.click_link("Story nights").await;
    browser.assert_text("Nothing planned yet").await;
    screenshot(&browser, "events-empty").await;
    assert_accessible(&browser, "the story nights list, empty").await;
    browser.click("Plan a story night").await;
    assert_accessible(&browser, "the new story night form").await;
    assert_fits_phone(&browser, "events-new").await;

    // A first try without a title is explained next to the field.
    browser.fill("Time zone", "Europe/London").await;
    set_date_time(&browser, "Starts", "2030-07-02T19:00").await;
    set_date_time(&browser, "Ends", "2030-07-02T21:00").await;
    set_date_time(&browser, "Pitch deadline", "2030-06-25T17:00").await;
    browser.fill("Office", "London").await;
    browser.fill("Room", "The Atrium").await;
    browser.fill("Seats", "1").await;
    browser.click("Publish").await;
    browser.assert_text("Enter a title.").await;
    screenshot(&browser, "events-new-invalid").await;
    assert_accessible(&browser, "the story night form with a problem").await;

    browser.fill("Title", "One seat only").await;
    browser.fill("Theme", "Small rooms").await;
    browser.click("Publish").await;
    browser.assert_text("Your story night is published").await;
    browser.assert_text("1 of 1 seat left").await;
    screenshot(&browser, "event-organizer").await;
    assert_accessible(&browser, "the organizer's event page").await;
    let event_path = browser.path().await;
    sign_out(&browser).await;

    // Ada takes the seat.
    sign_in(&browser, "ada@example.com", common::PASSWORD).await;
    browser.goto("/events").await;
    screenshot(&browser, "events-list").await;
    assert_accessible(&browser, "the story nights list").await;
    assert_fits_phone(&browser, "events-list").await;
    browser.click_link("One seat only").await;
    browser.click("I'm going").await;
    browser.assert_text("You're going.").await;
    screenshot(&browser, "event-going").await;
    assert_accessible(&browser, "the event page, going").await;
    assert_fits_phone(&browser, "event-going").await;
    sign_out(&browser).await;

    // Ben finds it full and joins the waitlist.
    sign_in(&browser, "ben@example.com", common::PASSWORD).await;
    browser.goto(&event_path).await;
    browser
        .assert_text("Full · new replies join the waitlist")
        .await;
    browser.click("Join the waitlist").await;
    browser
        .assert_text("You're number 1 on the waitlist.")
        .await;
    screenshot(&browser, "event-waitlisted").await;
    assert_accessible(&browser, "the event page, on the waitlist").await;
    sign_out(&browser).await;

    // Ada can't come after all.
    sign_in(&browser, "ada@example.com", common::PASSWORD).await;
    browser.goto(&event_path).await;
    browser.click("I can't come after all").await;
    browser.assert_text("You're no longer going").await;
    sign_out(&browser).await;

    // Ben is going now, and is told so: a notification, counted on every page.
    sign_in(&browser, "ben@example.com", common::PASSWORD).await;
    browser.assert_text("You have 1 unread notification").await;
    screenshot(&browser, "home-promoted").await;
    assert_accessible(&browser, "the home page with a notification").await;
    browser.click("You have 1 unread notification").await;
    browser
        .assert_text("a seat opened up at “One seat only” and you've moved up from the waitlist")
        .await;
    screenshot(&browser, "notifications").await;
    assert_accessible(&browser, "the notifications page").await;
    assert_fits_phone(&browser, "notifications").await;
    browser.goto(&event_path).await;
    browser.assert_text("You're going.").await;

    // The organizer's page shows who is going.
    sign_out(&browser).await;
    sign_in(&browser, "olu@example.com", common::PASSWORD).await;
    browser.goto(&event_path).await;
    browser
        .assert_text("1 going of 1 seat · 0 on the waitlist")
        .await;
    browser.assert_text("Ben Tanaka").await;
    browser.close().await;
}

/// Whether any script planted by the XSS payloads ran on the current page.
async fn payload_ran(browser: &Browser) -> bool {
    browser
        .client()
        .execute("return window.__attuneXss !== undefined;", vec![])
        .await
        .expect("reading the page's state")
        .as_bool()
        .unwrap_or(true)
}

#[sqlx::test]
async fn a_nomination_is_approved_appears_on_the_wall_and_is_appreciated(pool: PgPool) {
    let app = common::spawn_app(pool.clone()).await;
    app.create_person_in(
        "hana@example.com",
        "Hana Haddad",
        Roles {
            organizer: false,
            hr_admin: true,
        },
        "People & Culture",
        "London",
    )
    .await;
    app.create_person_in(
        "ada@example.com",
        "Ada Lindqvist",
        Roles::default(),
        "Engineering",
        "London",
    )
    .await;
    app.create_person_in(
        "ben@example.com",
        "Ben Okafor",
        Roles::default(),
        "Finance",
        "Toronto",
    )
    .await;
    app.create_person_in(
        "eve@example.com",
        "Eve Novak",
        Roles::default(),
        "Engineering",
        "London",
    )
    .await;
    let browser = Browser::start(&app.address).await;

    // HR holds nominations for approval.
    sign_in(&browser, "hana@example.com", common::PASSWORD).await;
    browser.goto("/admin/settings").await;
    browser
        .check("Hold each nomination until an HR admin approves it", true)
        .await;
    browser.click("Save settings").await;
    browser.assert_text("Settings saved.").await;
    sign_out(&browser).await;

    // Ada finds Ben by name and recognises him; her text carries script payloads.
    sign_in(&browser, "ada@example.com", common::PASSWORD).await;
    browser.click_link("Recognition").await;
    browser.click_link("Recognise someone").await;
    browser.fill("Colleague's name", "okaf").await;
    browser.click("Search").await;
    browser.click_link("Recognise Ben Okafor").await;
    browser.assert_text("Recognising Ben Okafor").await;
    assert_accessible(&browser, "the nomination form").await;
    browser
        .check("Helped someone from another team", true)
        .await;
    let story = "<script>window.__attuneXss = 1</script><img src=x onerror=\"window.__attuneXss = 2\"> \
                 Ben stayed after the quarter-end call to walk our team through the new ledger, so we closed on time.";
    browser.fill("What happened", story).await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::London)
        .format("%Y-%m-%d")
        .to_string();
    browser
        .client()
        .execute(
            "document.getElementById('f-happened_on').value = arguments[0]; return null;",
            vec![serde_json::Value::String(today)],
        )
        .await
        .expect("choosing the date");
    screenshot(&browser, "recognition-form").await;
    browser.click("Send recognition").await;
    browser
        .assert_text("An HR admin will review your recognition of Ben Okafor")
        .await;
    browser.assert_text("Waiting for HR approval").await;
    sign_out(&browser).await;

    // HR approves it.
    sign_in(&browser, "hana@example.com", common::PASSWORD).await;
    browser.assert_text("1 nomination waits for approval").await;
    browser.goto("/admin/recognition/approvals").await;
    browser
        .assert_text("Ada Lindqvist recognised Ben Okafor")
        .await;
    assert!(
        !payload_ran(&browser).await,
        "nothing runs on the approvals page"
    );
    screenshot(&browser, "recognition-approvals").await;
    assert_accessible(&browser, "the approvals page").await;
    assert_fits_phone(&browser, "recognition-approvals").await;
    browser
        .click("Approve and publish Ada Lindqvist's recognition of Ben Okafor")
        .await;
    browser.assert_text("Published.").await;
    sign_out(&browser).await;

    // Eve sees it on the wall, with the text shown literally, and appreciates it.
    sign_in(&browser, "eve@example.com", common::PASSWORD).await;
    browser.click_link("Recognition").await;
    assert_eq!(browser.path().await, "/recognition");
    browser
        .assert_text("Ada Lindqvist recognised Ben Okafor")
        .await;
    browser.assert_text("Across teams").await;
    browser
        .assert_text(
            "<script>window.__attuneXss = 1</script><img src=x onerror=\"window.__attuneXss = 2\">",
        )
        .await;
    assert!(!payload_ran(&browser).await, "nothing runs on the wall");
    assert!(
        !browser.has("img[src='x']").await,
        "no image element was made"
    );
    browser
        .click("Appreciate Ada Lindqvist's recognition of Ben Okafor")
        .await;
    browser.assert_text("1 person appreciates this").await;
    assert!(
        browser.has("button[aria-pressed='true']").await,
        "Eve's appreciation shows as pressed"
    );
    screenshot(&browser, "recognition-wall").await;
    assert_accessible(&browser, "the recognition wall").await;
    assert_fits_phone(&browser, "recognition-wall").await;
    sign_out(&browser).await;

    // Ben sees it at home.
    sign_in(&browser, "ben@example.com", common::PASSWORD).await;
    browser.assert_text("A colleague recognised you").await;
    browser.click("Read it").await;
    browser.assert_text("Recognitions you've received").await;
    assert!(!payload_ran(&browser).await);
    assert_accessible(&browser, "the received page").await;
    browser.close().await;
}

#[sqlx::test]
async fn a_forgotten_password_is_reset_from_the_emailed_link(pool: PgPool) {
    let sink = common::smtp::SmtpSink::start();
    let app = common::spawn_app_with_mail(pool, &sink).await;
    app.create_person("erin@example.com", "Erin Example", Roles::default())
        .await;

    let browser = Browser::start(&app.address).await;
    browser.goto("/login").await;
    browser.click("Forgot your password?").await;
    assert_eq!(browser.path().await, "/password/forgot");
    assert_accessible(&browser, "the forgot-password page").await;
    browser.fill("Work email", "erin@example.com").await;
    browser.click("Send me a link").await;
    browser
        .assert_text("an email with a link to choose a new password is on its way")
        .await;
    screenshot(&browser, "password-forgot-sent").await;
    assert_accessible(&browser, "the forgot-password confirmation").await;
    assert_fits_phone(&browser, "password-forgot-sent").await;

    let delivered = sink.wait_for(1).await;
    let link = delivered[0]
        .link(&format!("{}/password/reset/", app.address))
        .expect("the email carries a reset link");
    browser.goto(&link).await;
    browser.assert_text("Choose a new password").await;
    assert_accessible(&browser, "the new-password page").await;
    let password = "amber orchard lantern 58";
    browser.fill("New password", password).await;
    browser.fill("Type the new password again", password).await;
    browser.click("Save and sign in").await;
    assert_eq!(browser.path().await, "/", "signed in, on the home page");
    browser
        .assert_text("Your new password is set and you're signed in")
        .await;
    screenshot(&browser, "password-reset-done").await;

    sign_out(&browser).await;
    sign_in(&browser, "erin@example.com", password).await;
    assert_eq!(browser.path().await, "/", "the new password signs in");
    browser.close().await;
}

#[sqlx::test]
async fn people_choose_their_email_and_hr_sees_the_outbox(pool: PgPool) {
    let sink = common::smtp::SmtpSink::start();
    let app = common::spawn_app_with_mail(pool, &sink).await;
    app.create_person("erin@example.com", "Erin Example", Roles::default())
        .await;
    app.create_person(
        "hana@example.com",
        "Hana Hr",
        Roles {
            organizer: false,
            hr_admin: true,
        },
    )
    .await;

    let browser = Browser::start(&app.address).await;
    sign_in(&browser, "erin@example.com", common::PASSWORD).await;
    browser.goto("/account").await;
    browser.assert_text("Choose what Attune emails you").await;
    browser
        .check(
            "A weekly digest of the wall and upcoming story nights",
            true,
        )
        .await;
    browser
        .check("Story nights: a reminder the day before", false)
        .await;
    browser.click("Save email choices").await;
    browser.assert_text("Your email choices are saved.").await;
    screenshot(&browser, "account-email").await;
    assert_accessible(&browser, "the account page with email choices").await;
    assert_fits_phone(&browser, "account-email").await;
    sign_out(&browser).await;

    // The one-click link from an email, opened without signing in.
    let erin: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM people WHERE email = 'erin@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let key = attune::db::mail::signing_key(&app.pool, "unsubscribe")
        .await
        .unwrap();
    let config = common::config_for(&app.address, None, None);
    let link = attune::mail::compose::unsubscribe_link(
        &config,
        &key,
        erin,
        attune::domain::mail::MailKind::WeeklyDigest,
    );
    browser.goto(&link).await;
    browser.assert_text("Stop these emails?").await;
    assert_accessible(&browser, "the unsubscribe page").await;
    browser.click("Stop these emails").await;
    browser.assert_text("You're unsubscribed").await;
    screenshot(&browser, "unsubscribed").await;
    assert_accessible(&browser, "the unsubscribed page").await;
    assert_fits_phone(&browser, "unsubscribed").await;

    sign_in(&browser, "hana@example.com", common::PASSWORD).await;
    browser.goto("/admin/outbox").await;
    browser.assert_text("Sending through").await;
    browser.assert_text("Nothing has failed.").await;
    screenshot(&browser, "outbox").await;
    assert_accessible(&browser, "the outbox").await;
    assert_fits_phone(&browser, "outbox").await;
    browser.close().await;
}

#[sqlx::test]
async fn signing_in_with_the_identity_provider_returns_to_the_page_first_asked_for(pool: PgPool) {
    let (app, provider) = common::spawn_app_with_sso(pool.clone()).await;
    app.create_person("ana@example.com", "Ana Alvarez", Roles::default())
        .await;

    let browser = Browser::start(&app.address).await;
    browser.goto("/quiz").await;
    assert_eq!(
        browser.url().await.path(),
        "/login",
        "signing in comes first"
    );
    browser.assert_text(common::oidc::LABEL).await;
    screenshot(&browser, "login-sso").await;
    assert_accessible(
        &browser,
        "the sign-in page with the identity provider's button",
    )
    .await;

    browser.click(common::oidc::LABEL).await;
    assert!(
        browser.url().await.as_str().starts_with(&provider.issuer),
        "the button leads to the provider's sign-in page"
    );
    // The provider's own (development) pages: its fields have placeholders, not labels.
    let login = browser
        .client()
        .find(fantoccini::Locator::Css("input[name=login]"))
        .await
        .expect("the provider asks who you are");
    login.send_keys("ana").await.unwrap();
    browser
        .client()
        .find(fantoccini::Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys("any password")
        .await
        .unwrap();
    browser.click_button("Sign-in").await;
    browser.click_button("Continue").await;

    assert_eq!(
        browser.path().await,
        "/quiz",
        "back on the page first asked for"
    );
    let nav = browser.nav_items().await;
    assert!(nav.iter().any(|n| n == "Sign out"), "signed in: {nav:?}");
    screenshot(&browser, "quiz-after-sso").await;

    // Signing out ends the provider's session too: it asks, then sends the person back.
    browser.click("Sign out").await;
    assert!(
        browser.url().await.as_str().starts_with(&provider.issuer),
        "signing out passes by the provider"
    );
    browser.click_button("Yes, sign me out").await;
    assert_eq!(browser.url().await.path(), "/login");
    browser.assert_text("You've signed out").await;
    browser.close().await;
}

/// "Your data" on a phone: the Download my data page says what the archive holds, and Delete
/// my account says what will happen, asks for the password and signs the person out; both
/// pages pass axe and fit a 360 px screen.
#[sqlx::test]
async fn a_person_reads_what_download_holds_and_deletes_their_account_on_a_phone(pool: PgPool) {
    let app = common::spawn_app(pool.clone()).await;
    app.create_person("ines@example.com", "Inès Moreau", Roles::default())
        .await;
    let browser = Browser::start(&app.address).await;
    sign_in(&browser, "ines@example.com", common::PASSWORD).await;

    browser.goto("/account").await;
    browser.click_link("Download my data").await;
    assert_eq!(browser.path().await, "/account/data");
    browser.assert_text("What's inside").await;
    browser.assert_text("Quiz attempts").await;
    assert_accessible(&browser, "download my data").await;
    assert_fits_phone(&browser, "account-data").await;

    browser.goto("/account").await;
    browser.click_link("Delete my account").await;
    assert_eq!(browser.path().await, "/account/delete");
    browser.assert_text("What will happen").await;
    assert_accessible(&browser, "delete my account").await;
    assert_fits_phone(&browser, "account-delete").await;

    browser
        .fill("Your password", "not the right one at all")
        .await;
    browser.click_button("Delete my account").await;
    browser.assert_text("That isn't your password").await;
    assert_accessible(&browser, "delete my account with a wrong password").await;

    browser.fill("Your password", common::PASSWORD).await;
    browser.click_button("Delete my account").await;
    assert_eq!(browser.path().await, "/login");
    browser.assert_text("Your account has been deleted").await;
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM people")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
    browser.close().await;
}

/// HR's side of "Your data" on a phone: the privacy and retention settings, and erasing a
/// leaver's account from their page (the box must be ticked); axe on each page.
#[sqlx::test]
async fn hr_sets_retention_and_erases_a_leaver_on_a_phone(pool: PgPool) {
    let app = common::spawn_app(pool.clone()).await;
    let roles = Roles {
        organizer: false,
        hr_admin: true,
    };
    app.create_person("hana@example.com", "Hana Ruiz", roles)
        .await;
    let leaver = app
        .create_person("leo@example.com", "Leo Marchetti", Roles::default())
        .await;
    let browser = Browser::start(&app.address).await;
    sign_in(&browser, "hana@example.com", common::PASSWORD).await;

    browser.goto("/admin/privacy").await;
    browser.assert_text("Privacy and retention").await;
    assert_accessible(&browser, "privacy and retention settings").await;
    assert_fits_phone(&browser, "admin-privacy").await;
    browser.fill("Notifications (days)", "2").await;
    browser.click_button("Save privacy settings").await;
    browser
        .assert_text("Notifications: enter a number of days from 7 to 1825.")
        .await;
    assert_accessible(&browser, "privacy settings with a problem").await;

    browser.goto(&format!("/admin/people/{leaver}")).await;
    browser.click_link("Erase Leo's account").await;
    browser.assert_text("What will happen").await;
    assert_accessible(&browser, "erase a leaver's account").await;
    assert_fits_phone(&browser, "admin-erase").await;
    browser.click_button("Erase this account").await;
    browser.assert_text("Tick the box").await;
    browser
        .check(
            "I understand that Leo's data will be erased and this can't be undone",
            true,
        )
        .await;
    browser.click_button("Erase this account").await;
    assert_eq!(browser.path().await, "/admin/people");
    browser.assert_text("The account has been erased").await;
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM people WHERE id = $1")
        .bind(leaver)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
    browser.close().await;
}

/// Practice on a phone: do a perspective exercise and write a private reflection, accept the
/// month's kindness challenge and log a journal entry, with every page accessible and none
/// scrolling sideways at 360 px.
#[sqlx::test]
async fn practice_on_a_phone_an_exercise_a_reflection_a_challenge_and_a_journal_entry(
    pool: PgPool,
) {
    use attune::domain::practice::{ExerciseForm, ExerciseInput};
    let app = common::spawn_app(pool).await;
    let erin = app
        .create_person("erin@example.com", "Erin Example", Roles::default())
        .await;
    let input = ExerciseInput::parse(&ExerciseForm {
        title: "A day at the front desk".into(),
        format: "film".into(),
        media_url: "https://intranet.example.org/films/front-desk".into(),
        text_alternative:
            "A receptionist greets forty visitors before nine.\n\nNobody asks how she is.".into(),
        minutes: "12".into(),
        aspects: vec!["emotion-comprehension".into()],
        prompt1: "What did she carry that nobody saw?".into(),
        prompt2: "What will you ask the next person at a front desk?".into(),
        ..ExerciseForm::default()
    })
    .unwrap();
    let actor = attune::app::audit::Actor { id: erin, ip: None };
    attune::app::practice::publish_exercise(&app.pool, actor, &input, None)
        .await
        .unwrap();
    attune::app::practice::use_starter_calendar(&app.pool, None, chrono::Utc::now().date_naive())
        .await
        .unwrap();

    let browser = Browser::start(&app.address).await;
    sign_in(&browser, "erin@example.com", common::PASSWORD).await;
    browser
        .set_window_size(harness::PHONE_WIDTH, 800)
        .await
        .unwrap();
    browser.click_link("Practice").await;
    assert_eq!(browser.path().await, "/practice");
    browser
        .assert_text("Ask three colleagues how they're really doing")
        .await;
    assert_accessible(&browser, "the practice page").await;
    assert_fits_phone(&browser, "practice").await;
    browser
        .set_window_size(harness::PHONE_WIDTH, 800)
        .await
        .unwrap();

    browser.click_link("A day at the front desk").await;
    browser.assert_text("Reflect, privately").await;
    assert_accessible(&browser, "an exercise").await;
    browser
        .fill(
            "1. What did she carry that nobody saw?",
            "Forty people's moods before nine, and nobody asking about hers.",
        )
        .await;
    browser.click("Save my reflections").await;
    browser.assert_text("Your reflections are saved").await;
    assert_eq!(
        browser
            .value_of("1. What did she carry that nobody saw?")
            .await,
        "Forty people's moods before nine, and nobody asking about hers."
    );
    assert_accessible(&browser, "an exercise with a reflection").await;
    assert_fits_phone(&browser, "practice-exercise").await;
    browser
        .set_window_size(harness::PHONE_WIDTH, 800)
        .await
        .unwrap();

    browser.goto("/practice").await;
    browser.click("Accept this month's challenge").await;
    browser
        .assert_text("You've accepted this month's challenge")
        .await;
    browser.click_link("Log what happened").await;
    assert_eq!(browser.path().await, "/practice/journal");
    browser
        .fill(
            "What happened",
            "Asked Sam how the move was really going, and listened.",
        )
        .await;
    browser
        .fill(
            "What you noticed (optional)",
            "He talked for twenty minutes.",
        )
        .await;
    browser.click("Save entry").await;
    browser.assert_text("Saved in your journal").await;
    browser
        .assert_text("Asked Sam how the move was really going, and listened.")
        .await;
    assert_accessible(&browser, "the journal").await;
    assert_fits_phone(&browser, "practice-journal").await;
    browser.close().await;
}

/// On a phone: a person opts in to conversations, sees who they're paired with and the
/// questions, and marks the conversation as happened; the pages are accessible.
#[sqlx::test]
async fn on_a_phone_a_person_sees_their_pair_and_marks_it_happened(pool: PgPool) {
    let app = common::spawn_app(pool).await;
    app.create_person_in(
        "ana@example.com",
        "Ana Alvarez",
        Roles::default(),
        "Engineering",
        "London",
    )
    .await;
    app.create_person_in(
        "ben@example.com",
        "Ben Okafor",
        Roles::default(),
        "Finance",
        "London",
    )
    .await;
    let browser = Browser::start(&app.address).await;
    browser
        .set_window_size(harness::PHONE_WIDTH, 800)
        .await
        .unwrap();
    // Ben opted in already; Ana does it in the browser.
    let ben: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM people WHERE email = 'ben@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let this_week = attune::domain::connect::round_of(chrono::Utc::now().date_naive());
    sqlx::query(
        "INSERT INTO pair_participants (person_id, cadence_weeks, mode, next_due) VALUES ($1, 2, 'video', $2)",
    )
    .bind(ben)
    .bind(this_week)
    .execute(&app.pool)
    .await
    .unwrap();
    sign_in(&browser, "ana@example.com", common::PASSWORD).await;
    browser.goto("/connect").await;
    assert_eq!(browser.heading().await, "Conversations");
    assert_accessible(&browser, "conversations before taking part").await;
    browser.check("Every two weeks", true).await;
    browser.check("By video", true).await;
    browser.click("Count me in").await;
    browser.assert_text("You're in.").await;

    // Monday's round, as the scheduler draws it.
    attune::app::connect::ensure_pair_round(&app.pool, chrono::Utc::now())
        .await
        .unwrap();
    browser.goto("/connect").await;
    browser.assert_text("This round: Ben Okafor").await;
    browser.assert_text("ben@example.com").await;
    browser.assert_text("How are you, really?").await;
    screenshot(&browser, "conversations-pair").await;
    assert_accessible(&browser, "conversations with a pair").await;
    assert_fits_phone(&browser, "conversations-pair").await;
    browser
        .set_window_size(harness::PHONE_WIDTH, 800)
        .await
        .unwrap();
    browser.click("It happened").await;
    browser.assert_text("Marked as happened").await;
    assert_accessible(&browser, "conversations marked happened").await;
    browser.goto("/").await;
    browser.assert_text("This round you're paired with").await;
    assert_fits_phone(&browser, "home-conversation").await;
    browser.close().await;
}

/// A learning circle's page (members, sessions, a review, notes) and HR's aggregates are
/// accessible and fit a phone.
#[sqlx::test]
async fn a_circle_page_and_hrs_figures_are_accessible_on_a_phone(pool: PgPool) {
    use attune::domain::connect::NewProgramme;
    let app = common::spawn_app(pool).await;
    let departments = ["Engineering", "Finance", "Sales", "Support"];
    let mut ids = Vec::new();
    for (n, department) in departments.iter().enumerate() {
        let id = app
            .create_person_in(
                &format!("m{n}@example.com"),
                &format!("Member {n}"),
                Roles::default(),
                department,
                "London",
            )
            .await;
        ids.push(id);
    }
    app.create_person(
        "hana@example.com",
        "Hana HR",
        Roles {
            organizer: false,
            hr_admin: true,
        },
    )
    .await;
    let now = chrono::Utc::now();
    let programme = NewProgramme {
        theme: "Listening under pressure".into(),
        description: String::new(),
        circle_size: 4,
        cross_functional: true,
        signup_opens_on: (now - chrono::Duration::days(20)).date_naive(),
        signup_closes_on: (now - chrono::Duration::days(10)).date_naive(),
        time_zone: chrono_tz::Tz::Europe__London,
        sessions: vec![
            now - chrono::Duration::days(3),
            now + chrono::Duration::days(11),
        ],
        minutes: 60,
    };
    let mut conn = app.pool.acquire().await.unwrap();
    let id = attune::db::connect::circles::insert_programme(&mut conn, &programme, ids[0])
        .await
        .unwrap();
    for person in &ids {
        attune::db::connect::circles::sign_up(&mut conn, id, *person)
            .await
            .unwrap();
    }
    drop(conn);
    let config = common::config_for(&app.address, None, None);
    let actor = attune::app::audit::Actor {
        id: ids[0],
        ip: None,
    };
    attune::app::connect::form_circles(&app.pool, &config, actor, id, now)
        .await
        .unwrap();

    let browser = Browser::start(&app.address).await;
    sign_in(&browser, "m0@example.com", common::PASSWORD).await;
    browser.goto("/connect").await;
    browser.click_link("Listening under pressure").await;
    assert_eq!(browser.heading().await, "Your learning circle");
    browser.assert_text("Member 3").await;
    browser
        .tick_xpath(
            "//summary[normalize-space()='Write the review together']",
            "the review form",
        )
        .await;
    browser
        .fill(
            "What happened",
            "We each brought one hard moment from the week.",
        )
        .await;
    browser
        .fill(
            "What we learned about each other's roles",
            "Sales hears the complaints first.",
        )
        .await;
    browser.click("Save the review").await;
    browser.assert_text("The review is saved.").await;
    browser
        .fill("A note for everyone in the circle", "See you in two weeks.")
        .await;
    browser.click("Add the note").await;
    browser.assert_text("See you in two weeks.").await;
    screenshot(&browser, "circle").await;
    assert_accessible(&browser, "a learning circle").await;
    assert_fits_phone(&browser, "circle").await;
    sign_out(&browser).await;

    sign_in(&browser, "hana@example.com", common::PASSWORD).await;
    browser.goto("/admin/connect").await;
    browser.assert_text("Listening under pressure").await;
    browser.assert_text("fewer than 5").await;
    screenshot(&browser, "admin-connect").await;
    assert_accessible(&browser, "HR's conversations and circles").await;
    assert_fits_phone(&browser, "admin-connect").await;
    browser.goto("/connect/programmes/new").await;
    assert_accessible(&browser, "opening a circle programme").await;
    assert_fits_phone(&browser, "programme-new").await;
    browser.close().await;
}
/// A pulse check answered on a 360 px phone from the home page, then changed; HR's pulse
/// pages are accessible and fit a phone too.
#[sqlx::test]
async fn a_pulse_check_is_answered_on_a_phone(pool: PgPool) {
    use attune::domain::pulse::{Audience, PulseInput, Repeats, STARTER_STATEMENTS};
    let app = common::spawn_app(pool.clone()).await;
    app.create_person("pat@example.com", "Pat Okafor", Roles::default())
        .await;
    app.create_person(
        "hana@example.com",
        "Hana Haddad",
        Roles {
            organizer: false,
            hr_admin: true,
        },
    )
    .await;
    let today = chrono::Utc::now().date_naive();
    let input = PulseInput {
        title: "Team pulse".into(),
        statements: STARTER_STATEMENTS[..3]
            .iter()
            .map(|(_, text)| text.to_string())
            .collect(),
        comment_question: "Anything else you'd like us to know?".into(),
        audience: Audience::Everyone,
        repeats: Repeats::Quarterly,
        first_opens_on: today,
        first_closes_on: today + chrono::Days::new(7),
        results_public: false,
    };
    let pulse = attune::db::pulse::insert(&pool, &input).await.unwrap();
    let config = AppConfig::for_base_url(app.address.parse().unwrap());
    attune::app::pulse::open_due_rounds(&pool, &config, chrono::Utc::now())
        .await
        .unwrap();
    let round: uuid::Uuid = sqlx::query_scalar("SELECT id FROM pulse_rounds")
        .fetch_one(&pool)
        .await
        .unwrap();

    let browser = Browser::start(&app.address).await;
    browser
        .client()
        .set_window_size(harness::PHONE_WIDTH, 800)
        .await
        .unwrap();
    sign_in(&browser, "pat@example.com", common::PASSWORD).await;
    browser.goto("/").await;
    browser
        .assert_text("Team pulse How much do you agree?")
        .await;
    assert_accessible(&browser, "home with a pulse check").await;
    for (n, choice) in [(1, "Agree"), (2, "Strongly agree"), (3, "Disagree")] {
        let xpath =
            format!("//fieldset[@id='p{round}-s{n}']//label[normalize-space(.)='{choice}']");
        browser.tick_xpath(&xpath, choice).await;
    }
    browser
        .fill(
            "Anything else you'd like us to know? (optional)",
            "Thanks for asking.",
        )
        .await;
    screenshot(&browser, "pulse-home-phone").await;
    browser.click("Send my answer").await;
    browser
        .assert_text("your answer is saved, anonymously")
        .await;
    browser.assert_text("you've answered this round").await;
    assert_fits_phone(&browser, "pulse-answered-home").await;

    // Changing the answer: the page shows what was chosen, and takes the change.
    browser.click_link("Change my answer to Team pulse").await;
    assert_accessible(&browser, "a pulse round").await;
    assert_fits_phone(&browser, "pulse-round").await;
    let xpath = format!("//fieldset[@id='p{round}-s3']//label[normalize-space(.)='Agree']");
    browser.tick_xpath(&xpath, "Agree").await;
    browser.click_button("Change my answer").await;
    browser.assert_text("Your answer is changed").await;
    let scores: Vec<i16> = sqlx::query_scalar("SELECT scores FROM pulse_answers")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(scores, [4, 5, 4]);
    sign_out(&browser).await;

    // HR's pages.
    sign_in(&browser, "hana@example.com", common::PASSWORD).await;
    for (path, name) in [
        ("/admin/pulses".to_string(), "pulse-list"),
        ("/admin/pulses/new".to_string(), "pulse-new"),
        (format!("/admin/pulses/{pulse}"), "pulse-results"),
    ] {
        browser.goto(&path).await;
        assert_accessible(&browser, name).await;
        assert_fits_phone(&browser, name).await;
    }
    browser.close().await;
}
