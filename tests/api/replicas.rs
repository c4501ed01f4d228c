//! Two Attune instances behind nginx, as a company would run replicas: the real `attune serve`
//! binary twice against one database, each with its own scheduler and mail worker, and nginx
//! (Debian's package) balancing between them. Everything that must hold across replicas lives
//! in PostgreSQL: sessions, sign-in throttling, the spotlight round, the outbox.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use attune::domain::people::Roles;
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use sqlx::PgPool;

use crate::common::smtp::SmtpSink;
use crate::common::{PASSWORD, spawn_app};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process stopped when the test ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn database_url(pool: &PgPool) -> String {
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(pool)
        .await
        .unwrap();
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL is set for tests");
    format!("{}/{name}", &base[..base.rfind('/').unwrap()])
}

/// `attune serve` on `port`, answering for the public URL `base_url` (nginx's).
async fn replica(database_url: &str, port: u16, base_url: &str, sink: &SmtpSink) -> Running {
    let child = Command::new(env!("CARGO_BIN_EXE_attune"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("ATTUNE_BIND", format!("127.0.0.1:{port}"))
        .env("ATTUNE_BASE_URL", base_url)
        .env("ATTUNE_TRUST_PROXY", "true")
        .env("ATTUNE_SMTP_URL", sink.url())
        .env("ATTUNE_MAIL_FROM", "Attune <attune@example.test>")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("attune serve starts");
    let running = Running(child);
    wait_ready(&format!("http://127.0.0.1:{port}/readyz")).await;
    running
}

fn nginx_binary() -> PathBuf {
    std::env::var_os("ATTUNE_NGINX")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/sbin/nginx"))
}

/// nginx on `port`, round-robin over the replicas, saying which one answered.
async fn nginx(port: u16, upstreams: &[u16]) -> (Running, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().display();
    let servers: String = upstreams
        .iter()
        .map(|p| format!("server 127.0.0.1:{p};"))
        .collect();
    let conf = format!(
        "daemon off; master_process off; worker_processes 1; pid {root}/nginx.pid;
         error_log {root}/error.log warn;
         events {{ worker_connections 64; }}
         http {{
           access_log off;
           client_body_temp_path {root}/body; proxy_temp_path {root}/proxy;
           fastcgi_temp_path {root}/fastcgi; uwsgi_temp_path {root}/uwsgi; scgi_temp_path {root}/scgi;
           upstream attune {{ {servers} }}
           server {{
             listen 127.0.0.1:{port};
             location / {{
               proxy_pass http://attune;
               proxy_set_header Host $http_host;
               proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
               add_header X-Upstream $upstream_addr always;
             }}
           }}
         }}"
    );
    let path = dir.path().join("nginx.conf");
    std::fs::write(&path, conf).unwrap();
    let child = Command::new(nginx_binary())
        .arg("-c")
        .arg(&path)
        .arg("-p")
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("nginx runs (apt-get install nginx, or set ATTUNE_NGINX)");
    let running = Running(child);
    wait_ready(&format!("http://127.0.0.1:{port}/readyz")).await;
    (running, dir)
}

async fn wait_ready(url: &str) {
    let started = Instant::now();
    loop {
        if let Ok(response) = reqwest::get(url).await
            && response.status() == StatusCode::OK
        {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{url} did not answer"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

async fn sign_in(front: &str, email: &str, password: &str) -> reqwest::Response {
    client()
        .post(format!("{front}/login"))
        .header("Origin", front)
        .form(&[("email", email), ("password", password), ("next", "/")])
        .send()
        .await
        .unwrap()
}

#[sqlx::test]
async fn two_replicas_behind_nginx_share_sessions_throttling_rounds_and_mail(pool: PgPool) {
    // The database is migrated and people are added through the library, as an admin would.
    let app = spawn_app(pool.clone()).await;
    for (email, name, department) in [
        ("ada@example.com", "Ada Lindqvist", "Engineering"),
        ("ben@example.com", "Ben Okafor", "Engineering"),
        ("cy@example.com", "Cy Moretti", "Engineering"),
        ("dee@example.com", "Dee Chen", "Finance"),
        ("eve@example.com", "Eve Haddad", "Finance"),
        ("fay@example.com", "Fay Silva", "Finance"),
    ] {
        app.create_person_in(email, name, Roles::default(), department, "London")
            .await;
    }
    sqlx::query("UPDATE program_settings SET spotlight_per_department = 1")
        .execute(&pool)
        .await
        .unwrap();

    let sink = SmtpSink::start();
    let url = database_url(&pool).await;
    let front_port = free_port();
    let front = format!("http://127.0.0.1:{front_port}");
    let (a, b) = (free_port(), free_port());
    // Both start at once: each runs its scheduler (spotlight round, insights) straight away.
    let (replica_a, replica_b) = tokio::join!(
        replica(&url, a, &front, &sink),
        replica(&url, b, &front, &sink)
    );
    let (_nginx, _dir) = nginx(front_port, &[a, b]).await;

    // A session made through nginx works on each replica, asked directly and through nginx.
    let response = sign_in(&front, "ada@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // Every cookie the sign-in set (the session, and the known-device cookie).
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|value| {
            value
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut answered_by = std::collections::BTreeSet::new();
    for base in [
        format!("http://127.0.0.1:{a}"),
        format!("http://127.0.0.1:{b}"),
        front.clone(),
        front.clone(),
    ] {
        let response = client()
            .get(format!("{base}/"))
            .header("Cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "signed in at {base}");
        if let Some(upstream) = response.headers().get("x-upstream") {
            answered_by.insert(upstream.to_str().unwrap().to_string());
        }
        let html = response.text().await.unwrap();
        assert!(
            html.contains("Ada Lindqvist"),
            "the home page of Ada at {base}"
        );
    }
    assert_eq!(
        answered_by.len(),
        2,
        "nginx used both replicas: {answered_by:?}"
    );

    // Wrong passwords alternate between the replicas (nginx round-robin); the limit counts
    // them all, so the next attempt is paused whichever replica takes it.
    let limit = attune::domain::sign_in::ACCOUNT_FAILURE_LIMIT;
    for _ in 0..limit {
        let response = sign_in(&front, "ben@example.com", "not the password at all").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    for _ in 0..2 {
        let response = sign_in(&front, "ben@example.com", "not the password at all").await;
        assert_eq!(
            response.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "paused on every replica"
        );
    }

    // One spotlight round this week for both replicas, one nominator per department, and
    // each nominator's email sent once (both mail workers poll the same outbox).
    let rounds: i64 = sqlx::query_scalar("SELECT count(*) FROM spotlight_rounds")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rounds, 1);
    let invited: Vec<String> = sqlx::query_scalar(
        "SELECT p.email FROM spotlight_invitations i JOIN people p ON p.id = i.person_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(invited.len(), 2, "{invited:?}");
    let delivered = sink.wait_for(invited.len()).await;
    // Give a duplicate time to arrive if one were coming.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let delivered_now = sink.messages();
    assert_eq!(delivered.len(), delivered_now.len());
    let mut recipients: Vec<String> = delivered_now.iter().map(|m| m.to()).collect();
    recipients.sort();
    let mut expected = invited.clone();
    expected.sort();
    assert_eq!(recipients, expected, "each nominator hears once");
    let sent: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE status = 'sent'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(sent, 2);
    drop((replica_a, replica_b));
}
