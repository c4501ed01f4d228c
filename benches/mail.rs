//! Outbox delivery speed: 10,000 queued messages handed to a real SMTP server on loopback
//! (`tests/support/smtp_sink.py`, Python's aiosmtpd), by one worker and then by two racing.
//!
//!     cargo bench --bench mail
//!
//! Creates (and afterwards drops) the database `attune_bench_mail` on the server in
//! DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres). Needs python3 with
//! aiosmtpd (`./scripts/test` installs it). Prints messages per second.

#[allow(dead_code)]
#[path = "../tests/common/smtp.rs"]
mod smtp;

use std::sync::Arc;
use std::time::Instant;

use attune::app::mail::{Recipient, queue};
use attune::config::AppConfig;
use attune::domain::mail::MailKind;
use attune::mail::compose::Content;
use attune::mail::worker::deliver_due;
use chrono::Utc;
use sqlx::PgPool;
use sqlx::migrate::MigrateDatabase;

const MESSAGES: usize = 10_000;

fn main() -> anyhow::Result<()> {
    // `cargo test --all-targets` builds and runs benches without --bench: do nothing then.
    if !std::env::args().any(|a| a == "--bench") {
        println!("mail bench: run with `cargo bench --bench mail`");
        return Ok(());
    }
    tokio::runtime::Runtime::new()?.block_on(run())
}

fn bench_url() -> String {
    let base = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    match base.rfind('/') {
        Some(i) => format!("{}/attune_bench_mail", &base[..i]),
        None => base,
    }
}

async fn fill(pool: &PgPool, config: &AppConfig, person: uuid::Uuid) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    for n in 0..MESSAGES {
        let content = Content {
            subject: format!("Story night reminder {n}"),
            greeting: "Hello Ada,".into(),
            paragraphs: vec!["Your story night is tomorrow at 18:00 in the London office.".into()],
            action: Some(("See the lineup".into(), config.url_for("/events"))),
            details: vec![("Where".into(), "London, Thames room".into())],
        };
        let to = Recipient {
            id: person,
            email: "ada@example.com",
        };
        queue(&mut tx, config, to, MailKind::EventReminder, &content, None).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn drain(pool: PgPool, config: Arc<AppConfig>) -> usize {
    let mut sent = 0;
    loop {
        match deliver_due(&pool, &config, Utc::now()).await {
            Ok(0) => return sent,
            Ok(n) => sent += n,
            Err(err) => panic!("delivering: {err}"),
        }
    }
}

async fn run() -> anyhow::Result<()> {
    let url = bench_url();
    if sqlx::Postgres::database_exists(&url).await? {
        sqlx::Postgres::drop_database(&url).await?;
    }
    let pool = attune::startup::prepare_database(&url).await?;
    let person: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO people (id, email, display_name, time_zone) \
         VALUES (gen_random_uuid(), 'ada@example.com', 'Ada Lovelace', 'UTC') RETURNING id",
    )
    .fetch_one(&pool)
    .await?;
    let sink = smtp::SmtpSink::start();
    let mut config = AppConfig::for_base_url("http://127.0.0.1:3000".parse()?);
    config.mail = Some(attune::mail::MailConfig::parse(
        &sink.url(),
        Some("Attune <attune@example.test>"),
        &config.base_url,
    )?);
    let config = Arc::new(config);

    for workers in [1, 2] {
        let started = Instant::now();
        fill(&pool, &config, person).await?;
        let queued = started.elapsed();
        let started = Instant::now();
        let handles: Vec<_> = (0..workers)
            .map(|_| tokio::spawn(drain(pool.clone(), config.clone())))
            .collect();
        let mut sent = 0;
        for handle in handles {
            sent += handle.await?;
        }
        let elapsed = started.elapsed();
        println!(
            "{workers} worker(s): queued {MESSAGES} in {queued:.1?}; delivered {sent} in {elapsed:.1?} = {:.0} messages/s",
            sent as f64 / elapsed.as_secs_f64()
        );
    }
    let received = sink.messages().len();
    println!("the SMTP server received {received} messages");
    pool.close().await;
    sqlx::Postgres::drop_database(&url).await?;
    Ok(())
}
