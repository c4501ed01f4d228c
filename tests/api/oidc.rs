//! Signing in with the company's identity provider, against a real OpenID provider
//! (`oidc-provider`) on loopback: matching, who gets in, refusals, SSO only, sign-out.

use crate::common;

use attune::db;
use attune::domain::people::Roles;
use attune::domain::sso::{Admission, SsoSettings};
use common::oidc::LABEL;
use common::{
    PASSWORD, location, spawn_app_with_sso, spawn_app_with_unreachable_sso, visible_text,
};
use reqwest::StatusCode;
use serde_json::json;
use sqlx::PgPool;

async fn sso_subject(pool: &PgPool, email: &str) -> Option<String> {
    sqlx::query_scalar("SELECT sso_subject FROM people WHERE email = $1")
        .bind(email)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn set_sso(pool: &PgPool, settings: SsoSettings) {
    db::settings::update_sso(pool, &settings).await.unwrap();
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .cookies()
        .find(|c| c.name() == "attune_session")
        .map(|c| c.value().to_string())
}

#[sqlx::test]
async fn first_sign_in_links_by_verified_email_then_the_sub_matches_after_the_email_changes(
    pool: PgPool,
) {
    let (app, provider) = spawn_app_with_sso(pool.clone()).await;
    let id = app
        .create_person("ana@example.com", "Ana Alvarez", Roles::default())
        .await;

    let browser = app.browser();
    let (status, html) = browser.get_html("/login").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        visible_text(&html).contains(LABEL),
        "the button is on the sign-in page"
    );
    assert!(
        html.find(LABEL).unwrap() < html.find(r#"name="password""#).unwrap(),
        "above the password form"
    );

    let start = browser.post("/auth/oidc/start", &[("next", "/quiz")]).await;
    let before = session_cookie(&start).expect("the flow is kept in a session");
    let callback = browser.follow_to_callback(location(&start), "ana").await;
    let response = browser.client.get(callback).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        "/quiz",
        "back on the page first asked for"
    );
    let after = session_cookie(&response).expect("a new session id");
    assert_ne!(before, after, "the session id rotates at SSO sign-in");
    let (status, html) = browser.get_html("/account").await;
    assert_eq!(status, StatusCode::OK);
    assert!(visible_text(&html).contains("ana@example.com"));
    assert_eq!(
        sso_subject(&pool, "ana@example.com").await.as_deref(),
        Some("ana")
    );

    // The provider now says another email: the link by `sub` still finds Ana.
    provider.set_account(
        "ana",
        json!({ "email": "ana.alvarez@example.com", "email_verified": true, "name": "Ana Alvarez" }),
    );
    let again = app.browser();
    let response = again.sign_in_with_provider("ana", "/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let people: i64 = sqlx::query_scalar("SELECT count(*) FROM people")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(people, 1, "nobody new was created");
    let (_, html) = again.get_html("/account").await;
    assert!(visible_text(&html).contains("ana@example.com"));
    let linked: String = sqlx::query_scalar("SELECT sso_subject FROM people WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(linked, "ana");
}

#[sqlx::test]
async fn only_known_people_or_anyone_from_the_listed_domains(pool: PgPool) {
    let (app, _provider) = spawn_app_with_sso(pool.clone()).await;

    // Only people HR added (the default): a stranger is refused, kindly.
    let response = app.browser().sign_in_with_provider("erin", "/").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let text = visible_text(&response.text().await.unwrap());
    assert!(text.contains("no Attune account for you yet"), "{text}");
    assert!(text.contains("Back to sign in"));

    // HR lets in anyone from example.com, through the settings page.
    let hr = app.hr_admin("hr@example.com").await;
    let response = hr
        .post(
            "/admin/settings/sso",
            &[
                ("sso_admission", "domains"),
                ("sso_domains", "example.com"),
                ("sso_department_claim", ""),
                ("sso_office_claim", ""),
                ("sso_time_zone_claim", "zoneinfo"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let settings = db::settings::get_sso(&pool).await.unwrap();
    assert_eq!(settings.admission, Admission::Domains);

    let browser = app.browser();
    let response = browser.sign_in_with_provider("erin", "/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = browser.get_html("/account").await;
    assert!(visible_text(&html).contains("erin@example.com"));
    let (name, hr_admin): (String, bool) = sqlx::query_as(
        "SELECT display_name, is_hr_admin FROM people WHERE email = 'erin@example.com'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(name, "Erin Newcomer");
    assert!(!hr_admin, "created as an employee");

    // Another domain is still refused.
    let response = app.browser().sign_in_with_provider("carla", "/").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(sso_subject_count(&pool).await, 1);
}

async fn sso_subject_count(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM people WHERE sso_subject IS NOT NULL")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn an_unverified_email_and_a_deactivated_person_are_refused(pool: PgPool) {
    let (app, _provider) = spawn_app_with_sso(pool.clone()).await;
    set_sso(
        &pool,
        SsoSettings {
            admission: Admission::Domains,
            domains: vec!["example.com".into()],
            ..SsoSettings::default()
        },
    )
    .await;
    app.create_person("ben@example.com", "Ben", Roles::default())
        .await;
    let response = app.browser().sign_in_with_provider("ben", "/").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let text = visible_text(&response.text().await.unwrap());
    assert!(text.contains("didn't confirm your email address"), "{text}");
    assert_eq!(sso_subject(&pool, "ben@example.com").await, None);

    let id = app
        .create_person("ana@example.com", "Ana", Roles::default())
        .await;
    db::people::set_active(&pool, id, false).await.unwrap();
    let browser = app.browser();
    let response = browser.sign_in_with_provider("ana", "/").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let text = visible_text(&response.text().await.unwrap());
    assert!(text.contains("switched off"), "{text}");
    let response = browser.get("/account").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "not signed in");
}

#[sqlx::test]
async fn a_tampered_state_a_replayed_code_and_a_provider_error_are_refused(pool: PgPool) {
    let (app, _provider) = spawn_app_with_sso(pool.clone()).await;
    app.create_person("ana@example.com", "Ana", Roles::default())
        .await;

    // Tampered state.
    let browser = app.browser();
    let callback = browser.provider_round_trip("ana", "/").await;
    let mut url = reqwest::Url::parse(&callback).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" {
                format!("{v}x")
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    let response = browser.client.get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let text = visible_text(&response.text().await.unwrap());
    assert!(text.contains("Start again from the sign-in page"), "{text}");
    assert_eq!(
        browser.get("/account").await.status(),
        StatusCode::SEE_OTHER
    );

    // A code used once can't be used again, even with a fresh flow's state.
    let browser = app.browser();
    let callback = browser.provider_round_trip("ana", "/").await;
    let response = browser.client.get(&callback).send().await.unwrap();
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "the first use signs in"
    );
    let replay = browser.client.get(&callback).send().await.unwrap();
    assert_eq!(
        replay.status(),
        StatusCode::BAD_REQUEST,
        "the same callback again"
    );
    let code = reqwest::Url::parse(&callback)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let attacker = app.browser();
    let start = attacker.post("/auth/oidc/start", &[("next", "/")]).await;
    let state = reqwest::Url::parse(&location(&start))
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let response = attacker
        .get(&format!("/auth/oidc/callback?code={code}&state={state}"))
        .await;
    assert_eq!(
        response.status(),
        StatusCode::BAD_REQUEST,
        "the provider refuses the code"
    );
    assert_eq!(
        attacker.get("/account").await.status(),
        StatusCode::SEE_OTHER
    );

    // The person said no at the provider.
    let browser = app.browser();
    browser.post("/auth/oidc/start", &[("next", "/")]).await;
    let response = browser
        .get("/auth/oidc/callback?error=access_denied&error_description=End-User+aborted&state=x")
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let text = visible_text(&response.text().await.unwrap());
    assert!(text.contains("cancelled"), "{text}");

    // A callback with no flow at all.
    let response = app
        .browser()
        .get("/auth/oidc/callback?code=abc&state=def")
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[sqlx::test]
async fn department_office_and_time_zone_come_from_the_mapped_claims(pool: PgPool) {
    let (app, provider) = spawn_app_with_sso(pool.clone()).await;
    app.create_person("dev@example.com", "Dev", Roles::default())
        .await;
    set_sso(
        &pool,
        SsoSettings {
            department_claim: "department".into(),
            office_claim: "office".into(),
            ..SsoSettings::default()
        },
    )
    .await;
    let response = app.browser().sign_in_with_provider("dev", "/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let row: (String, String, String) = sqlx::query_as(
        "SELECT department, office, time_zone FROM people WHERE email = 'dev@example.com'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        row,
        ("Research".into(), "Lisbon".into(), "Europe/Lisbon".into())
    );

    // Refreshed at each sign-in; a time zone nobody knows is ignored.
    provider.set_account(
        "dev",
        json!({ "email": "dev@example.com", "email_verified": true, "department": "Design",
                "office": "Porto", "zoneinfo": "Mars/Olympus_Mons" }),
    );
    let response = app.browser().sign_in_with_provider("dev", "/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let row: (String, String, String) = sqlx::query_as(
        "SELECT department, office, time_zone FROM people WHERE email = 'dev@example.com'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        row,
        ("Design".into(), "Porto".into(), "Europe/Lisbon".into())
    );
}

#[sqlx::test]
async fn sso_only_hides_the_password_form_but_hr_admins_keep_a_password(pool: PgPool) {
    let (app, _provider) = spawn_app_with_sso(pool.clone()).await;
    app.create_person("emp@example.com", "Emp", Roles::default())
        .await;
    app.create_person(
        "hr@example.com",
        "Hr",
        Roles {
            organizer: false,
            hr_admin: true,
        },
    )
    .await;
    set_sso(
        &pool,
        SsoSettings {
            sso_only: true,
            ..SsoSettings::default()
        },
    )
    .await;

    let browser = app.browser();
    let (status, html) = browser.get_html("/login").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains(r#"name="password""#), "no password form");
    assert!(visible_text(&html).contains(LABEL));
    assert!(visible_text(&html).contains("HR admins: sign in with a password"));
    let (_, html) = browser.get_html("/login?with=password").await;
    assert!(html.contains(r#"name="password""#), "the break-glass form");

    let response = browser.sign_in("emp@example.com", PASSWORD).await;
    assert_eq!(
        response.status(),
        StatusCode::UNAUTHORIZED,
        "employees use the provider"
    );
    let response = browser.sign_in("hr@example.com", PASSWORD).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "HR admins keep their password"
    );
}

#[sqlx::test]
async fn signing_out_also_ends_the_provider_session(pool: PgPool) {
    let (app, provider) = spawn_app_with_sso(pool.clone()).await;
    app.create_person("ana@example.com", "Ana", Roles::default())
        .await;
    let browser = app.browser();
    let response = browser.sign_in_with_provider("ana", "/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = browser.post("/logout", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let url = reqwest::Url::parse(&location(&response)).unwrap();
    assert!(
        url.as_str()
            .starts_with(&format!("{}/session/end", provider.issuer)),
        "{url}"
    );
    let params: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert!(params.iter().any(|(k, _)| k == "id_token_hint"));
    assert!(params.contains(&(
        "post_logout_redirect_uri".into(),
        format!("{}/login", app.address)
    )));
    assert_eq!(
        browser.get("/account").await.status(),
        StatusCode::SEE_OTHER
    );
    // The provider accepts the request (it asks the person to confirm).
    let response = browser.client.get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    // Someone who signed in with a password just goes back to the sign-in page.
    let hr = app.hr_admin("hr@example.com").await;
    let response = hr.post("/logout", &[]).await;
    assert_eq!(location(&response), "/login");
}

#[sqlx::test]
async fn an_unreachable_provider_leaves_the_button_disabled_and_nothing_breaks(pool: PgPool) {
    let app = spawn_app_with_unreachable_sso(pool.clone()).await;
    let browser = app.browser();
    let (status, html) = browser.get_html("/login").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("disabled"));
    assert!(visible_text(&html).contains("can't reach your identity provider"));
    assert!(html.contains(r#"name="password""#), "passwords still work");
    let (status, html) = browser
        .post_html("/auth/oidc/start", &[("next", "/")])
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(visible_text(&html).contains("Back to sign in"));
    let response = app.hr_admin("hr@example.com").await.get("/").await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[sqlx::test]
async fn with_sso_only_an_invitation_leads_to_the_provider_instead_of_a_password(pool: PgPool) {
    let (app, _provider) = spawn_app_with_sso(pool.clone()).await;
    let id = app
        .create_person("ana@example.com", "Ana", Roles::default())
        .await;
    let config = attune::config::AppConfig::for_base_url(app.address.parse().unwrap());
    let mut conn = pool.acquire().await.unwrap();
    let link = attune::app::people::invite(&mut conn, &config, id, chrono::Utc::now())
        .await
        .unwrap();
    let path = link.strip_prefix(&app.address).unwrap().to_string();

    let (_, html) = app.browser().get_html(&path).await;
    assert!(
        html.contains(r#"name="password""#),
        "without SSO only, a password is chosen"
    );

    set_sso(
        &pool,
        SsoSettings {
            sso_only: true,
            ..SsoSettings::default()
        },
    )
    .await;
    let browser = app.browser();
    let (status, html) = browser.get_html(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains(r#"name="password""#),
        "no password to choose"
    );
    assert!(visible_text(&html).contains(LABEL));
    let response = browser.sign_in_with_provider("ana", "/").await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "the button signs Ana in"
    );
}
