//! Test harness: the real server on port 0 against the test's own database, driven over HTTP
//! with cookie-keeping clients, as a person's browser would.
#![allow(dead_code)]

pub mod oidc;
pub mod smtp;

use std::net::SocketAddr;

use attune::config::AppConfig;
use attune::db;
use attune::domain::people::{DisplayName, Email, NewPerson, Roles};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};
use sqlx::PgPool;
use uuid::Uuid;

/// A password that passes the policy, used for test accounts.
pub const PASSWORD: &str = "quiet harbour lantern 42";

pub struct TestApp {
    /// e.g. http://127.0.0.1:41234
    pub address: String,
    pub pool: PgPool,
}

/// Starts Attune on a free port with the given (fresh, migrated) database.
pub async fn spawn_app(pool: PgPool) -> TestApp {
    spawn_app_with(pool, None).await
}

/// Like [`spawn_app`], sending email through a real SMTP server with its own mail worker (as
/// every running instance has).
pub async fn spawn_app_with_mail(pool: PgPool, sink: &smtp::SmtpSink) -> TestApp {
    spawn(pool, None, Some(sink)).await
}

/// Like [`spawn_app`], with a public base URL of its own (e.g. https, as behind a TLS proxy).
pub async fn spawn_app_with(pool: PgPool, base_url: Option<&str>) -> TestApp {
    spawn(pool, base_url, None).await
}

/// The settings the test server runs with, sending mail to `sink` when given.
pub fn config_for(
    address: &str,
    base_url: Option<&str>,
    sink: Option<&smtp::SmtpSink>,
) -> AppConfig {
    let mut config = AppConfig::for_base_url(base_url.unwrap_or(address).parse().unwrap());
    config.mail = sink.map(|sink| {
        attune::mail::MailConfig::parse(
            &sink.url(),
            Some("Attune <attune@example.test>"),
            &config.base_url,
        )
        .expect("the sink's URL is a valid SMTP URL")
    });
    config
}

/// Migrates the test's database and takes a free port: the listener and its address.
async fn listen(pool: &PgPool) -> (tokio::net::TcpListener, String) {
    init_logs();
    attune::startup::migrate(pool)
        .await
        .expect("session table is created");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = format!("http://{}", listener.local_addr().unwrap());
    (listener, address)
}

async fn spawn(pool: PgPool, base_url: Option<&str>, sink: Option<&smtp::SmtpSink>) -> TestApp {
    let (listener, address) = listen(&pool).await;
    let config = config_for(&address, base_url, sink);
    if config.mail.is_some() {
        attune::mail::worker::spawn(
            pool.clone(),
            std::sync::Arc::new(config.clone()),
            std::time::Duration::from_millis(100),
        );
    }
    serve(listener, pool.clone(), config);
    TestApp { address, pool }
}

/// Starts Attune with sign-in through a real OpenID provider started for it.
pub async fn spawn_app_with_sso(pool: PgPool) -> (TestApp, oidc::OidcProvider) {
    let (listener, address) = listen(&pool).await;
    let provider = oidc::OidcProvider::start(&address);
    let mut config = config_for(&address, None, None);
    config.oidc = Some(provider.config());
    serve(listener, pool.clone(), config);
    (TestApp { address, pool }, provider)
}

/// Starts Attune with an identity provider configured at an address where nothing answers.
pub async fn spawn_app_with_unreachable_sso(pool: PgPool) -> TestApp {
    let (listener, address) = listen(&pool).await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let mut config = config_for(&address, None, None);
    config.oidc = Some(attune::config::OidcConfig {
        issuer: issuer.parse().unwrap(),
        client_id: oidc::CLIENT_ID.into(),
        client_secret: Some(oidc::CLIENT_SECRET.into()),
        label: oidc::LABEL.into(),
    });
    serve(listener, pool.clone(), config);
    TestApp { address, pool }
}

fn serve(listener: tokio::net::TcpListener, pool: PgPool, config: AppConfig) {
    let app = attune::startup::app(pool, config);
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("server runs");
    });
}

/// With `ATTUNE_TEST_LOG` set (a filter such as `warn` or `attune=debug`), the server's logs
/// are captured with each test's output, so a failing test shows what the server said.
fn init_logs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Ok(filter) = std::env::var("ATTUNE_TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .try_init();
        }
    });
}

/// One person's browser: its own cookie jar; redirects are not followed so tests see them.
#[derive(Clone)]
pub struct Browser {
    pub client: Client,
    pub address: String,
}

impl TestApp {
    pub fn browser(&self) -> Browser {
        Browser {
            client: Client::builder()
                .cookie_store(true)
                .redirect(Policy::none())
                .build()
                .unwrap(),
            address: self.address.clone(),
        }
    }

    /// Adds a person directly in the database (with a password, so they can sign in).
    pub async fn create_person(&self, email: &str, name: &str, roles: Roles) -> Uuid {
        self.create_person_in(email, name, roles, "", "").await
    }

    pub async fn create_person_in(
        &self,
        email: &str,
        name: &str,
        roles: Roles,
        department: &str,
        office: &str,
    ) -> Uuid {
        let person = NewPerson {
            email: Email::parse(email).unwrap(),
            display_name: DisplayName::parse(name).unwrap(),
            department: department.into(),
            office: office.into(),
            time_zone: chrono_tz::Tz::Europe__London,
            roles,
        };
        let hash = attune::secrets::hash_password(PASSWORD.into())
            .await
            .unwrap();
        db::people::insert(&self.pool, &person, Some(&hash))
            .await
            .unwrap()
    }

    /// A browser signed in as a new person with the given roles.
    pub async fn signed_in(&self, email: &str, roles: Roles) -> Browser {
        let name = email.split('@').next().unwrap().replace('.', " ");
        self.create_person(email, &name, roles).await;
        let browser = self.browser();
        let response = browser.sign_in(email, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "sign-in works");
        browser
    }

    pub async fn employee(&self, email: &str) -> Browser {
        self.signed_in(email, Roles::default()).await
    }

    pub async fn organizer(&self, email: &str) -> Browser {
        self.signed_in(
            email,
            Roles {
                organizer: true,
                hr_admin: false,
            },
        )
        .await
    }

    pub async fn hr_admin(&self, email: &str) -> Browser {
        self.signed_in(
            email,
            Roles {
                organizer: false,
                hr_admin: true,
            },
        )
        .await
    }
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn get_html(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.unwrap())
    }

    /// Posts a form the way a browser does from one of Attune's own pages.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(path))
            .header("origin", &self.address)
            .header("sec-fetch-site", "same-origin")
            .form(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_html(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let response = self.post(path, form).await;
        let status = response.status();
        (status, response.text().await.unwrap())
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Response {
        self.post(
            "/login",
            &[("email", email), ("password", password), ("next", "/")],
        )
        .await
    }
}

/// The value of the `Location` header of a redirect.
pub fn location(response: &Response) -> String {
    response
        .headers()
        .get("location")
        .expect("a redirect has a Location")
        .to_str()
        .unwrap()
        .to_string()
}

/// Text content with tags stripped and whitespace collapsed, to assert on what a person reads.
pub fn visible_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first link in a page that starts with the given prefix (e.g. an invitation link).
pub fn find_link(html: &str, prefix: &str) -> Option<String> {
    let start = html.find(prefix)?;
    let rest = &html[start..];
    let end = rest
        .find(|c: char| c == '<' || c == '"' || c.is_whitespace())
        .unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

/// Answers the whole quiz (values for items 1..16) and submits; returns the attempt id.
/// HR sets the anonymity threshold (the retake interval left at 30 days) and is redirected back.
pub async fn set_threshold(hr: &Browser, threshold: i64) {
    let threshold = threshold.to_string();
    let response = hr
        .post(
            "/admin/settings",
            &[
                ("retake_interval_days", "30"),
                ("anonymity_threshold", threshold.as_str()),
            ],
        )
        .await;
    assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER);
}

pub async fn take_quiz(browser: &Browser, answers: &[u8; 16]) -> String {
    let key = uuid::Uuid::new_v4().to_string();
    let names: Vec<String> = (1..=16).map(|i| format!("q{i}")).collect();
    let values: Vec<String> = answers.iter().map(u8::to_string).collect();
    let mut form: Vec<(&str, &str)> = names
        .iter()
        .zip(&values)
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    form.push(("submission_key", &key));
    form.push(("action", "submit"));
    let response = browser.post("/quiz", &form).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "the quiz is scored"
    );
    location(&response)
        .strip_prefix("/quiz/attempts/")
        .expect("redirected to the results")
        .to_string()
}
