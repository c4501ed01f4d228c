//! Start-up: the database (created if missing, migrated), the first-admin link, the server
//! with graceful shutdown, and housekeeping.

use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use sqlx::migrate::{MigrateDatabase, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres};

use crate::config::{AppConfig, ServerConfig, redact_database_url};
use crate::db;
use crate::domain::people::SETUP_LINK_HOURS;
use crate::web::{self, AppState};

/// How often each instance looks for email to send.
const MAIL_POLL: Duration = Duration::from_secs(2);

pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

fn unreachable(database_url: &str, err: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!(
        "could not connect to PostgreSQL at {} ({err}). Is PostgreSQL running? Set DATABASE_URL to your database, e.g. DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/attune",
        redact_database_url(database_url)
    )
}

/// Connects, creating the database if it does not exist, and applies migrations.
pub async fn prepare_database(database_url: &str) -> anyhow::Result<PgPool> {
    prepare_database_with(database_url, 10).await
}

pub async fn prepare_database_with(database_url: &str, pool_size: u32) -> anyhow::Result<PgPool> {
    let options = PgConnectOptions::from_str(database_url).map_err(|err| {
        anyhow::anyhow!(
            "DATABASE_URL is not a valid PostgreSQL URL ({err}): {}",
            redact_database_url(database_url)
        )
    })?;
    let exists = Postgres::database_exists(database_url)
        .await
        .map_err(|err| unreachable(database_url, err))?;
    if !exists {
        Postgres::create_database(database_url)
            .await
            .with_context(|| {
                format!(
                    "creating the database at {}",
                    redact_database_url(database_url)
                )
            })?;
        tracing::info!("created database {}", redact_database_url(database_url));
    }
    let pool = PgPoolOptions::new()
        .max_connections(pool_size.max(2))
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .map_err(|err| unreachable(database_url, err))?;
    migrate(&pool).await?;
    Ok(pool)
}

/// Applies Attune's migrations (sessions included).
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await.context("applying migrations")?;
    Ok(())
}

/// When no HR admin can sign in yet, creates a one-time setup link (valid 24 hours).
pub async fn first_admin_link(pool: &PgPool, config: &AppConfig) -> anyhow::Result<Option<String>> {
    crate::app::people::first_admin_link(pool, config, Utc::now())
        .await
        .map_err(|err| anyhow::anyhow!("creating the setup link: {err}"))
}

/// The application for a pool and settings (also used by the tests).
pub fn app(pool: PgPool, config: AppConfig) -> axum::Router {
    web::router(AppState::new(pool, Arc::new(config)))
}

/// Runs the server until SIGTERM or Ctrl-C; in-flight requests finish first.
pub async fn serve(database_url: &str, server: ServerConfig) -> anyhow::Result<()> {
    let config = server.app_config()?;
    let pool = prepare_database_with(database_url, server.db_pool_size).await?;

    if let Some(link) = first_admin_link(&pool, &config).await? {
        println!();
        println!("  Welcome to Attune. No HR admin exists yet.");
        println!(
            "  Open this link within {SETUP_LINK_HOURS} hours to create the first admin account:"
        );
        println!();
        println!("    {link}");
        println!();
        println!("  (It works once. Restart Attune to print a new one.)");
        println!();
    }

    spawn_housekeeping(pool.clone());
    let config = Arc::new(config);
    crate::mail::worker::spawn(pool.clone(), config.clone(), MAIL_POLL);
    spawn_scheduler(pool.clone(), config.clone());

    let listener = tokio::net::TcpListener::bind(server.bind)
        .await
        .with_context(|| {
            format!(
                "listening on {} (set ATTUNE_BIND to use another address)",
                server.bind
            )
        })?;
    tracing::info!(address = %server.bind, base_url = %config.base_url, "Attune is listening");
    println!("Attune is running at {}", config.base_url);

    let state = AppState::new(pool, config);
    if let Some(sso) = state.sso.clone() {
        // Discover the identity provider now; if it can't be reached, Attune still serves
        // (the button is shown disabled) and tries again when the sign-in page is next shown.
        tokio::spawn(async move { sso.metadata().await });
    }
    axum::serve(
        listener,
        web::router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("serving HTTP")?;
    tracing::info!("Attune stopped");
    Ok(())
}

/// Deletes expired sessions, tokens and password reset requests now and then (sign-in
/// attempts, notifications and sent mail go by HR's retention settings: see the scheduler). Safe to run on
/// every replica at once: each step is an idempotent delete.
fn spawn_housekeeping(pool: PgPool) {
    let store = db::sessions::PgSessionStore::new(pool.clone());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(900));
        loop {
            tick.tick().await;
            let now = Utc::now();
            if let Err(err) = store.delete_expired().await {
                tracing::warn!(error = %err, "expired-session cleanup failed");
            }
            if let Err(err) = db::tokens::delete_stale(&pool, now).await {
                tracing::warn!(error = %err, "token cleanup failed");
            }
            let day_ago = now - chrono::Duration::days(1);
            if let Err(err) = db::mail::delete_old_reset_requests(&pool, day_ago).await {
                tracing::warn!(error = %err, "password reset request cleanup failed");
            }
        }
    });
}

/// Periodic work that concerns people, on every instance: each job claims what it does in
/// the database (see each job), so running it on several replicas at once does it once.
fn spawn_scheduler(pool: PgPool, config: Arc<AppConfig>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            let now = Utc::now();
            if let Err(err) = crate::app::events::send_due_reminders(&pool, &config, now).await {
                tracing::warn!(error = %err, "story night reminders failed");
            }
            // The week's spotlight round (claimed once per week in the database), so its
            // nominators hear about it on Monday even if nobody opens a page.
            if let Err(err) =
                crate::app::recognition::ensure_spotlight_round(&pool, &config, now).await
            {
                tracing::warn!(error = %err, "the spotlight round failed");
            }
            // HR's Insights figures (claimed per week in the database).
            let every = crate::app::insights::REFRESH_EVERY;
            if let Err(err) = crate::app::insights::refresh(&pool, now, every).await {
                tracing::warn!(error = %err, "working out the insights figures failed");
            }
            if let Err(err) = crate::app::digest::send_weekly_digest(&pool, &config, now).await {
                tracing::warn!(error = %err, "the weekly digest failed");
            }
            // Retention: old sign-ins, notifications, sent mail and long-deactivated accounts,
            // by HR's settings (claimed once per day in the database).
            if let Err(err) = crate::app::privacy::run_retention(&pool, &config, now).await {
                tracing::warn!(error = %err, "the retention run failed");
            }
            // The kindness challenge's nudges (claimed per month and moment in the database).
            if let Err(err) = crate::app::practice::send_nudges(&pool, &config, now).await {
                tracing::warn!(error = %err, "the kindness challenge nudges failed");
            }
            // Conversation pairs: the week's round (claimed once), then telling and reminding
            // people in batches each claimed by one replica.
            if let Err(err) = crate::app::connect::run_scheduled(&pool, &config, now).await {
                tracing::warn!(error = %err, "conversation pairs failed");
            }
            // Pulse rounds open and close on their days (claimed per round in the database).
            if let Err(err) = crate::app::pulse::tick(&pool, &config, now).await {
                tracing::warn!(error = %err, "opening or closing pulse rounds failed");
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
