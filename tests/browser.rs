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
    for item in ["Home", "People", "Account", "Sign out"] {
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
            nav.iter().any(|n| n == "People"),
            roles.hr_admin,
            "only HR admins see People in the navigation; the {role} sees {nav:?}"
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
    screenshot(&browser, "quiz-results").await;
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
    screenshot(&browser, "quiz-history").await;
    assert_accessible(&browser, "the quiz history").await;
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
    hr.check("Emotion comprehension", true).await;
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
        .assert_text("You scored lower on emotion comprehension than on the other aspects")
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
