//! Notifications in the app: listed newest first, an unread count in the navigation, reading
//! the page changes nothing, opening one marks it read, and nobody opens another's.

use attune::app::notifications::notify;
use attune::config::AppConfig;
use attune::domain::mail::MailKind;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::common::{location, spawn_app, visible_text};

async fn tell(pool: &PgPool, email: &str, text: &str, link: &str) {
    let person_id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM people WHERE email = $1")
        .bind(email)
        .fetch_one(pool)
        .await
        .unwrap();
    let person = attune::db::people::find(pool, person_id)
        .await
        .unwrap()
        .unwrap();
    let config = AppConfig::for_base_url("http://127.0.0.1".parse().unwrap());
    let mut tx = pool.begin().await.unwrap();
    notify(
        &mut tx,
        &config,
        &person,
        MailKind::WaitlistPromoted,
        text,
        link,
        None,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

#[sqlx::test]
async fn notifications_are_counted_listed_and_marked_read_only_by_a_post(pool: PgPool) {
    let app = spawn_app(pool).await;
    let ada = app.employee("ada@example.com").await;
    let ben = app.employee("ben@example.com").await;
    let (_, home) = ada.get_html("/").await;
    assert!(!visible_text(&home).contains("unread"), "nothing yet");
    let (_, empty) = ada.get_html("/notifications").await;
    assert!(visible_text(&empty).contains("Nothing new"));

    tell(
        &app.pool,
        "ada@example.com",
        "A seat opened up for you at Winter tales.",
        "/events",
    )
    .await;
    tell(&app.pool, "ada@example.com", "Your pitch was accepted.", "").await;
    let (_, home) = ada.get_html("/").await;
    assert!(visible_text(&home).contains("Notifications 2 unread"));
    let (status, page) = ada.get_html("/notifications").await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&page);
    let newest = text.find("Your pitch was accepted.").unwrap();
    let older = text
        .find("A seat opened up for you at Winter tales.")
        .unwrap();
    assert!(newest < older, "newest first");
    let (_, again) = ada.get_html("/").await;
    assert!(
        visible_text(&again).contains("Notifications 2 unread"),
        "reading writes nothing"
    );

    let id: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM notifications WHERE text LIKE 'A seat%'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        ben.post(&format!("/notifications/{id}/open"), &[])
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "another person's notification"
    );
    let response = ada.post(&format!("/notifications/{id}/open"), &[]).await;
    assert_eq!(location(&response), "/events", "it leads where it says");
    let (_, home) = ada.get_html("/").await;
    assert!(visible_text(&home).contains("Notifications 1 unread"));

    let response = ada.post("/notifications/read", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, home) = ada.get_html("/").await;
    assert!(!visible_text(&home).contains("unread"));
    let (_, bens) = ben.get_html("/notifications").await;
    assert!(
        !visible_text(&bens).contains("Winter tales"),
        "private to Ada"
    );
}

#[sqlx::test]
async fn older_notifications_are_a_page_away(pool: PgPool) {
    let app = spawn_app(pool).await;
    let ada = app.employee("ada@example.com").await;
    for n in 0..25 {
        tell(
            &app.pool,
            "ada@example.com",
            &format!("Notice number {n:02}."),
            "",
        )
        .await;
    }
    let (_, first) = ada.get_html("/notifications").await;
    assert!(visible_text(&first).contains("Notice number 24."));
    assert!(!visible_text(&first).contains("Notice number 04."));
    let older = crate::common::find_link(&first, "/notifications?older=")
        .expect("a link to older ones")
        .replace("&amp;", "&");
    let (_, second) = ada.get_html(&older).await;
    assert!(visible_text(&second).contains("Notice number 04."));
    assert!(visible_text(&second).contains("Notice number 00."));
    assert!(!visible_text(&second).contains("Notice number 24."));
}
