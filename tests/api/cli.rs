//! The `attune` command line, run as a real process.

use std::io::Write;
use std::process::{Command, Stdio};

use sqlx::PgPool;

/// A URL for the test's own database (same server as DATABASE_URL).
async fn url_for(pool: &PgPool) -> String {
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(pool)
        .await
        .unwrap();
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL is set for tests");
    let server = &base[..base.rfind('/').unwrap()];
    format!("{server}/{name}")
}

fn attune(database_url: &str, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_attune"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("attune runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[sqlx::test]
async fn user_create_reads_the_password_from_stdin_and_checks_it(pool: PgPool) {
    let url = url_for(&pool).await;
    let args = [
        "user",
        "create",
        "--email",
        "Ada@Example.com",
        "--name",
        "Ada Lovelace",
        "--role",
        "hr_admin",
    ];

    let weak = attune(&url, &args, "password1234\n");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("password refused"));

    let made = attune(&url, &args, "lantern orchard velvet harbour\n");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert!(
        String::from_utf8_lossy(&made.stdout).contains("Created Ada Lovelace <ada@example.com>")
    );
    let (hr, has_password): (bool, bool) = sqlx::query_as(
        "SELECT is_hr_admin, password_hash LIKE '$argon2id$%' FROM people WHERE email = 'ada@example.com'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(hr && has_password);

    let again = attune(&url, &args, "lantern orchard velvet harbour\n");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    // An operator resets a forgotten password; the old one stops working.
    let reset = attune(
        &url,
        &["user", "set-password", "--email", "ADA@example.com"],
        "quiet compass meadow 7\n",
    );
    assert!(
        reset.status.success(),
        "{}",
        String::from_utf8_lossy(&reset.stderr)
    );
    assert!(String::from_utf8_lossy(&reset.stdout).contains("Password set for Ada Lovelace"));
    let hash: String =
        sqlx::query_scalar("SELECT password_hash FROM people WHERE email = 'ada@example.com'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(
        attune::secrets::verify_password("quiet compass meadow 7".into(), Some(hash.clone()))
            .await
            .unwrap()
    );
    assert!(
        !attune::secrets::verify_password("lantern orchard velvet harbour".into(), Some(hash))
            .await
            .unwrap()
    );
    let nobody = attune(
        &url,
        &["user", "set-password", "--email", "nobody@example.com"],
        "quiet compass meadow 7\n",
    );
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("no one with the email"));

    let bad_role = attune(
        &url,
        &[
            "user",
            "create",
            "--email",
            "x@example.com",
            "--name",
            "X",
            "--role",
            "boss",
        ],
        "",
    );
    assert!(!bad_role.status.success());
}

#[sqlx::test]
async fn migrate_is_idempotent_and_demo_refuses_a_database_with_people(pool: PgPool) {
    let url = url_for(&pool).await;
    let migrate = attune(&url, &["migrate"], "");
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );
    assert!(String::from_utf8_lossy(&migrate.stdout).contains("Database is up to date"));

    let demo = attune(&url, &["demo"], "");
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let out = String::from_utf8_lossy(&demo.stdout);
    assert!(
        out.contains("60 people") && out.contains("HR admin:") && out.contains("password for all")
    );
    let second = attune(&url, &["demo"], "");
    assert!(!second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("already holds people"));
}

#[test]
fn an_unreachable_database_gets_a_one_line_message() {
    let out = attune("postgres://postgres@127.0.0.1:1/attune", &["migrate"], "");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr
            .contains("could not connect to PostgreSQL at postgres://postgres@127.0.0.1:1/attune")
    );
    assert!(stderr.contains("DATABASE_URL"));
    assert!(!stderr.contains("panicked"));
}
