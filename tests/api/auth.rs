//! Signing in and out, invitations, sessions, throttling, CSRF and security headers.

use crate::common;

use attune::domain::people::Roles;
use common::smtp::SmtpSink;
use common::{PASSWORD, find_link, location, spawn_app, visible_text};
use reqwest::StatusCode;
use sqlx::PgPool;

#[sqlx::test]
async fn first_admin_setup_link_creates_an_hr_admin_who_is_signed_in(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let config = attune::config::AppConfig::for_base_url(app.address.parse().unwrap());
    let link = attune::startup::first_admin_link(&pool, &config)
        .await
        .unwrap()
        .expect("a fresh install prints a setup link");
    let path = link.strip_prefix(&app.address).unwrap().to_string();
    let browser = app.browser();

    let (status, html) = browser.get_html(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(visible_text(&html).contains("Create the first HR admin"));

    // A weak password is refused with the name and email kept, and nothing is created.
    let (status, html) = browser
        .post_html(
            &path,
            &[
                ("display_name", "Rosa Silva"),
                ("email", "rosa@example.com"),
                ("time_zone", "Europe/Lisbon"),
                ("password", "password1234"),
                ("password_confirmation", "password1234"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("easy to guess"));
    assert!(html.contains(r#"value="rosa@example.com""#));
    assert!(!html.contains("password1234"), "passwords are never echoed");
    assert_eq!(attune::db::people::count(&pool).await.unwrap(), 0);

    let response = browser
        .post(
            &path,
            &[
                ("display_name", "Rosa Silva"),
                ("email", "rosa@example.com"),
                ("time_zone", "Europe/Lisbon"),
                ("password", PASSWORD),
                ("password_confirmation", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, home) = browser.get_html("/").await;
    assert!(visible_text(&home).contains("Hello, Rosa"));
    assert!(
        home.contains(r#"href="/admin/people""#),
        "an HR admin sees People"
    );

    // The link works once, and no new one is needed now that an admin exists.
    let (status, _) = app.browser().get_html(&path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        attune::startup::first_admin_link(&pool, &config)
            .await
            .unwrap()
            .is_none()
    );
}

#[sqlx::test]
async fn invitation_then_password_then_sign_in_and_sign_out(pool: PgPool) {
    let app = spawn_app(pool).await;
    let hr = app.hr_admin("hana.tanaka@example.com").await;

    let response = hr
        .post(
            "/admin/people",
            &[
                ("display_name", "Kofi Mensah"),
                ("email", "Kofi.Mensah@Example.com"),
                ("department", "Finance"),
                ("office", "Toronto"),
                ("time_zone", "America/Toronto"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let page = response.text().await.unwrap();
    let link = find_link(&page, &format!("{}/invite/", app.address))
        .expect("the invitation link is shown");
    let path = link.strip_prefix(&app.address).unwrap().to_string();

    // Kofi follows the link and chooses a password.
    let kofi = app.browser();
    let (status, html) = kofi.get_html(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(visible_text(&html).contains("Hello, Kofi"));
    let (status, html) = kofi
        .post_html(
            &path,
            &[
                ("password", "kofimensah2024"),
                ("password_confirmation", "kofimensah2024"),
            ],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "his own name is guessable"
    );
    assert!(visible_text(&html).contains("easy to guess"));
    let (status, html) = kofi
        .post_html(
            &path,
            &[
                ("password", PASSWORD),
                ("password_confirmation", "something else entirely"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("don't match"));
    // He is asked for his time zone, offered canonical names only, and a wrong one is
    // explained next to the field with what he typed kept.
    assert!(
        html.contains(r#"value="America/Toronto""#),
        "HR's choice is prefilled"
    );
    assert!(html.contains(r#"<option value="Europe/London">"#));
    assert!(!html.contains(r#"<option value="Zulu">"#) && !html.contains("GB-Eire"));
    let (status, html) = kofi
        .post_html(
            &path,
            &[
                ("password", PASSWORD),
                ("password_confirmation", PASSWORD),
                ("time_zone", "Mars/Olympus"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("is not a time zone we know"));
    assert!(html.contains(r#"value="Mars/Olympus""#));
    let response = kofi
        .post(
            &path,
            &[
                ("password", PASSWORD),
                ("password_confirmation", PASSWORD),
                ("time_zone", "America/Vancouver"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let zone: String = sqlx::query_scalar(
        "SELECT time_zone FROM people WHERE lower(email) = 'kofi.mensah@example.com'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(zone, "America/Vancouver", "the zone he chose on joining");
    // His joining is on the audit record, with him as the actor and where he joined from,
    // beside HR's adding him (accounts HR opened itself would show as such).
    let (actor_is_kofi, has_address): (bool, bool) = sqlx::query_as(
        "SELECT a.actor = p.id, a.ip IS NOT NULL FROM audit_log a \
         JOIN people p ON lower(p.email) = 'kofi.mensah@example.com' \
         WHERE a.action = 'invitation_accepted' AND a.person = p.id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(actor_is_kofi && has_address);
    let (_, home) = kofi.get_html("/").await;
    assert!(visible_text(&home).contains("Hello, Kofi"));
    assert!(
        !home.contains(r#"href="/admin/people""#),
        "employees don't see People"
    );

    // The invitation works only once.
    let (status, html) = app.browser().get_html(&path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(visible_text(&html).contains("doesn't work any more"));

    // Sign out is a POST that ends the session on the server.
    let response = kofi.post("/logout", &[]).await;
    assert_eq!(location(&response), "/login");
    let response = kofi.get("/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/login"));

    // He signs in again with the email in any case.
    let again = app.browser();
    let response = again.sign_in("KOFI.MENSAH@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/");
}

#[sqlx::test]
async fn wrong_email_and_wrong_password_get_the_same_answer(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.create_person("ines@example.com", "Ines Rossi", Roles::default())
        .await;
    let browser = app.browser();

    let wrong_password = browser
        .sign_in("ines@example.com", "not her password at all")
        .await;
    let wrong_status = wrong_password.status();
    let wrong_password = visible_text(&wrong_password.text().await.unwrap());
    let unknown = browser
        .sign_in("nobody@example.com", "not her password at all")
        .await;
    let unknown_status = unknown.status();
    let unknown = visible_text(&unknown.text().await.unwrap());

    assert_eq!(wrong_status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown_status, StatusCode::UNAUTHORIZED);
    assert!(wrong_password.contains("That email and password don't match"));
    assert_eq!(
        wrong_password.replace("ines@example.com", "EMAIL"),
        unknown.replace("nobody@example.com", "EMAIL")
    );

    // Empty fields are pointed out, with the email kept.
    let response = browser
        .post("/login", &[("email", "ines@example.com"), ("password", "")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(visible_text(&html).contains("Enter your password"));
    assert!(html.contains(r#"value="ines@example.com""#));
}

#[sqlx::test]
async fn sign_in_changes_the_session_id_and_follows_only_local_next_links(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.create_person("theo@example.com", "Theo Dubois", Roles::default())
        .await;
    let browser = app.browser();

    // An anonymous visit gets a session cookie (the flash after sign-out, say)...
    browser.post("/logout", &[]).await;
    let before = session_cookie(&browser).await;
    let response = browser
        .post(
            "/login",
            &[
                ("email", "theo@example.com"),
                ("password", PASSWORD),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(location(&response), "/account");
    let after = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .find_map(|v| {
            v.to_str()
                .ok()
                .filter(|v| v.starts_with("attune_session="))
                .map(str::to_string)
        })
        .expect("sign-in sets a new session cookie");
    assert!(after.contains("HttpOnly"));
    assert!(after.contains("SameSite=Lax"));
    assert_ne!(Some(after.split(';').next().unwrap().to_string()), before);

    for evil in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let b = app.browser();
        let response = b
            .post(
                "/login",
                &[
                    ("email", "theo@example.com"),
                    ("password", PASSWORD),
                    ("next", evil),
                ],
            )
            .await;
        assert_eq!(location(&response), "/", "{evil} must not be followed");
    }
}

async fn session_cookie(browser: &common::Browser) -> Option<String> {
    let response = browser.get("/login").await;
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .find_map(|v| {
            v.to_str()
                .ok()
                .map(|v| v.split(';').next().unwrap().to_string())
        })
}

/// Shifts every recorded sign-in attempt into the past, as if time had passed.
async fn wait_minutes(pool: &PgPool, minutes: i32) {
    sqlx::query("UPDATE sign_in_attempts SET at = at - make_interval(mins => $1)")
        .bind(minutes)
        .execute(pool)
        .await
        .unwrap();
}

fn retry_after(response: &reqwest::Response) -> String {
    response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .to_string()
}

#[sqlx::test]
async fn failures_slow_an_account_down_with_growing_delays_instead_of_locking_it(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    app.create_person("yara@example.com", "Yara Haddad", Roles::default())
        .await;
    let attacker = app.browser();

    for _ in 0..5 {
        let response = attacker
            .sign_in("yara@example.com", "guessing wrongly again")
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = attacker.sign_in("yara@example.com", PASSWORD).await;
    assert_eq!(
        response.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "a new device waits, even with the right password"
    );
    assert_eq!(retry_after(&response), "60", "a minute, not a lockout");
    let text = visible_text(&response.text().await.unwrap());
    assert!(text.contains("Too many unsuccessful sign-in attempts"));
    assert!(text.contains("please wait 1 minute"), "{text}");
    assert!(text.contains("reset your password by email"), "{text}");

    // Another account is not affected.
    app.create_person("zain@example.com", "Zain Ahmed", Roles::default())
        .await;
    assert_eq!(
        attacker
            .sign_in("zain@example.com", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    // After the minute one more guess is checked, and the next wait doubles.
    wait_minutes(&pool, 2).await;
    let response = attacker
        .sign_in("yara@example.com", "guessing wrongly again")
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let response = attacker.sign_in("yara@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(retry_after(&response), "120");

    // Once the wait is over, the right password works from anywhere.
    wait_minutes(&pool, 3).await;
    assert_eq!(
        app.browser()
            .sign_in("yara@example.com", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[sqlx::test]
async fn a_known_device_keeps_working_while_someone_guesses_at_the_account(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    app.create_person("yara@example.com", "Yara Haddad", Roles::default())
        .await;
    // Yara signed in on her laptop before; it keeps a device cookie.
    let laptop = app.browser();
    let response = laptop.sign_in("yara@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookies: Vec<_> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let device = cookies
        .iter()
        .find(|c| c.starts_with("attune_device="))
        .expect("a device cookie");
    assert!(device.contains("HttpOnly") && device.contains("SameSite=Lax"));
    laptop.post("/logout", &[]).await;

    // Someone on the same network (the same address) guesses at her account.
    let attacker = app.browser();
    for _ in 0..5 {
        attacker
            .sign_in("yara@example.com", "guessing wrongly again")
            .await;
    }
    assert_eq!(
        attacker
            .sign_in("yara@example.com", "guessing wrongly again")
            .await
            .status(),
        StatusCode::TOO_MANY_REQUESTS,
        "sharing Yara's address doesn't make the attacker a known device"
    );

    // Her laptop is not kept out.
    let response = laptop.sign_in("yara@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(laptop.get("/account").await.status(), StatusCode::OK);
    laptop.post("/logout", &[]).await;

    // A known device has a limit of its own, so a stolen cookie doesn't give endless guesses.
    for _ in 0..5 {
        assert_eq!(
            laptop
                .sign_in("yara@example.com", "a typo or a thief")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        laptop.sign_in("yara@example.com", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[sqlx::test]
async fn a_paused_account_recovers_with_a_password_reset_email(pool: PgPool) {
    let sink = SmtpSink::start();
    let app = common::spawn_app_with_mail(pool, &sink).await;
    app.create_person("ada@example.com", "Ada Byron", Roles::default())
        .await;
    let attacker = app.browser();
    for _ in 0..8 {
        attacker
            .sign_in("ada@example.com", "guessing wrongly again")
            .await;
    }
    let ada = app.browser();
    assert_eq!(
        ada.sign_in("ada@example.com", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );

    let response = ada
        .post("/password/forgot", &[("email", "ada@example.com")])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let link = sink.wait_for(1).await[0]
        .link(&format!("{}/password/reset/", app.address))
        .unwrap();
    let path = link.strip_prefix(&app.address).unwrap().to_string();
    let new_password = "lantern orchard pebble 42";
    let response = ada
        .post(
            &path,
            &[
                ("password", new_password),
                ("password_confirmation", new_password),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    ada.post("/logout", &[]).await;

    // The failures before the reset no longer count: she signs in at once, from any browser.
    assert_eq!(
        app.browser()
            .sign_in("ada@example.com", new_password)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[sqlx::test]
async fn parallel_wrong_passwords_are_checked_no_more_often_than_the_limit(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    app.create_person("ravi@example.com", "Ravi Patel", Roles::default())
        .await;
    let attacker = app.browser();

    let mut attempts = tokio::task::JoinSet::new();
    for i in 0..20 {
        let attacker = attacker.clone();
        attempts.spawn(async move {
            attacker
                .sign_in("ravi@example.com", &format!("wrong guess number {i}"))
                .await
                .status()
        });
    }
    let statuses = attempts.join_all().await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(checked + refused, 20, "{statuses:?}");
    assert!(
        checked <= attune::domain::sign_in::ACCOUNT_FAILURE_LIMIT as usize,
        "only the limit's worth of passwords were checked, not {checked}"
    );
    let recorded: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sign_in_attempts WHERE email = 'ravi@example.com'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        recorded as usize, checked,
        "every checked attempt is on record"
    );
}

#[sqlx::test]
async fn many_failures_from_one_address_slow_down_new_devices_only(pool: PgPool) {
    let app = spawn_app(pool).await;
    // Wen signed in at the office before.
    app.create_person("wen@example.com", "Wen Chen", Roles::default())
        .await;
    let wens_laptop = app.browser();
    wens_laptop.sign_in("wen@example.com", PASSWORD).await;
    wens_laptop.post("/logout", &[]).await;

    // Someone behind the same office address tries 30 accounts.
    let browser = app.browser();
    for i in 0..30 {
        let response = browser
            .sign_in(&format!("guess{i}@example.com"), "wrong wrong wrong")
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    app.create_person("lei@example.com", "Lei Wang", Roles::default())
        .await;
    let response = app.browser().sign_in("lei@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        retry_after(&response),
        "60",
        "a short wait for a new device"
    );
    assert_eq!(
        wens_laptop
            .sign_in("wen@example.com", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER,
        "a known device keeps working"
    );
}

#[sqlx::test]
async fn deactivation_ends_a_live_session_at_once(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("grace@example.com").await;
    let liam = app.employee("liam@example.com").await;
    assert_eq!(liam.get("/account").await.status(), StatusCode::OK);

    let id: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM people WHERE email = 'liam@example.com'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let response = hr
        .post(&format!("/admin/people/{id}/deactivate"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let response = liam.get("/account").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/login"));
    assert_eq!(
        app.browser()
            .sign_in("liam@example.com", PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );

    // Reactivated, he can sign in again.
    hr.post(&format!("/admin/people/{id}/reactivate"), &[])
        .await;
    assert_eq!(
        app.browser()
            .sign_in("liam@example.com", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[sqlx::test]
async fn changing_the_password_ends_other_sessions_but_keeps_this_one(pool: PgPool) {
    let app = spawn_app(pool).await;
    let laptop = app.employee("mei@example.com").await;
    let phone = app.browser();
    assert_eq!(
        phone.sign_in("mei@example.com", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );

    let new_password = "orchard velvet compass 19";
    let (status, html) = laptop
        .post_html(
            "/account/password",
            &[
                ("current_password", "wrong"),
                ("password", new_password),
                ("password_confirmation", new_password),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("isn't your current password"));

    let response = laptop
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", new_password),
                ("password_confirmation", new_password),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        laptop.get("/account").await.status(),
        StatusCode::OK,
        "this session carries on"
    );
    assert_eq!(
        phone.get("/account").await.status(),
        StatusCode::SEE_OTHER,
        "the other one ended"
    );
    assert_eq!(
        app.browser()
            .sign_in("mei@example.com", new_password)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[sqlx::test]
async fn a_cross_site_form_post_is_refused(pool: PgPool) {
    let app = spawn_app(pool).await;
    let hr = app.hr_admin("noor@example.com").await;

    // What a malicious page's auto-submitting form sends from a modern browser.
    let response = hr
        .client
        .post(hr.url("/admin/people"))
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .form(&[
            ("display_name", "Mallory"),
            ("email", "mallory@evil.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // And from an older browser that sends only Origin.
    let response = hr
        .client
        .post(hr.url("/logout"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // And with neither header (a non-browser client, or a browser that strips both): refused
    // too, with a page that isn't cached.
    let response = hr
        .client
        .post(hr.url("/admin/people"))
        .form(&[
            ("display_name", "Mallory"),
            ("email", "mallory@evil.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert!(
        visible_text(&response.text().await.unwrap()).contains("nothing was changed"),
        "the page says what happened"
    );
    let response = hr.client.post(hr.url("/logout")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let (_, people) = hr.get_html("/admin/people").await;
    assert!(!people.contains("Mallory"), "nothing was created");
    assert_eq!(
        hr.get("/account").await.status(),
        StatusCode::OK,
        "still signed in"
    );
}

#[sqlx::test]
async fn every_response_carries_security_headers(pool: PgPool) {
    let app = spawn_app(pool).await;
    let employee = app.employee("owen@example.com").await;
    for path in [
        "/",
        "/login",
        "/account",
        "/no-such-page",
        "/static/css/app.css",
        "/healthz",
    ] {
        let response = employee.get(path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        for directive in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "script-src 'self'",
        ] {
            assert!(csp.contains(directive), "{path}: CSP has {directive}");
        }
        assert!(!csp.contains("unsafe-inline"), "{path}: no inline scripts");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        assert!(headers.contains_key("x-request-id"), "{path}: a request id");
    }
    let page = employee.get("/account").await;
    assert_eq!(page.headers()["cache-control"], "no-store");
    let css = employee.get("/static/css/app.css").await;
    assert!(
        css.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
}

#[sqlx::test]
async fn behind_https_cookies_are_secure_and_hsts_is_sent(pool: PgPool) {
    let app = common::spawn_app_with(pool, Some("https://attune.example.com")).await;
    app.create_person("ivy@example.com", "Ivy Chen", Roles::default())
        .await;
    let browser = app.browser();
    let response = browser.get("/login").await;
    assert!(
        response.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
    let response = browser.sign_in("ivy@example.com", PASSWORD).await;
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.contains("Secure"), "{cookie}");

    // Over plain http there is no HSTS and no Secure flag.
    let plain = spawn_app(app.pool.clone()).await;
    let response = plain.browser().get("/login").await;
    assert!(!response.headers().contains_key("strict-transport-security"));
}

#[sqlx::test]
async fn missing_pages_and_oversized_bodies_get_proper_pages(pool: PgPool) {
    let app = spawn_app(pool).await;
    let employee = app.employee("paloma@example.com").await;
    let (status, html) = employee.get_html("/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(visible_text(&html).contains("We couldn't find that page"));
    assert!(
        html.contains(r#"href="/account""#),
        "the 404 page keeps the navigation"
    );

    let big = "x".repeat(3 * 1024 * 1024);
    let response = employee
        .post("/account/time-zone", &[("time_zone", &big)])
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert!(visible_text(&response.text().await.unwrap()).contains("too large"));
}

#[sqlx::test]
async fn probes_report_liveness_and_readiness(pool: PgPool) {
    let app = spawn_app(pool).await;
    let browser = app.browser();
    let (status, body) = browser.get_html("/healthz").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
    let (status, body) = browser.get_html("/readyz").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ready"));
}

#[sqlx::test]
async fn an_unreachable_database_makes_readyz_and_pages_answer_503(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let browser = app.employee("finn@example.com").await;
    // Closing the pool is what an outage looks like from inside: no connection can be had.
    pool.close().await;
    let (status, body) = browser.get_html("/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.starts_with("database unreachable"));
    let (status, html) = browser.get_html("/account").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(visible_text(&html).contains("briefly unavailable"));
}

#[sqlx::test]
async fn each_role_has_a_home_page_of_its_own(pool: PgPool) {
    let app = spawn_app(pool).await;
    let employee = visible_text(&app.employee("em@example.com").await.get_html("/").await.1);
    let organizer = visible_text(&app.organizer("or@example.com").await.get_html("/").await.1);
    let hr = visible_text(&app.hr_admin("hr@example.com").await.get_html("/").await.1);

    // Everyone's home opens with their next steps; HR's figures come after.
    let steps = employee.find("Your next steps").expect("next steps");
    assert!(
        steps < employee.find("Recommended for you").unwrap(),
        "{employee}"
    );
    assert!(employee.contains("Take the quiz"));
    assert!(!employee.contains("Plan a story night"));
    assert!(!employee.contains("Your program at a glance"));

    assert!(organizer.contains("You organize story nights"));
    assert!(organizer.contains("Plan a story night"));
    assert!(!organizer.contains("Your program at a glance"));

    assert!(hr.contains("Your program at a glance"));
    assert!(hr.contains("Add a person"));
    assert!(
        hr.find("Your next steps") < hr.find("Your program at a glance"),
        "next steps first"
    );
}

/// When the signed-in session was last written (its idle expiry).
async fn session_expiry(pool: &PgPool) -> chrono::DateTime<chrono::Utc> {
    sqlx::query_scalar("SELECT max(expiry_date) FROM sessions")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn signed_in_page_views_write_nothing_to_the_session(pool: PgPool) {
    let app = spawn_app(pool).await;
    let ada = app.employee("ada@example.com").await;
    let (status, _) = ada.get_html("/").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    let before = session_expiry(&app.pool).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    for path in [
        "/",
        "/account",
        "/events",
        "/recognition/mine",
        "/notifications",
    ] {
        let (status, _) = ada.get_html(path).await;
        assert_eq!(status, reqwest::StatusCode::OK, "{path}");
    }
    assert_eq!(
        session_expiry(&app.pool).await,
        before,
        "reading pages leaves the session row as it was"
    );
    // A change that leaves a message for the next page does write it.
    ada.post("/account/time-zone", &[("time_zone", "Europe/Paris")])
        .await;
    assert!(session_expiry(&app.pool).await > before);
}
