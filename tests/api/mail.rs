//! Email through a real SMTP server (aiosmtpd on loopback): invitations and password resets
//! whose links work, one-click unsubscribe, HR's outbox, and the outbox's delivery guarantees
//! (each message once with two workers racing, retries while the server is down, nothing lost
//! when a worker dies mid-batch).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use attune::app::mail::{self as mail_use_case, Recipient};
use attune::db;
use attune::domain::mail::MailKind;
use attune::mail::compose::Content;
use attune::mail::worker::deliver_due;
use chrono::{Datelike, Duration, Timelike, Utc};
use mail_parser::MimeHeaders;
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::common::smtp::SmtpSink;
use crate::common::{self, location, spawn_app, spawn_app_with_mail, visible_text};

/// Puts `count` messages for `person` in the outbox, as a use case would.
async fn queue_messages(
    pool: &PgPool,
    config: &attune::config::AppConfig,
    person: Uuid,
    count: usize,
) {
    let mut tx = pool.begin().await.unwrap();
    for n in 0..count {
        let content = Content {
            subject: format!("Message {n}"),
            greeting: "Hello,".into(),
            paragraphs: vec![format!("This is message number {n}.")],
            ..Content::default()
        };
        let to = Recipient {
            id: person,
            email: "ada@example.com",
        };
        mail_use_case::queue(&mut tx, config, to, MailKind::Recognised, &content, None)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
}

async fn status_counts(pool: &PgPool) -> HashMap<String, i64> {
    sqlx::query_as::<_, (String, i64)>("SELECT status, count(*) FROM outbox GROUP BY status")
        .fetch_all(pool)
        .await
        .unwrap()
        .into_iter()
        .collect()
}

#[sqlx::test]
async fn an_invitation_email_arrives_and_its_link_lets_the_person_join(pool: PgPool) {
    let sink = SmtpSink::start();
    let app = spawn_app_with_mail(pool, &sink).await;
    let hr = app.hr_admin("hr@example.com").await;
    let (status, html) = hr
        .post_html(
            "/admin/people",
            &[
                ("email", "grace@example.com"),
                ("display_name", "Grace Hopper"),
                ("time_zone", "Europe/London"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(visible_text(&html).contains("an invitation email is on its way to grace@example.com"));

    let delivered = sink.wait_for(1).await;
    assert_eq!(delivered.len(), 1, "one invitation");
    let email = &delivered[0];
    assert_eq!(email.to(), "grace@example.com");
    assert_eq!(email.subject(), "You're invited to Attune");
    assert!(email.text().contains("Hello Grace,"));
    assert!(email.html().contains("Choose your password"));
    assert!(
        email.message_id().ends_with("@127.0.0.1"),
        "{}",
        email.message_id()
    );
    assert!(
        email.header("List-Unsubscribe").is_none(),
        "invitations can't be turned off"
    );

    let link = email
        .link(&format!("{}/invite/", app.address))
        .expect("the email carries the invitation link");
    let grace = app.browser();
    let path = link.strip_prefix(&app.address).unwrap();
    assert_eq!(grace.get(path).await.status(), StatusCode::OK);
    let response = grace
        .post(
            path,
            &[
                ("password", common::PASSWORD),
                ("password_confirmation", common::PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/");
    let (_, home) = grace.get_html("/").await;
    assert!(visible_text(&home).contains("Grace"));

    // Once sent, the words (and the link's token) are not kept.
    let kept: Vec<String> =
        sqlx::query_scalar("SELECT text_body || html_body FROM outbox WHERE status = 'sent'")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(kept, vec![String::new()]);
}

#[sqlx::test]
async fn imported_people_get_their_invitations_by_email_when_hr_sends_them(pool: PgPool) {
    let sink = SmtpSink::start();
    let app = spawn_app_with_mail(pool, &sink).await;
    let hr = app.hr_admin("hr@example.com").await;
    let csv = "email,name,department,office,time_zone\n\
               ada@example.com,Ada Lovelace,Engineering,London,Europe/London\n\
               alan@example.com,Alan Turing,Engineering,London,Europe/London\n";
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::text(csv).file_name("people.csv"),
    );
    let html = hr
        .client
        .post(hr.url("/admin/people/import"))
        .header("origin", &hr.address)
        .header("sec-fetch-site", "same-origin")
        .multipart(form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(visible_text(&html).contains("Send invitations to the 2 new people"));
    let ids: Vec<Uuid> =
        sqlx::query_scalar("SELECT id FROM people WHERE email LIKE 'a%' ORDER BY email")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let form: Vec<(&str, &str)> = ids.iter().map(|id| ("person", id.as_str())).collect();
    let response = hr.post("/admin/people/import/invitations", &form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, people) = hr.get_html(&location(&response)).await;
    assert!(visible_text(&people).contains("Invitation emails are on their way to 2 people."));

    let delivered = sink.wait_for(2).await;
    let to: BTreeSet<String> = delivered.iter().map(|m| m.to()).collect();
    assert_eq!(
        to,
        BTreeSet::from(["ada@example.com".into(), "alan@example.com".into()])
    );
}

#[sqlx::test]
async fn forgot_password_answers_the_same_for_unknown_emails_and_the_emailed_link_works_once(
    pool: PgPool,
) {
    let sink = SmtpSink::start();
    let app = spawn_app_with_mail(pool, &sink).await;
    app.employee("ada@example.com").await;
    let visitor = app.browser();
    let login = visitor.get_html("/login").await.1;
    assert!(login.contains("href=\"/password/forgot\""));

    let (unknown_status, unknown) = visitor
        .post_html("/password/forgot", &[("email", "nobody@example.com")])
        .await;
    let (known_status, known) = visitor
        .post_html("/password/forgot", &[("email", "ADA@example.com ")])
        .await;
    assert_eq!(unknown_status, StatusCode::OK);
    assert_eq!(known_status, StatusCode::OK);
    let sentence = |html: &str, email: &str| visible_text(html).replace(email, "EMAIL");
    assert_eq!(
        sentence(&unknown, "nobody@example.com"),
        sentence(&known, "ADA@example.com"),
        "the same page whether or not the account exists"
    );

    let delivered = sink.wait_for(1).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let delivered_now = sink.messages();
    assert_eq!(
        delivered_now.len(),
        1,
        "nothing is sent for an unknown email"
    );
    let email = &delivered[0];
    assert_eq!(email.to(), "ada@example.com");
    assert_eq!(email.subject(), "Reset your Attune password");
    let link = email
        .link(&format!("{}/password/reset/", app.address))
        .unwrap();
    let path = link.strip_prefix(&app.address).unwrap().to_string();

    // Another device signed in as Ada is signed out by the reset.
    let other_device = app.browser();
    other_device
        .sign_in("ada@example.com", common::PASSWORD)
        .await;
    assert_eq!(other_device.get("/account").await.status(), StatusCode::OK);

    let ada = app.browser();
    assert_eq!(ada.get(&path).await.status(), StatusCode::OK);
    let (status, html) = ada
        .post_html(
            &path,
            &[("password", "short"), ("password_confirmation", "short")],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the policy applies"
    );
    assert!(html.contains("aria-invalid=\"true\""));
    let new_password = "violet kettle harbour 77";
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
    assert_eq!(location(&response), "/");
    assert_eq!(
        ada.get("/account").await.status(),
        StatusCode::OK,
        "signed in"
    );
    assert_eq!(
        other_device.get("/account").await.status(),
        StatusCode::SEE_OTHER,
        "other sessions ended"
    );
    assert_eq!(
        app.browser()
            .sign_in("ada@example.com", new_password)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    let (used_status, used) = app.browser().get_html(&path).await;
    assert_eq!(used_status, StatusCode::NOT_FOUND, "the link works once");
    assert!(visible_text(&used).contains("doesn't work any more"));
    assert!(visible_text(&used).contains("Forgot your password?"));
}

#[sqlx::test]
async fn an_expired_reset_link_gets_a_clear_page_and_requests_are_throttled(pool: PgPool) {
    let sink = SmtpSink::start();
    let app = spawn_app_with_mail(pool, &sink).await;
    app.employee("ada@example.com").await;
    let visitor = app.browser();
    visitor
        .post("/password/forgot", &[("email", "ada@example.com")])
        .await;
    let link = sink.wait_for(1).await[0]
        .link(&format!("{}/password/reset/", app.address))
        .unwrap();
    sqlx::query(
        "UPDATE access_tokens SET created_at = now() - interval '2 hours', \
         expires_at = now() - interval '1 hour' WHERE purpose = 'password_reset'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let (status, html) = visitor
        .get_html(link.strip_prefix(&app.address).unwrap())
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(visible_text(&html).contains("each link works once, for an hour"));

    // Three requests an hour for one email; the fourth waits, whoever it is for.
    for email in ["ada@example.com", "ada@example.com"] {
        let (status, _) = visitor
            .post_html("/password/forgot", &[("email", email)])
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, html) = visitor
        .post_html("/password/forgot", &[("email", "ada@example.com")])
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(visible_text(&html).contains("please wait"));
    for _ in 0..3 {
        visitor
            .post("/password/forgot", &[("email", "nobody@example.com")])
            .await;
    }
    let (status, _) = visitor
        .post_html("/password/forgot", &[("email", "nobody@example.com")])
        .await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "unknown emails are throttled alike"
    );
    let (status, _) = visitor
        .post_html("/password/forgot", &[("email", "not an email")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test]
async fn hr_sends_a_reset_email_whose_link_only_the_person_sees(pool: PgPool) {
    let sink = SmtpSink::start();
    let app = spawn_app_with_mail(pool, &sink).await;
    let ada = app
        .create_person("ada@example.com", "Ada Lovelace", Default::default())
        .await;
    let hr = app.hr_admin("hr@example.com").await;
    let (_, page) = hr.get_html(&format!("/admin/people/{ada}")).await;
    assert!(visible_text(&page).contains("Send a password reset email"));
    let response = hr
        .post(&format!("/admin/people/{ada}/password-reset"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = hr.get_html(&location(&response)).await;
    assert!(
        visible_text(&page).contains("A password reset email is on its way to ada@example.com")
    );
    assert!(!page.contains("/password/reset/"), "HR never sees the link");
    let on_record: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'password_reset_sent' AND person = $1",
    )
    .bind(ada)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(on_record, 1, "HR's reset email is on the audit record");
    let delivered = sink.wait_for(1).await;
    assert_eq!(delivered[0].to(), "ada@example.com");
    assert!(
        delivered[0]
            .link(&format!("{}/password/reset/", app.address))
            .is_some()
    );
}

#[sqlx::test]
async fn one_click_unsubscribe_stops_that_kind_and_account_can_turn_it_back_on(pool: PgPool) {
    let sink = SmtpSink::start();
    let app = spawn_app_with_mail(pool, &sink).await;
    let ada_browser = app.employee("ada@example.com").await;
    let ada: Uuid = sqlx::query_scalar("SELECT id FROM people WHERE email = 'ada@example.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (_, account) = ada_browser.get_html("/account").await;
    assert!(
        account.contains("value=\"recognised\" checked"),
        "on until turned off"
    );
    assert!(
        !account.contains("value=\"weekly_digest\" checked"),
        "the digest is opt-in"
    );
    let config = common::config_for(&app.address, None, Some(&sink));
    queue_messages(&app.pool, &config, ada, 1).await;
    let email = &sink.wait_for(1).await[0];
    assert_eq!(
        email.header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let header = email.header("List-Unsubscribe").expect("a one-click link");
    let link = header.trim_start_matches('<').trim_end_matches('>');
    assert!(
        email.text().contains(link),
        "the footer carries the same link"
    );
    assert!(email.text().contains("because a colleague recognised you"));
    let path = link.strip_prefix(&app.address).unwrap();

    // A mail client's one-click POST, with no session and no browser headers.
    let client = reqwest::Client::new();
    let response = client
        .post(format!("{}{path}", app.address))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(visible_text(&response.text().await.unwrap()).contains("You're unsubscribed"));
    queue_messages(&app.pool, &config, ada, 1).await;
    assert_eq!(
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM outbox")
            .fetch_one(&app.pool)
            .await
            .unwrap(),
        1,
        "nothing more of that kind is queued"
    );
    let (_, account) = ada_browser.get_html("/account").await;
    assert!(!account.contains("value=\"recognised\" checked"));

    // A tampered link is not found.
    let forged = path.replace("recognised", "weekly_digest");
    assert_eq!(
        app.browser().get(&forged).await.status(),
        StatusCode::NOT_FOUND
    );

    // Back on from Account.
    let response = ada_browser
        .post(
            "/account/notifications",
            &[("kind", "recognised"), ("kind", "weekly_digest")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, account) = ada_browser.get_html("/account").await;
    assert!(account.contains("value=\"recognised\" checked"));
    assert!(
        !account.contains("value=\"event_reminder\" checked"),
        "unticked means off"
    );
}

#[sqlx::test]
async fn two_workers_racing_over_500_messages_deliver_each_exactly_once(pool: PgPool) {
    let sink = SmtpSink::start();
    let app = spawn_app(pool).await;
    let ada = app
        .create_person("ada@example.com", "Ada Lovelace", Default::default())
        .await;
    let config = Arc::new(common::config_for(&app.address, None, Some(&sink)));
    queue_messages(&app.pool, &config, ada, 500).await;

    let worker = |pool: PgPool, config: Arc<attune::config::AppConfig>| async move {
        let mut tried = 0;
        loop {
            let n = deliver_due(&pool, &config, Utc::now()).await.unwrap();
            if n == 0 {
                return tried;
            }
            tried += n;
        }
    };
    let (a, b) = tokio::join!(
        tokio::spawn(worker(app.pool.clone(), config.clone())),
        tokio::spawn(worker(app.pool.clone(), config.clone())),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a + b, 500, "the workers shared the work: {a} + {b}");
    assert!(a > 0 && b > 0, "both workers took part: {a} + {b}");

    let delivered = sink.wait_for(500).await;
    assert_eq!(delivered.len(), 500);
    let ids: BTreeSet<String> = delivered.iter().map(|m| m.message_id()).collect();
    assert_eq!(ids.len(), 500, "no message was delivered twice");
    assert_eq!(status_counts(&app.pool).await.get("sent"), Some(&500));
}

#[sqlx::test]
async fn messages_wait_while_the_smtp_server_is_down_and_arrive_once_it_is_back(pool: PgPool) {
    let mut sink = SmtpSink::start();
    let app = spawn_app(pool).await;
    let ada = app
        .create_person("ada@example.com", "Ada Lovelace", Default::default())
        .await;
    let config = common::config_for(&app.address, None, Some(&sink));
    sink.stop();
    queue_messages(&app.pool, &config, ada, 3).await;
    assert_eq!(
        deliver_due(&app.pool, &config, Utc::now()).await.unwrap(),
        3
    );
    let (attempts, error): (i32, Option<String>) =
        sqlx::query_as("SELECT max(attempts), max(last_error) FROM outbox WHERE status = 'queued'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(attempts, 1);
    assert!(error.is_some(), "the reason is kept");
    assert_eq!(
        deliver_due(&app.pool, &config, Utc::now()).await.unwrap(),
        0,
        "not retried before the backoff"
    );

    sink.resume();
    let later = Utc::now() + Duration::minutes(2);
    assert_eq!(deliver_due(&app.pool, &config, later).await.unwrap(), 3);
    assert_eq!(sink.wait_for(3).await.len(), 3);
    assert_eq!(status_counts(&app.pool).await.get("sent"), Some(&3));

    // After every try, a message is failed and HR sees the server's answer, then retries it.
    sink.stop();
    queue_messages(&app.pool, &config, ada, 1).await;
    for minutes in 0..attune::domain::mail::MAX_ATTEMPTS {
        let at = Utc::now() + Duration::hours(i64::from(minutes) * 3);
        deliver_due(&app.pool, &config, at).await.unwrap();
    }
    assert_eq!(status_counts(&app.pool).await.get("failed"), Some(&1));
    let hr = app.hr_admin("hr@example.com").await;
    let (_, outbox) = hr.get_html("/admin/outbox").await;
    let text = visible_text(&outbox);
    assert!(
        text.contains("Mail is not configured"),
        "this test server itself sends no mail"
    );
    assert!(text.contains("Recognition: a colleague recognised me"));
    assert!(text.contains("ada@example.com"));
    assert!(
        !text.contains("This is message number"),
        "HR never sees a body"
    );
    let id: Uuid = sqlx::query_scalar("SELECT id FROM outbox WHERE status = 'failed'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let response = hr.post(&format!("/admin/outbox/{id}/retry"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    sink.resume();
    deliver_due(&app.pool, &config, Utc::now()).await.unwrap();
    assert_eq!(status_counts(&app.pool).await.get("sent"), Some(&4));
    assert_eq!(
        hr.post(&format!("/admin/outbox/{id}/retry"), &[])
            .await
            .status(),
        StatusCode::CONFLICT,
        "a sent message isn't retried"
    );
}

#[sqlx::test]
async fn a_worker_killed_mid_batch_loses_nothing(pool: PgPool) {
    let sink = SmtpSink::start();
    let app = spawn_app(pool).await;
    let ada = app
        .create_person("ada@example.com", "Ada Lovelace", Default::default())
        .await;
    let config = Arc::new(common::config_for(&app.address, None, Some(&sink)));
    queue_messages(&app.pool, &config, ada, 40).await;

    // The doomed worker has SMTP connections of its own, as another process would: killing
    // it must not leave a half-sent conversation in a pool someone else uses.
    let doomed_config = common::config_for(&app.address, None, Some(&sink));
    let pool = app.pool.clone();
    let doomed = tokio::spawn(async move { deliver_due(&pool, &doomed_config, Utc::now()).await });
    sink.wait_for(5).await;
    doomed.abort();
    let _ = doomed.await;
    let before = sink.messages().len();
    assert!(before < 40, "the worker died mid-batch ({before} sent)");

    // What the dead worker had claimed is due again when its lease ends.
    let after_lease = Utc::now() + attune::mail::worker::LEASE + Duration::minutes(1);
    for _ in 0..100 {
        deliver_due(&app.pool, &config, after_lease).await.unwrap();
        if status_counts(&app.pool).await.get("sent") == Some(&40) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let delivered = sink.wait_for(40).await;
    let ids: BTreeSet<String> = delivered.iter().map(|m| m.message_id()).collect();
    assert_eq!(ids.len(), 40, "every message arrived");
    assert_eq!(status_counts(&app.pool).await.get("sent"), Some(&40));
    // At least once: what the dead worker sent comes again with the same Message-ID.
    assert!(delivered.len() >= 40);
}

#[sqlx::test]
async fn without_smtp_messages_wait_and_links_stay_copyable(pool: PgPool) {
    let app = spawn_app(pool).await;
    let hr = app.hr_admin("hr@example.com").await;
    let (status, html) = hr
        .post_html(
            "/admin/people",
            &[
                ("email", "grace@example.com"),
                ("display_name", "Grace Hopper"),
                ("time_zone", "UTC"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(common::find_link(&html, &format!("{}/invite/", app.address)).is_some());
    app.employee("ada@example.com").await;
    app.browser()
        .post("/password/forgot", &[("email", "ada@example.com")])
        .await;
    // The link is made after the answer (so it takes no longer for a real account).
    for _ in 0..100 {
        if status_counts(&app.pool).await.get("queued") == Some(&1) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(
        status_counts(&app.pool).await.get("queued"),
        Some(&1),
        "the reset waits"
    );
    let (_, outbox) = hr.get_html("/admin/outbox").await;
    assert!(visible_text(&outbox).contains("Mail is not configured"));
    let counts = db::mail::counts(&app.pool, Utc::now() - Duration::days(7))
        .await
        .unwrap();
    assert_eq!((counts.queued, counts.sent, counts.failed), (1, 0, 0));

    // Mail set up later: a reset link that waited past its hour is not sent.
    sqlx::query("UPDATE outbox SET created_at = now() - interval '2 hours'")
        .execute(&app.pool)
        .await
        .unwrap();
    let sink = SmtpSink::start();
    let config = common::config_for(&app.address, None, Some(&sink));
    deliver_due(&app.pool, &config, Utc::now()).await.unwrap();
    assert_eq!(status_counts(&app.pool).await.get("failed"), Some(&1));
    assert!(sink.messages().is_empty(), "a stale link never leaves");
}

/// Ada recognises Ben through the form; returns the recognition id.
async fn recognise_ben(ada: &common::Browser, pool: &PgPool, ben: Uuid) -> String {
    let behaviour: Uuid =
        sqlx::query_scalar("SELECT id FROM recognition_behaviours ORDER BY position LIMIT 1")
            .fetch_one(pool)
            .await
            .unwrap();
    let today = Utc::now()
        .with_timezone(&chrono_tz::Europe::London)
        .format("%Y-%m-%d")
        .to_string();
    let response = ada
        .post(
            "/recognition",
            &[
                ("recipient", ben.to_string().as_str()),
                ("behaviours", behaviour.to_string().as_str()),
                (
                    "story",
                    "Ben noticed I was stuck on the migration, sat with me for an hour and asked good questions.",
                ),
                ("happened_on", today.as_str()),
                ("visibility", "wall"),
            ],
        )
        .await;
    location(&response)
        .strip_prefix("/recognition/")
        .expect("the recognition is made")
        .to_string()
}

#[sqlx::test]
async fn recognitions_reach_their_recipient_and_declines_their_nominator(pool: PgPool) {
    let sink = SmtpSink::start();
    let app = spawn_app_with_mail(pool, &sink).await;
    // No spotlight round: this test counts every message that arrives.
    sqlx::query("UPDATE program_settings SET spotlight_per_department = 0")
        .execute(&app.pool)
        .await
        .unwrap();
    let ada = app.employee("ada@example.com").await;
    let ben_browser = app.employee("ben@example.com").await;
    let ben: Uuid = sqlx::query_scalar("SELECT id FROM people WHERE email = 'ben@example.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap();

    let id = recognise_ben(&ada, &app.pool, ben).await;
    let email = &sink.wait_for(1).await[0];
    assert_eq!(email.to(), "ben@example.com");
    assert_eq!(email.subject(), "ada recognised you");
    let link = format!("{}/recognition/{id}", app.address);
    assert!(email.text().contains(&link));
    assert!(
        !email.text().contains("migration"),
        "what Ada wrote stays in Attune"
    );
    let (_, home) = ben_browser.get_html("/").await;
    assert!(visible_text(&home).contains("Notifications 1 unread"));
    let (_, page) = ben_browser.get_html("/notifications").await;
    assert!(visible_text(&page).contains("ada recognised you. Read what they wrote."));

    // With approval on, nothing reaches Ben until HR decides; a decline reaches Ada.
    sqlx::query("UPDATE program_settings SET recognition_requires_approval = true")
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM recognitions")
        .execute(&app.pool)
        .await
        .unwrap();
    let second = recognise_ben(&ada, &app.pool, ben).await;
    let hr = app.hr_admin("hr@example.com").await;
    let response = hr
        .post(
            &format!("/admin/recognition/{second}/reject"),
            &[("reason", "Please thank Ben in person too.")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let delivered = sink.wait_for(2).await;
    assert_eq!(delivered.len(), 2, "Ben got nothing for the pending one");
    let declined = &delivered[1];
    assert_eq!(declined.to(), "ada@example.com");
    assert!(declined.text().contains("Please thank Ben in person too."));
    assert!(
        declined.header("List-Unsubscribe").is_some(),
        "declines can be turned off"
    );
}

/// A published story night starting at `starts` with `seats` seats, organized by `organizer`.
async fn story_night(
    pool: &PgPool,
    organizer: Uuid,
    starts: chrono::DateTime<Utc>,
    seats: i32,
) -> Uuid {
    use attune::domain::events::{EventInput, EventStatus};
    let input = EventInput {
        title: "Winter tales".into(),
        theme: String::new(),
        description: String::new(),
        starts_at: starts,
        ends_at: starts + Duration::hours(2),
        time_zone: chrono_tz::Tz::Europe__London,
        office: "London".into(),
        room: "Thames room".into(),
        video_url: String::new(),
        capacity: Some(seats),
        storyteller_slots: 2,
        minutes_per_story: 8,
        pitch_deadline: starts - Duration::days(1),
    };
    db::events::insert(pool, &input, EventStatus::Published, organizer)
        .await
        .unwrap()
}

/// The calendar attached to an email: its METHOD and its event's UID and SEQUENCE, read by
/// an independent parser.
fn attached_calendar(email: &common::smtp::Delivered) -> (String, String, String) {
    let parsed = email.parsed();
    let part = parsed
        .attachments()
        .find(|part| {
            part.content_type()
                .is_some_and(|ct| ct.ctype() == "text" && ct.subtype() == Some("calendar"))
        })
        .expect("a text/calendar attachment");
    let text = String::from_utf8(part.contents().to_vec()).unwrap();
    let calendar = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()))
        .next()
        .expect("one calendar")
        .expect("a valid iCalendar file");
    let prop = |props: &[ical::property::Property], name: &str| {
        props
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_default()
    };
    let prodids = calendar
        .properties
        .iter()
        .filter(|p| p.name == "PRODID")
        .count();
    assert_eq!(prodids, 1, "RFC 5545 allows one PRODID");
    let event = &calendar.events[0];
    (
        prop(&calendar.properties, "METHOD"),
        prop(&event.properties, "UID"),
        prop(&event.properties, "SEQUENCE"),
    )
}

#[sqlx::test]
async fn story_nights_confirm_rsvps_move_the_waitlist_up_and_cancel_by_email(pool: PgPool) {
    let sink = SmtpSink::start();
    let app = spawn_app_with_mail(pool, &sink).await;
    let olu_browser = app.organizer("olu@example.com").await;
    let olu: Uuid = sqlx::query_scalar("SELECT id FROM people WHERE email = 'olu@example.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let id = story_night(&app.pool, olu, Utc::now() + Duration::days(10), 1).await;
    let ada = app.employee("ada@example.com").await;
    let ben = app.employee("ben@example.com").await;

    ada.post(&format!("/events/{id}/rsvp"), &[]).await;
    ben.post(&format!("/events/{id}/rsvp"), &[]).await;
    let delivered = sink.wait_for(2).await;
    let to_ada = delivered
        .iter()
        .find(|m| m.to() == "ada@example.com")
        .unwrap();
    assert_eq!(to_ada.subject(), "You're going to Winter tales");
    assert!(to_ada.text().contains("Where: Thames room · London"));
    assert!(
        to_ada.text().contains("(Europe/London)"),
        "times in the reader's zone"
    );
    let (method, uid, _) = attached_calendar(to_ada);
    assert_eq!(method, "REQUEST");
    assert_eq!(uid, format!("{id}@attune"), "the same UID as the download");
    let to_ben = delivered
        .iter()
        .find(|m| m.to() == "ben@example.com")
        .unwrap();
    assert_eq!(to_ben.subject(), "You're on the waitlist for Winter tales");
    assert!(to_ben.text().contains("number 1 on the waitlist"));

    // Ada can't come: Ben moves up, and his calendar gets the event.
    ada.post(&format!("/events/{id}/rsvp/cancel"), &[]).await;
    let delivered = sink.wait_for(3).await;
    let promoted = &delivered[2];
    assert_eq!(promoted.to(), "ben@example.com");
    assert_eq!(
        promoted.subject(),
        "A seat opened up: you're going to Winter tales"
    );
    assert_eq!(attached_calendar(promoted).0, "REQUEST");

    // The organizers cancel: Ben's calendar drops it, with a higher SEQUENCE.
    let response = olu_browser.post(&format!("/events/{id}/cancel"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let delivered = sink.wait_for(4).await;
    let cancelled = &delivered[3];
    assert_eq!(cancelled.to(), "ben@example.com");
    assert_eq!(cancelled.subject(), "Cancelled: Winter tales");
    let (method, uid, sequence) = attached_calendar(cancelled);
    assert_eq!(method, "CANCEL");
    assert_eq!(uid, format!("{id}@attune"));
    assert!(sequence.parse::<i32>().unwrap() >= 1);
    let (_, notifications) = ben.get_html("/notifications").await;
    assert!(visible_text(&notifications).contains("has been cancelled by its organizers"));
}

#[sqlx::test]
async fn the_day_before_reminder_goes_out_once_however_many_instances_run(pool: PgPool) {
    let sink = SmtpSink::start();
    let app = spawn_app(pool).await;
    let olu = app
        .create_person("olu@example.com", "Olu Adeyemi", Default::default())
        .await;
    let ada = app.employee("ada@example.com").await;
    let soon = story_night(&app.pool, olu, Utc::now() + Duration::hours(20), 10).await;
    let later = story_night(&app.pool, olu, Utc::now() + Duration::days(5), 10).await;
    ada.post(&format!("/events/{soon}/rsvp"), &[]).await;
    ada.post(&format!("/events/{later}/rsvp"), &[]).await;
    sqlx::query("DELETE FROM outbox")
        .execute(&app.pool)
        .await
        .unwrap();

    let config = common::config_for(&app.address, None, Some(&sink));
    let now = Utc::now();
    let (a, b) = tokio::join!(
        attune::app::events::send_due_reminders(&app.pool, &config, now),
        attune::app::events::send_due_reminders(&app.pool, &config, now),
    );
    assert_eq!(
        a.unwrap() + b.unwrap(),
        1,
        "one event is due, reminded once"
    );
    attune::app::events::send_due_reminders(&app.pool, &config, now)
        .await
        .unwrap();
    let subjects: Vec<String> = sqlx::query_scalar("SELECT subject FROM outbox")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(subjects, vec!["Coming up: Winter tales".to_string()]);

    // Moved to another day, the event gets a reminder of its own again.
    let starts = Utc::now() + Duration::hours(44);
    let moved = attune::domain::events::EventInput {
        title: "Winter tales".into(),
        theme: String::new(),
        description: String::new(),
        starts_at: starts,
        ends_at: starts + Duration::hours(2),
        time_zone: chrono_tz::Tz::Europe__London,
        office: "London".into(),
        room: "Thames room".into(),
        video_url: String::new(),
        capacity: Some(10),
        storyteller_slots: 2,
        minutes_per_story: 8,
        pitch_deadline: starts - Duration::days(1),
    };
    db::events::update(&app.pool, soon, &moved).await.unwrap();
    let tomorrow = Utc::now() + Duration::hours(24);
    let reminded = attune::app::events::send_due_reminders(&app.pool, &config, tomorrow)
        .await
        .unwrap();
    assert_eq!(reminded, 1, "the new date is reminded too");
    let form = [("title", "Winter tales"), ("starts_at", "2031-01-10T18:00")];
    let _ = form; // the organizer form needs every field: move it in the database instead
    sqlx::query(
        "UPDATE events SET starts_at = starts_at + interval '1 day', \
         ends_at = ends_at + interval '1 day' WHERE id = $1",
    )
    .bind(soon)
    .execute(&app.pool)
    .await
    .unwrap();
}

#[sqlx::test]
async fn storytellers_hear_about_their_pitch_and_the_published_lineup(pool: PgPool) {
    let sink = SmtpSink::start();
    let app = spawn_app_with_mail(pool, &sink).await;
    let olu_browser = app.organizer("olu@example.com").await;
    let olu: Uuid = sqlx::query_scalar("SELECT id FROM people WHERE email = 'olu@example.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let id = story_night(&app.pool, olu, Utc::now() + Duration::days(10), 20).await;
    let ada = app.employee("ada@example.com").await;
    let response = ada
        .post(
            &format!("/events/{id}/pitch"),
            &[
                ("title", "The long winter"),
                ("summary", "The winter I learned to ask for help."),
                ("minutes", "6"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let pitch: Uuid = sqlx::query_scalar("SELECT id FROM event_pitches")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let response = olu_browser
        .post(
            &format!("/events/{id}/pitches/{pitch}/decision"),
            &[
                ("decision", "accept"),
                ("message", "We'd love you to open the evening."),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let delivered = sink.wait_for(1).await;
    assert_eq!(delivered[0].to(), "ada@example.com");
    assert_eq!(delivered[0].subject(), "Your story is in: Winter tales");
    assert!(
        delivered[0]
            .text()
            .contains("We'd love you to open the evening.")
    );

    let response = olu_browser
        .post(&format!("/events/{id}/lineup"), &[("visible", "yes")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let delivered = sink.wait_for(2).await;
    assert_eq!(delivered.len(), 2);
    assert_eq!(delivered[1].subject(), "The lineup for Winter tales is out");
    // Hidden and shown again: the storytellers were told already.
    for visible in ["no", "yes"] {
        olu_browser
            .post(&format!("/events/{id}/lineup"), &[("visible", visible)])
            .await;
    }
    let outbox: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(outbox, 2, "told once");
    let (_, notifications) = ada.get_html("/notifications").await;
    let text = visible_text(&notifications);
    assert!(text.contains("was accepted for Winter tales"));
    assert!(text.contains("is out, and you're in it"));
}

#[sqlx::test]
async fn the_weekly_digest_goes_once_to_those_who_asked_and_spotlight_nominators_hear_of_it(
    pool: PgPool,
) {
    let sink = SmtpSink::start();
    let app = spawn_app(pool).await;
    let ada = app.employee("ada@example.com").await;
    let ben = app.employee("ben@example.com").await;
    let olu = app
        .create_person("olu@example.com", "Olu Adeyemi", Default::default())
        .await;
    let ben_id: Uuid = sqlx::query_scalar("SELECT id FROM people WHERE email = 'ben@example.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    recognise_ben(&ada, &app.pool, ben_id).await;
    story_night(&app.pool, olu, Utc::now() + Duration::days(3), 10).await;
    // Ada keeps every kind on and asks for the digest too.
    let kinds: Vec<(&str, &str)> = MailKind::optional()
        .map(|kind| ("kind", kind.as_str()))
        .collect();
    let response = ada.post("/account/notifications", &kinds).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    sqlx::query("DELETE FROM outbox")
        .execute(&app.pool)
        .await
        .unwrap();

    let config = common::config_for(&app.address, None, Some(&sink));
    let now = Utc::now();
    let (a, b) = tokio::join!(
        attune::app::digest::send_weekly_digest(&app.pool, &config, now),
        attune::app::digest::send_weekly_digest(&app.pool, &config, now),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    if now.weekday() != chrono::Weekday::Mon || now.hour() >= 7 {
        assert_eq!(a + b, 1, "one digest, to the one person who asked for it");
    }
    let digests: Vec<(String, String)> =
        sqlx::query_as("SELECT to_address, text_body FROM outbox WHERE kind = 'weekly_digest'")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    for (to, body) in &digests {
        assert_eq!(to, "ada@example.com");
        assert!(body.contains("1 colleague was recognised on the wall this week."));
        assert!(body.contains("Winter tales"));
        assert!(body.contains("Something to try:"));
    }

    // The week's spotlight nominators are told.
    sqlx::query("UPDATE people SET department = 'Engineering'")
        .execute(&app.pool)
        .await
        .unwrap();
    for table in ["spotlight_invitations", "spotlight_rounds"] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&app.pool)
            .await
            .unwrap();
    }
    attune::app::recognition::ensure_spotlight_round(&app.pool, &config, now)
        .await
        .unwrap();
    let invited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM outbox WHERE kind = 'spotlight_nominator' \
         AND subject = 'You''re a spotlight nominator this week'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let round: i64 = sqlx::query_scalar("SELECT count(*) FROM spotlight_invitations")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(round > 0);
    assert_eq!(invited, round, "each nominator gets one email");
    let (_, notes) = ben.get_html("/notifications").await;
    assert!(
        !visible_text(&notes).contains("spotlight"),
        "an email only: the home page shows the prompt"
    );
}

#[sqlx::test]
async fn an_email_changed_by_hr_is_told_to_the_old_address_and_blocks_resets_for_a_week(
    pool: PgPool,
) {
    let sink = SmtpSink::start();
    let app = spawn_app_with_mail(pool, &sink).await;
    let ada = app
        .create_person("ada@example.com", "Ada Lovelace", Default::default())
        .await;
    let hr = app.hr_admin("hr@example.com").await;
    let response = hr
        .post(
            &format!("/admin/people/{ada}"),
            &[
                ("email", "ada.lovelace@elsewhere.test"),
                ("display_name", "Ada Lovelace"),
                ("time_zone", "Europe/London"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let told = &sink.wait_for(1).await[0];
    assert_eq!(told.to(), "ada@example.com", "the previous address");
    assert_eq!(
        told.subject(),
        "The email of your Attune account was changed"
    );
    assert!(told.text().contains("ada.lovelace@elsewhere.test"));

    let (status, page) = hr
        .post_html(&format!("/admin/people/{ada}/password-reset"), &[])
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(visible_text(&page).contains("no password reset can be sent yet"));
    let (status, _) = app
        .browser()
        .post_html(
            "/password/forgot",
            &[("email", "ada.lovelace@elsewhere.test")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "the same answer as ever");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let resets: i64 =
        sqlx::query_scalar("SELECT count(*) FROM outbox WHERE kind = 'password_reset'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(resets, 0, "nothing is sent to the new address for a week");
}
