//! Story nights over HTTP: organizing, visibility, RSVPs with capacity and waitlist (also under
//! heavy concurrency), cancellations, pitches and the lineup, notes after the event, and
//! calendar files read back with an independent iCalendar parser.

use crate::common;

use std::collections::HashMap;
use std::io::BufReader;

use attune::db;
use attune::domain::people::{DisplayName, Email, NewPerson, Roles};
use common::{Browser, TestApp, location, spawn_app, visible_text};
use reqwest::StatusCode;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use uuid::Uuid;

/// 19:00–21:00 in London in summer (British Summer Time): 18:00–20:00 UTC.
const START: &str = "2030-07-02T19:00";
const END: &str = "2030-07-02T21:00";
const DEADLINE: &str = "2030-06-25T17:00";

fn event_form(title: &str, capacity: &str, action: &str) -> Vec<(String, String)> {
    [
        ("title", title),
        ("theme", "Second chances"),
        (
            "description",
            "Five true stories, told live.\nDrinks from 18:30.",
        ),
        ("starts_at", START),
        ("ends_at", END),
        ("time_zone", "Europe/London"),
        ("office", "London"),
        ("room", "The Atrium"),
        ("video_url", "https://video.example/story-night"),
        ("capacity", capacity),
        ("storyteller_slots", "2"),
        ("minutes_per_story", "8"),
        ("pitch_deadline", DEADLINE),
        ("action", action),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn with(mut form: Vec<(String, String)>, key: &str, value: &str) -> Vec<(String, String)> {
    for pair in form.iter_mut() {
        if pair.0 == key {
            pair.1 = value.to_string();
        }
    }
    form
}

fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// Creates an event through the form; returns its id.
async fn create_event(organizer: &Browser, form: &[(String, String)]) -> String {
    let response = organizer.post("/events", &pairs(form)).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "the event is saved"
    );
    location(&response)
        .strip_prefix("/events/")
        .expect("redirected to the event page")
        .to_string()
}

async fn publish_event(organizer: &Browser, title: &str, capacity: &str) -> String {
    create_event(organizer, &event_form(title, capacity, "publish")).await
}

async fn text_of(browser: &Browser, path: &str) -> String {
    let (status, html) = browser.get_html(path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    visible_text(&html)
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// Moves an event into the past (it took place yesterday evening).
async fn move_to_the_past(pool: &PgPool, id: &str) {
    sqlx::query(
        "UPDATE events SET pitch_deadline = now() - interval '3 days', \
         starts_at = now() - interval '26 hours', ends_at = now() - interval '24 hours' \
         WHERE id = $1",
    )
    .bind(Uuid::parse_str(id).unwrap())
    .execute(pool)
    .await
    .unwrap();
}

async fn person_in_zone(app: &TestApp, email: &str, zone: &str) -> Browser {
    let browser = app.employee(email).await;
    let response = browser
        .post("/account/time-zone", &[("time_zone", zone)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    browser
}

// --- Organizing --------------------------------------------------------------------------

#[sqlx::test]
async fn an_organizer_publishes_and_people_see_it_in_their_own_time_zone(pool: PgPool) {
    let app = spawn_app(pool).await;
    let olu = app.organizer("olu@example.com").await;
    let (status, _) = olu.get_html("/events/new").await;
    assert_eq!(status, StatusCode::OK);
    let id = publish_event(&olu, "Turning points", "30").await;

    let tom = person_in_zone(&app, "tom@example.com", "America/Toronto").await;
    let list = text_of(&tom, "/events").await;
    assert!(list.contains("Turning points"), "{list}");
    assert!(
        list.contains("Tuesday 2 July 2030, 14:00–16:00 America/Toronto"),
        "times in the viewer's zone: {list}"
    );
    assert!(
        list.contains("Event time: Tuesday 2 July 2030, 19:00–21:00 Europe/London"),
        "the event's zone is named: {list}"
    );
    assert!(list.contains("30 of 30 seats left"));

    let page = text_of(&tom, &format!("/events/{id}")).await;
    assert!(page.contains("Five true stories, told live."));
    assert!(page.contains("The Atrium · London · Online"), "{page}");
    assert!(page.contains("I'm going"));
    assert!(page.contains("Pitch a story"));
    assert!(!page.contains("For organizers"));

    // Employees can't organize.
    assert_eq!(tom.get("/events/new").await.status(), StatusCode::FORBIDDEN);
    let attempt = tom
        .post("/events", &pairs(&event_form("Mine", "5", "publish")))
        .await;
    assert_eq!(attempt.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        tom.get(&format!("/events/{id}/edit")).await.status(),
        StatusCode::FORBIDDEN
    );
}

#[sqlx::test]
async fn drafts_are_for_organizers_only_and_hr_admins_may_organize(pool: PgPool) {
    let app = spawn_app(pool).await;
    let hr = app.hr_admin("hana@example.com").await;
    let draft = create_event(&hr, &event_form("Quiet draft", "10", "save")).await;
    let olu = app.organizer("olu@example.com").await;
    let ben = app.employee("ben@example.com").await;

    assert!(text_of(&olu, "/events").await.contains("Quiet draft"));
    assert!(
        text_of(&olu, &format!("/events/{draft}"))
            .await
            .contains("Draft: only organizers can see this")
    );
    assert!(!text_of(&ben, "/events").await.contains("Quiet draft"));
    for path in [
        format!("/events/{draft}"),
        format!("/events/{draft}/calendar.ics"),
        format!("/events/{draft}/pitch"),
    ] {
        assert_eq!(
            ben.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(
        ben.post(&format!("/events/{draft}/rsvp"), &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // Publishing it makes it visible to everyone.
    let response = olu.post(&format!("/events/{draft}/publish"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(text_of(&ben, "/events").await.contains("Quiet draft"));
}

#[sqlx::test]
async fn bad_event_details_are_explained_next_to_each_field_and_nothing_is_saved(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let olu = app.organizer("olu@example.com").await;
    let mut form = event_form("", "-3", "publish");
    form = with(form, "ends_at", "2030-07-02T18:00");
    form = with(form, "pitch_deadline", "2030-07-03T09:00");
    form = with(form, "storyteller_slots", "-1");
    form = with(form, "video_url", "not a link");
    let (status, html) = olu.post_html("/events", &pairs(&form)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&html);
    for message in [
        "Enter a title.",
        "The end must be after the start.",
        "The number of seats can't be less than 0.",
        "The number of storyteller slots can't be less than 0.",
        "The pitch deadline must be before the start",
        "Enter the full video link, starting with https://",
    ] {
        assert!(text.contains(message), "{message}: {text}");
    }
    for field in [
        "title",
        "ends_at",
        "capacity",
        "storyteller_slots",
        "pitch_deadline",
    ] {
        assert!(
            html.contains(&format!(r#"id="f-{field}-error""#)),
            "{field} is marked"
        );
    }
    assert!(
        html.contains(r#"value="2030-07-02T18:00""#),
        "what was typed is kept"
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM events").await, 0);

    // Publishing needs a future start; a draft may wait.
    let past = with(
        with(
            with(
                event_form("Old times", "10", "publish"),
                "starts_at",
                "2020-01-01T19:00",
            ),
            "ends_at",
            "2020-01-01T21:00",
        ),
        "pitch_deadline",
        "2019-12-20T12:00",
    );
    let (status, html) = olu.post_html("/events", &pairs(&past)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("The start is in the past"));
    assert_eq!(count(&pool, "SELECT count(*) FROM events").await, 0);
    let draft = create_event(&olu, &with(past, "action", "save")).await;
    let (status, html) = olu
        .post_html(&format!("/events/{draft}/publish"), &[])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(r#"id="f-starts_at-error""#));
    assert_eq!(
        count(&pool, "SELECT count(*) FROM events WHERE status = 'draft'").await,
        1
    );
}

/// A link short enough as typed can be far longer once percent-encoded (one "é" is "%C3%A9"):
/// it is measured as it would be stored, and explained next to its field.
#[sqlx::test]
async fn a_video_link_too_long_once_encoded_is_explained_not_a_server_error(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let olu = app.organizer("olu@example.com").await;
    // 493 characters typed; 2,893 once encoded, beyond the 500 the database allows.
    let link = format!("https://v.io/{}", "é".repeat(480));
    let form = with(event_form("Long link", "10", "publish"), "video_url", &link);
    let (status, html) = olu.post_html("/events", &pairs(&form)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains(r#"id="f-video_url-error""#),
        "marked next to the field"
    );
    assert!(
        visible_text(&html).contains("A video link can be at most 500 characters."),
        "{}",
        visible_text(&html)
    );
    assert!(html.contains(&link), "what was typed is kept");
    assert_eq!(count(&pool, "SELECT count(*) FROM events").await, 0);

    // Editing is held to the same measure, and nothing changes.
    let id = publish_event(&olu, "Short link", "10").await;
    let (status, html) = olu.post_html(&format!("/events/{id}"), &pairs(&form)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(r#"id="f-video_url-error""#));
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM events WHERE title = 'Short link' AND sequence = 0 \
             AND video_url = 'https://video.example/story-night'"
        )
        .await,
        1
    );
}

/// Whatever is typed comes back as a 422 next to its field (or, in a filter, is ignored),
/// never a server error: NUL characters, which PostgreSQL can't store in text (SQLSTATE
/// 22021), in every text field, and dates PostgreSQL or chrono can't hold.
#[sqlx::test]
async fn nul_characters_and_far_off_dates_are_refused_next_to_their_fields(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let olu = app.organizer("olu@example.com").await;
    let nul = "Before\0after";

    // Every field of the event form, new and edited.
    let id = publish_event(&olu, "Steady", "10").await;
    let fields = [
        "title",
        "theme",
        "description",
        "starts_at",
        "ends_at",
        "time_zone",
        "office",
        "room",
        "video_url",
        "capacity",
        "storyteller_slots",
        "minutes_per_story",
        "pitch_deadline",
    ];
    for field in fields {
        let value = if field == "video_url" {
            "https://video.example/a\0b"
        } else {
            nul
        };
        let form = with(event_form("Nul", "10", "publish"), field, value);
        for path in ["/events".to_string(), format!("/events/{id}")] {
            let (status, html) = olu.post_html(&path, &pairs(&form)).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{field} at {path}"
            );
            assert!(
                html.contains(&format!(r#"id="f-{field}-error""#)),
                "{field} at {path} is marked"
            );
        }
    }

    // Dates far in the past or future: before 4713 BC PostgreSQL can't store them; near
    // year 262143 chrono can't convert them between zones.
    for year in ["-5000", "0001", "1999", "2101", "+200000", "+262142"] {
        let form = with(
            with(
                with(
                    event_form("Far off", "10", "save"),
                    "starts_at",
                    &format!("{year}-12-31T19:00"),
                ),
                "ends_at",
                &format!("{year}-12-31T21:00"),
            ),
            "pitch_deadline",
            &format!("{year}-12-24T17:00"),
        );
        let form = with(form, "time_zone", "America/Toronto");
        let (status, html) = olu.post_html("/events", &pairs(&form)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "year {year}");
        for field in ["starts_at", "ends_at", "pitch_deadline"] {
            assert!(
                html.contains(&format!(r#"id="f-{field}-error""#)),
                "{field} in year {year} is marked"
            );
        }
        assert!(
            visible_text(&html).contains("between the years 2000 and 2100"),
            "year {year}: {}",
            visible_text(&html)
        );
    }
    assert_eq!(count(&pool, "SELECT count(*) FROM events").await, 1);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM events WHERE title = 'Steady' AND sequence = 0"
        )
        .await,
        1,
        "the event edited with bad values is unchanged"
    );

    // A pitch.
    let ada = app.employee("ada@example.com").await;
    for field in ["title", "summary", "content_note"] {
        let mut form = vec![
            ("title", "The long winter"),
            ("summary", "The winter I learned to ask for help."),
            ("minutes", "8"),
            ("content_note", "illness"),
        ];
        for pair in form.iter_mut() {
            if pair.0 == field {
                pair.1 = nul;
            }
        }
        let (status, html) = ada.post_html(&format!("/events/{id}/pitch"), &form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "pitch {field}");
        assert!(
            html.contains(&format!(r#"id="f-{field}-error""#)),
            "pitch {field} is marked"
        );
    }
    assert_eq!(count(&pool, "SELECT count(*) FROM event_pitches").await, 0);

    // An organizer's message to a pitcher.
    pitch(&ada, &id, "The long winter", "8").await;
    let story = pitch_id(&pool, "The long winter").await;
    let (status, html) = olu
        .post_html(
            &format!("/events/{id}/pitches/{story}/decision"),
            &[("decision", "accept"), ("message", nul)],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(&format!(r#"id="f-message-{story}-error""#)));
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM event_pitches WHERE status = 'submitted'"
        )
        .await,
        1
    );

    // A note to a storyteller, after the event.
    olu.post(
        &format!("/events/{id}/pitches/{story}/decision"),
        &[("decision", "accept"), ("message", "")],
    )
    .await;
    let ben = app.employee("ben@example.com").await;
    ben.post(&format!("/events/{id}/rsvp"), &[]).await;
    move_to_the_past(&pool, &id).await;
    let (status, html) = ben
        .post_html(
            &format!("/events/{id}/pitches/{story}/note"),
            &[("body", nul)],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(&format!(r#"id="f-body-{story}-error""#)));
    assert_eq!(
        count(&pool, "SELECT count(*) FROM event_resonance_notes").await,
        0
    );

    // The office filter: ignored, every office is listed.
    publish_event(&olu, "Coming up", "10").await;
    for query in [
        "office=Lon%00don",
        "office=%00",
        "when=past&office=London%00",
    ] {
        let (status, html) = ben.get_html(&format!("/events?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        let text = visible_text(&html);
        assert!(!text.contains("Nothing planned in"), "{query}: {text}");
        assert!(!text.contains("No past story nights in"), "{query}: {text}");
    }
    assert!(
        text_of(&ben, "/events?office=Lon%00don")
            .await
            .contains("Coming up")
    );
    assert!(
        text_of(&ben, "/events?when=past&office=%00")
            .await
            .contains("Steady")
    );
}

#[sqlx::test]
async fn editing_bumps_the_sequence_and_duplicating_makes_a_draft(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let olu = app.organizer("olu@example.com").await;
    let id = publish_event(&olu, "Turning points", "10").await;
    let changed = with(
        event_form("Turning points, again", "12", "save"),
        "room",
        "Loft",
    );
    let response = olu.post(&format!("/events/{id}"), &pairs(&changed)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = text_of(&olu, &format!("/events/{id}")).await;
    assert!(page.contains("Turning points, again"));
    assert!(page.contains("Loft · London"));
    assert_eq!(
        count(&pool, "SELECT sequence::bigint FROM events").await,
        1,
        "one change, one step"
    );

    let response = olu.post(&format!("/events/{id}/duplicate"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let edit = location(&response);
    assert!(edit.ends_with("/edit"));
    let (status, html) = olu.get_html(&edit).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"value="Turning points, again""#));
    assert!(visible_text(&html).contains("This is a draft"));
    assert_eq!(
        count(&pool, "SELECT count(*) FROM events WHERE status = 'draft'").await,
        1
    );
}

// --- RSVPs -----------------------------------------------------------------------------------

#[sqlx::test]
async fn seats_then_a_waitlist_and_a_cancellation_promotes_the_first_in_line(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let olu = app.organizer("olu@example.com").await;
    let id = publish_event(&olu, "Small room", "2").await;
    let rsvp = format!("/events/{id}/rsvp");
    let page = format!("/events/{id}");

    let ada = app.employee("ada@example.com").await;
    let ben = app.employee("ben@example.com").await;
    let cy = app.employee("cy@example.com").await;
    let dee = app.employee("dee@example.com").await;
    for browser in [&ada, &ben, &cy, &dee] {
        assert_eq!(
            browser.post(&rsvp, &[]).await.status(),
            StatusCode::SEE_OTHER
        );
    }
    assert!(text_of(&ada, &page).await.contains("You're going."));
    assert!(text_of(&ben, &page).await.contains("You're going."));
    let cy_text = text_of(&cy, &page).await;
    assert!(
        cy_text.contains("is full, so you're on the waitlist at number 1"),
        "{cy_text}"
    );
    assert!(cy_text.contains("You're number 1 on the waitlist."));
    assert!(
        text_of(&dee, &page)
            .await
            .contains("You're number 2 on the waitlist.")
    );

    // One RSVP per person: asking again changes nothing.
    assert_eq!(ada.post(&rsvp, &[]).await.status(), StatusCode::SEE_OTHER);
    assert!(
        text_of(&ada, &page)
            .await
            .contains("You had already replied")
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM event_rsvps").await, 4);

    // The organizer sees who is going and the waitlist in order.
    let organizer_view = text_of(&olu, &page).await;
    assert!(
        organizer_view.contains("2 going of 2 seats · 2 on the waitlist"),
        "{organizer_view}"
    );
    assert!(
        organizer_view.contains("Waitlist, in order (2) Place Name Office 1 cy 2 dee"),
        "{organizer_view}"
    );

    // Ada can't come after all: Cy moves up and is told (a notification, counted on every page).
    let response = ada.post(&format!("/events/{id}/rsvp/cancel"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let ada_view = text_of(&ada, &page).await;
    assert!(ada_view.contains("You're no longer going"), "{ada_view}");
    assert!(
        ada_view.contains("Join the waitlist"),
        "the seat went to Cy"
    );
    let home = text_of(&cy, "/").await;
    assert!(home.contains("You have 1 unread notification"), "{home}");
    let notifications = text_of(&cy, "/notifications").await;
    assert!(
        notifications
            .contains("a seat opened up at “Small room” and you've moved up from the waitlist"),
        "{notifications}"
    );
    assert!(
        text_of(&cy, "/")
            .await
            .contains("You have 1 unread notification"),
        "reading a page changes nothing"
    );
    assert!(text_of(&cy, &page).await.contains("You're going."));
    assert!(
        text_of(&dee, &page)
            .await
            .contains("You're number 1 on the waitlist.")
    );

    // Leaving the waitlist, then coming back, puts you at the end of the line.
    dee.post(&format!("/events/{id}/rsvp/cancel"), &[]).await;
    ada.post(&rsvp, &[]).await;
    dee.post(&rsvp, &[]).await;
    assert!(
        text_of(&ada, &page)
            .await
            .contains("You're number 1 on the waitlist.")
    );
    assert!(
        text_of(&dee, &page)
            .await
            .contains("You're number 2 on the waitlist.")
    );

    // More seats let the waitlist in, in order.
    let response = olu
        .post(
            &format!("/events/{id}"),
            &pairs(&event_form("Small room", "3", "save")),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(text_of(&ada, &page).await.contains("You're going."));
    assert!(
        text_of(&dee, &page)
            .await
            .contains("You're number 1 on the waitlist.")
    );

    // Capacity can't drop below the people going.
    let (status, html) = olu
        .post_html(
            &format!("/events/{id}"),
            &pairs(&event_form("Small room", "1", "save")),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("3 people are already going"));
}

#[sqlx::test]
async fn the_video_link_is_only_for_people_going(pool: PgPool) {
    let app = spawn_app(pool).await;
    let olu = app.organizer("olu@example.com").await;
    let id = publish_event(&olu, "Online too", "1").await;
    let page = format!("/events/{id}");
    let link = "https://video.example/story-night";
    let ada = app.employee("ada@example.com").await;
    let ben = app.employee("ben@example.com").await;

    let (_, before) = ada.get_html(&page).await;
    assert!(!before.contains(link));
    assert!(visible_text(&before).contains("Shown here once you're going."));
    ada.post(&format!("/events/{id}/rsvp"), &[]).await;
    ben.post(&format!("/events/{id}/rsvp"), &[]).await;
    assert!(ada.get_html(&page).await.1.contains(link), "going: shown");
    assert!(
        !ben.get_html(&page).await.1.contains(link),
        "waitlisted: hidden"
    );
    assert!(
        olu.get_html(&page).await.1.contains(link),
        "organizer: shown"
    );
    let ics = ben
        .get(&format!("/events/{id}/calendar.ics"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !ics.contains("video.example"),
        "not in the waitlisted person's calendar file"
    );
}

#[sqlx::test]
async fn cancelling_tells_attendees_and_closes_rsvps(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let olu = app.organizer("olu@example.com").await;
    let id = publish_event(&olu, "Called off", "1").await;
    let ada = app.employee("ada@example.com").await;
    let ben = app.employee("ben@example.com").await;
    ada.post(&format!("/events/{id}/rsvp"), &[]).await;
    ben.post(&format!("/events/{id}/rsvp"), &[]).await;

    let (status, confirm) = olu.get_html(&format!("/events/{id}/cancel")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(visible_text(&confirm).contains("The 2 people who replied will be told in Attune"));
    let response = olu.post(&format!("/events/{id}/cancel"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    for browser in [&ada, &ben] {
        let notifications = text_of(browser, "/notifications").await;
        assert!(
            notifications.contains("“Called off” has been cancelled by its organizers"),
            "{notifications}"
        );
    }
    let page = text_of(&ada, &format!("/events/{id}")).await;
    assert!(page.contains("This story night has been cancelled"));
    assert!(text_of(&ada, "/events").await.contains("Cancelled"));

    let cy = app.employee("cy@example.com").await;
    let response = cy.post(&format!("/events/{id}/rsvp"), &[]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(visible_text(&response.text().await.unwrap()).contains("has been cancelled"));
    let again = olu.post(&format!("/events/{id}/cancel"), &[]).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert_eq!(
        olu.get(&format!("/events/{id}/edit")).await.status(),
        StatusCode::CONFLICT
    );
}

#[sqlx::test]
async fn no_rsvps_once_an_event_has_started(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let olu = app.organizer("olu@example.com").await;
    let id = publish_event(&olu, "Yesterday", "5").await;
    move_to_the_past(&pool, &id).await;
    let ada = app.employee("ada@example.com").await;
    let response = ada.post(&format!("/events/{id}/rsvp"), &[]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(count(&pool, "SELECT count(*) FROM event_rsvps").await, 0);
    let past = text_of(&ada, "/events?when=past").await;
    assert!(past.contains("Yesterday"));
    assert!(!text_of(&ada, "/events").await.contains("Yesterday"));
    // Over: said plainly, and no calendar file to add a past evening to a calendar.
    let (_, page) = ada.get_html(&format!("/events/{id}")).await;
    assert!(visible_text(&page).contains("This story night is over."));
    assert!(!visible_text(&page).contains("already started"));
    assert!(!page.contains("calendar.ics"));
    // Started but not over: RSVPs are closed, and the calendar file is still offered.
    sqlx::query("UPDATE events SET ends_at = now() + interval '1 hour' WHERE id = $1::uuid")
        .bind(&id)
        .execute(&pool)
        .await
        .unwrap();
    let (_, page) = ada.get_html(&format!("/events/{id}")).await;
    assert!(
        visible_text(&page).contains("This story night has already started, so RSVPs are closed.")
    );
    assert!(page.contains(&format!("/events/{id}/calendar.ics")));
}

#[sqlx::test]
async fn the_list_filters_by_office(pool: PgPool) {
    let app = spawn_app(pool).await;
    let olu = app.organizer("olu@example.com").await;
    create_event(&olu, &event_form("London night", "10", "publish")).await;
    create_event(
        &olu,
        &with(
            with(
                event_form("Toronto night", "10", "publish"),
                "office",
                "Toronto",
            ),
            "time_zone",
            "America/Toronto",
        ),
    )
    .await;
    let ada = app.employee("ada@example.com").await;
    let toronto = text_of(&ada, "/events?office=Toronto").await;
    assert!(toronto.contains("Toronto night"));
    assert!(!toronto.contains("London night"));
    let all = text_of(&ada, "/events").await;
    assert!(all.contains("Toronto night") && all.contains("London night"));
    let none = text_of(&ada, "/events?office=Lisbon").await;
    assert!(none.contains("Nothing planned in Lisbon yet"));
}

/// The office choices: every office an event is in or an active person works in, once each,
/// in order (read with a loose index scan).
#[sqlx::test]
async fn office_choices_come_from_events_and_active_people(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let olu = app.organizer("olu@example.com").await;
    create_event(&olu, &event_form("London night", "10", "save")).await;
    create_event(
        &olu,
        &with(
            event_form("Berlin night", "10", "publish"),
            "office",
            "Berlin",
        ),
    )
    .await;
    for (email, office) in [
        ("ana@example.com", "Lisbon"),
        ("bo@example.com", "Lisbon"),
        ("cy@example.com", "Toronto"),
        ("dee@example.com", "London"),
        ("eve@example.com", ""),
        ("gone@example.com", "Atlantis"),
    ] {
        app.create_person_in(email, "Someone", Roles::default(), "", office)
            .await;
    }
    sqlx::query("UPDATE people SET active = false WHERE email = 'gone@example.com'")
        .execute(&pool)
        .await
        .unwrap();
    let expected = ["Berlin", "Lisbon", "London", "Toronto"];

    let (_, list) = olu.get_html("/events").await;
    let select = list
        .split(r#"<select id="f-office" name="office">"#)
        .nth(1)
        .and_then(|rest| rest.split("</select>").next())
        .expect("the office filter");
    let listed: Vec<&str> = select
        .split(r#"<option value=""#)
        .skip(2) // before the first option, and "Every office"
        .filter_map(|option| option.split('"').next())
        .collect();
    assert_eq!(listed, expected);

    let (_, form) = olu.get_html("/events/new").await;
    let datalist = form
        .split(r#"<datalist id="offices">"#)
        .nth(1)
        .and_then(|rest| rest.split("</datalist>").next())
        .expect("the office suggestions");
    let suggested: Vec<&str> = datalist
        .split(r#"<option value=""#)
        .skip(1)
        .filter_map(|option| option.split('"').next())
        .collect();
    assert_eq!(suggested, expected);
}

// --- Concurrency ------------------------------------------------------------------------------

/// 100 people, each in their own browser, RSVP at the same moment to an event with 10 seats:
/// exactly 10 go and 90 wait, in one unbroken line, three times over.
#[sqlx::test]
async fn capacity_is_never_exceeded_when_everyone_clicks_at_once(
    pool_options: PgPoolOptions,
    connect_options: PgConnectOptions,
) {
    const PEOPLE: usize = 100;
    const SEATS: i64 = 10;
    // More connections than the default test pool, so requests really do race.
    let pool = pool_options
        .max_connections(20)
        .connect_with(connect_options)
        .await
        .unwrap();
    let app = spawn_app(pool.clone()).await;
    let olu = app.organizer("olu@example.com").await;

    // One password hash for everyone, people inserted directly, then signed in concurrently.
    let hash = attune::secrets::hash_password(common::PASSWORD.into())
        .await
        .unwrap();
    let mut emails = Vec::new();
    for i in 0..PEOPLE {
        let email = format!("person{i:03}@example.com");
        let person = NewPerson {
            email: Email::parse(&email).unwrap(),
            display_name: DisplayName::parse(&format!("Person {i:03}")).unwrap(),
            department: String::new(),
            office: "London".into(),
            time_zone: chrono_tz::Tz::Europe__London,
            roles: Roles::default(),
        };
        db::people::insert(&pool, &person, Some(&hash))
            .await
            .unwrap();
        emails.push(email);
    }
    let mut sign_ins = tokio::task::JoinSet::new();
    for (i, email) in emails.iter().enumerate() {
        let browser = app.browser();
        let email = email.clone();
        sign_ins.spawn(async move {
            let response = browser.sign_in(&email, common::PASSWORD).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{email} signs in");
            (i, browser)
        });
    }
    let mut browsers: Vec<(usize, Browser)> = sign_ins.join_all().await;
    browsers.sort_by_key(|(i, _)| *i);

    for round in 0..3 {
        let id = publish_event(&olu, &format!("Round {round}"), &SEATS.to_string()).await;
        let mut clicks = tokio::task::JoinSet::new();
        for (_, browser) in &browsers {
            let browser = browser.clone();
            let path = format!("/events/{id}/rsvp");
            clicks.spawn(async move { browser.post(&path, &[]).await.status() });
        }
        for status in clicks.join_all().await {
            assert_eq!(status, StatusCode::SEE_OTHER, "every RSVP is answered");
        }

        let event = Uuid::parse_str(&id).unwrap();
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT status, id, row_number() OVER (PARTITION BY status ORDER BY created_at, id) \
             FROM event_rsvps WHERE event_id = $1 ORDER BY id",
        )
        .bind(event)
        .fetch_all(&pool)
        .await
        .unwrap();
        let going = rows.iter().filter(|r| r.0 == "going").count() as i64;
        let waiting: Vec<_> = rows.iter().filter(|r| r.0 == "waitlisted").collect();
        assert_eq!(going, SEATS, "round {round}: exactly the seats are taken");
        assert_eq!(waiting.len(), PEOPLE - SEATS as usize, "round {round}");
        let going_count: i32 = sqlx::query_scalar("SELECT going_count FROM events WHERE id = $1")
            .bind(event)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(i64::from(going_count), SEATS);
        // Everyone going replied before everyone waiting, and the waitlist order by time
        // is the same as by insertion.
        let last_going = rows
            .iter()
            .filter(|r| r.0 == "going")
            .map(|r| r.1)
            .max()
            .unwrap();
        assert!(
            waiting.iter().all(|r| r.1 > last_going),
            "round {round}: seats go first come, first served"
        );
        for (expected, row) in waiting.iter().enumerate() {
            assert_eq!(
                row.2,
                expected as i64 + 1,
                "round {round}: one unbroken line"
            );
        }

        // And each person sees their own place: 1..=90, each exactly once.
        let mut seen = HashMap::new();
        let mut pages = tokio::task::JoinSet::new();
        for (i, browser) in &browsers {
            let browser = browser.clone();
            let path = format!("/events/{id}");
            let i = *i;
            pages.spawn(async move { (i, visible_text(&browser.get_html(&path).await.1)) });
        }
        let mut going_seen = 0;
        for (i, text) in pages.join_all().await {
            if text.contains("You're going.") {
                going_seen += 1;
            } else {
                let place = text
                    .split("You're number ")
                    .nth(1)
                    .and_then(|rest| rest.split(' ').next())
                    .and_then(|n| n.parse::<usize>().ok())
                    .unwrap_or_else(|| panic!("person {i} sees a place: {text}"));
                assert!(seen.insert(place, i).is_none(), "place {place} given twice");
            }
        }
        assert_eq!(going_seen, SEATS as usize);
        let mut places: Vec<usize> = seen.into_keys().collect();
        places.sort_unstable();
        assert_eq!(places, (1..=PEOPLE - SEATS as usize).collect::<Vec<_>>());
    }
}

// --- Pitches and the lineup ---------------------------------------------------------------------

async fn pitch(browser: &Browser, id: &str, title: &str, minutes: &str) -> reqwest::Response {
    browser
        .post(
            &format!("/events/{id}/pitch"),
            &[
                ("title", title),
                ("summary", "The winter I learned to ask for help."),
                ("minutes", minutes),
                ("content_note", "illness"),
                ("recording_consent", "on"),
            ],
        )
        .await
}

async fn pitch_id(pool: &PgPool, title: &str) -> String {
    let id: Uuid = sqlx::query_scalar("SELECT id FROM event_pitches WHERE title = $1")
        .bind(title)
        .fetch_one(pool)
        .await
        .unwrap();
    id.to_string()
}

#[sqlx::test]
async fn an_organizer_is_told_when_an_accepted_storyteller_has_no_seat(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let olu = app.organizer("olu@example.com").await;
    let id = publish_event(&olu, "Full house", "1").await;
    let ada = app.employee("ada@example.com").await;
    ada.post(&format!("/events/{id}/rsvp"), &[]).await;
    let ben = app.employee("ben@example.com").await;
    ben.post(&format!("/events/{id}/rsvp"), &[]).await; // the waitlist: the one seat is Ada's
    assert_eq!(
        pitch(&ben, &id, "The long way round", "5").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        pitch(&ada, &id, "Night shift", "5").await.status(),
        StatusCode::SEE_OTHER
    );

    let decide = |title: &'static str| {
        let (olu, pool, id) = (olu.clone(), pool.clone(), id.clone());
        async move {
            let pitch = pitch_id(&pool, title).await;
            let response = olu
                .post(
                    &format!("/events/{id}/pitches/{pitch}/decision"),
                    &[("decision", "accept"), ("message", "")],
                )
                .await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER);
            let (_, page) = olu.get_html(&format!("/events/{id}")).await;
            visible_text(&page)
        }
    };
    let text = decide("The long way round").await;
    assert!(
        text.contains("ben has no seat yet: they're number 1 on the waitlist. Add a seat for them"),
        "{text}"
    );
    assert!(
        text.contains("No seat yet: number 1 on the waitlist"),
        "the pitch says so too: {text}"
    );
    // Ada has a seat: nothing more to say.
    let text = decide("Night shift").await;
    assert!(text.contains("is in the lineup"));
    assert!(!text.contains("ada has no seat"));
    assert!(text.contains("Has a seat"));
}

#[sqlx::test]
async fn pitches_are_decided_and_ordered_into_a_lineup_no_bigger_than_the_slots(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let olu = app.organizer("olu@example.com").await;
    let id = publish_event(&olu, "Stories", "20").await; // 2 slots, 8 minutes each
    let page = format!("/events/{id}");
    let ada = app.employee("ada@example.com").await;
    let ben = app.employee("ben@example.com").await;
    let cy = app.employee("cy@example.com").await;

    // Too long for the slot: explained, nothing saved.
    let (status, html) = ada
        .post_html(
            &format!("/events/{id}/pitch"),
            &[
                ("title", "The long winter"),
                ("summary", ""),
                ("minutes", "12"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&html);
    assert!(text.contains("Each story has at most 8 minutes"));
    assert!(text.contains("Tell the organizers in a few sentences"));
    assert!(html.contains(r#"value="The long winter""#));
    assert_eq!(count(&pool, "SELECT count(*) FROM event_pitches").await, 0);

    assert_eq!(
        pitch(&ada, &id, "The long winter", "8").await.status(),
        StatusCode::SEE_OTHER
    );
    // Editing keeps one pitch per person.
    assert_eq!(
        pitch(&ada, &id, "The longest winter", "7").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM event_pitches").await, 1);
    pitch(&ben, &id, "Lost in Lisbon", "6").await;
    pitch(&cy, &id, "My first boss", "5").await;
    assert!(
        text_of(&ada, &page)
            .await
            .contains("Status: Waiting for a decision")
    );

    // The organizer sees the pitches with content notes and consent.
    let organizer_view = text_of(&olu, &page).await;
    assert!(organizer_view.contains("Pitches (3)"));
    assert!(organizer_view.contains("Content note: illness"));
    assert!(organizer_view.contains("agrees to be recorded"));

    let decide = |pitch: String, decision: &'static str, message: &'static str| {
        let olu = olu.clone();
        let id = id.clone();
        async move {
            olu.post(
                &format!("/events/{id}/pitches/{pitch}/decision"),
                &[("decision", decision), ("message", message)],
            )
            .await
        }
    };
    let ada_pitch = pitch_id(&pool, "The longest winter").await;
    let ben_pitch = pitch_id(&pool, "Lost in Lisbon").await;
    let cy_pitch = pitch_id(&pool, "My first boss").await;
    assert_eq!(
        decide(ada_pitch.clone(), "accept", "Lovely. You open the night.")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        decide(ben_pitch.clone(), "accept", "").await.status(),
        StatusCode::SEE_OTHER
    );
    // Two slots: a third accepted story is refused.
    let full = decide(cy_pitch.clone(), "accept", "").await;
    assert_eq!(full.status(), StatusCode::CONFLICT);
    assert!(visible_text(&full.text().await.unwrap()).contains("The lineup is full"));
    assert_eq!(
        decide(cy_pitch.clone(), "decline", "Please pitch it next time!")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    // A message that's too long comes back next to its form.
    let long = "x".repeat(1001);
    let (status, html) = olu
        .post_html(
            &format!("/events/{id}/pitches/{cy_pitch}/decision"),
            &[("decision", "decline"), ("message", &long)],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(&format!(r#"id="f-message-{cy_pitch}-error""#)));

    // Pitchers see their status and the message.
    let ada_view = text_of(&ada, &page).await;
    assert!(
        ada_view.contains("Status: Accepted · number 1 in the lineup"),
        "{ada_view}"
    );
    assert!(ada_view.contains("Lovely. You open the night."));
    let cy_view = text_of(&cy, &page).await;
    assert!(cy_view.contains("Status: Not this time"));
    assert!(cy_view.contains("Please pitch it next time!"));

    // The lineup is the organizers' until published; then in their chosen order.
    assert!(!text_of(&cy, &page).await.contains("The lineup"));
    olu.post(
        &format!("/events/{id}/pitches/{ben_pitch}/move"),
        &[("direction", "earlier")],
    )
    .await;
    olu.post(&format!("/events/{id}/lineup"), &[("visible", "yes")])
        .await;
    let dee = app.employee("dee@example.com").await;
    let lineup = text_of(&dee, &page).await;
    let ben_at = lineup
        .find("Lost in Lisbon")
        .expect("Ben's story is listed");
    let ada_at = lineup
        .find("The longest winter")
        .expect("Ada's story is listed");
    assert!(ben_at < ada_at, "Ben now opens: {lineup}");
    assert!(lineup.contains("The lineup"));
    assert!(!lineup.contains("My first boss"), "{lineup}");

    // Withdrawing closes the gap in the lineup.
    ben.post(&format!("/events/{id}/pitch/withdraw"), &[]).await;
    assert!(
        text_of(&ada, &page)
            .await
            .contains("number 1 in the lineup")
    );

    // After the deadline, no more pitching or editing.
    sqlx::query("UPDATE events SET pitch_deadline = now() - interval '1 minute'")
        .execute(&pool)
        .await
        .unwrap();
    let late = pitch(&ben, &id, "Too late", "5").await;
    assert_eq!(late.status(), StatusCode::CONFLICT);
    assert_eq!(
        ada.post(&format!("/events/{id}/pitch/withdraw"), &[])
            .await
            .status(),
        StatusCode::CONFLICT
    );
    assert!(
        text_of(&ben, &page)
            .await
            .contains("The deadline for pitches has passed.")
    );
}

#[sqlx::test]
async fn after_the_event_notes_reach_only_the_storyteller_and_attendance_is_kept(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let olu = app.organizer("olu@example.com").await;
    let id = publish_event(&olu, "Told tales", "5").await;
    let page = format!("/events/{id}");
    let teller = app.employee("teller@example.com").await;
    let ada = app.employee("ada@example.com").await;
    let ben = app.employee("ben@example.com").await;
    pitch(&teller, &id, "The kindness of strangers", "8").await;
    let story = pitch_id(&pool, "The kindness of strangers").await;
    olu.post(
        &format!("/events/{id}/pitches/{story}/decision"),
        &[("decision", "accept"), ("message", "")],
    )
    .await;
    for browser in [&teller, &ada] {
        browser.post(&format!("/events/{id}/rsvp"), &[]).await;
    }
    let note_path = format!("/events/{id}/pitches/{story}/note");

    // Not before it happened.
    let early = ada.post(&note_path, &[("body", "Thank you")]).await;
    assert_eq!(early.status(), StatusCode::CONFLICT);
    assert_eq!(
        olu.post(&format!("/events/{id}/attendance"), &[])
            .await
            .status(),
        StatusCode::CONFLICT
    );

    move_to_the_past(&pool, &id).await;
    let (status, html) = ada.post_html(&note_path, &[("body", "  ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("Write a few words for the storyteller."));
    let sent = ada
        .post(
            &note_path,
            &[("body", "Your story made me call my grandmother.")],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert!(text_of(&ada, &page).await.contains("You left a note"));
    // Ben wasn't going; the storyteller can't thank themselves.
    assert_eq!(
        ben.post(&note_path, &[("body", "Nice")]).await.status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        teller.post(&note_path, &[("body", "Me")]).await.status(),
        StatusCode::CONFLICT
    );

    let teller_view = text_of(&teller, &page).await;
    assert!(teller_view.contains("Notes people left for you"));
    assert!(teller_view.contains("Your story made me call my grandmother."));
    for other in [&ada, &ben, &olu] {
        assert!(
            !other
                .get_html(&page)
                .await
                .1
                .contains("call my grandmother"),
            "only the storyteller reads it"
        );
    }
    let hr = app.hr_admin("hr@example.com").await;
    assert!(!hr.get_html(&page).await.1.contains("call my grandmother"));

    // Organizers mark who came.
    let ada_id: Uuid = sqlx::query_scalar("SELECT id FROM people WHERE email = 'ada@example.com'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let response = olu
        .post(
            &format!("/events/{id}/attendance"),
            &[("attended", &ada_id.to_string())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM event_rsvps WHERE attended").await,
        1
    );
    let (_, html) = olu.get_html(&page).await;
    assert!(html.contains(&format!(r#"value="{ada_id}" checked"#)));
}

// --- Calendars ---------------------------------------------------------------------------------

/// The VEVENTs of a calendar file, as property name → (value, parameters), read with the
/// independent `ical` parser.
type Properties = HashMap<String, (String, Vec<(String, Vec<String>)>)>;

fn parse_events(ics: &str) -> Vec<Properties> {
    let calendars: Vec<_> = ical::IcalParser::new(BufReader::new(ics.as_bytes()))
        .collect::<Result<_, _>>()
        .expect("a valid iCalendar file");
    assert_eq!(calendars.len(), 1);
    let prodids = calendars[0]
        .properties
        .iter()
        .filter(|p| p.name == "PRODID")
        .count();
    assert_eq!(prodids, 1, "RFC 5545 allows exactly one PRODID:\n{ics}");
    calendars[0]
        .events
        .iter()
        .map(|event| {
            event
                .properties
                .iter()
                .map(|p| {
                    (
                        p.name.clone(),
                        (
                            p.value.clone().unwrap_or_default(),
                            p.params.clone().unwrap_or_default(),
                        ),
                    )
                })
                .collect()
        })
        .collect()
}

#[sqlx::test]
async fn calendar_files_have_stable_uids_utc_times_sequences_and_cancellations(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let olu = app.organizer("olu@example.com").await;
    let id = publish_event(&olu, "Calendar night", "10").await;
    let ada = app.employee("ada@example.com").await;
    ada.post(&format!("/events/{id}/rsvp"), &[]).await;

    let download = ada.get(&format!("/events/{id}/calendar.ics")).await;
    assert_eq!(download.status(), StatusCode::OK);
    assert!(
        download.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let events = parse_events(&download.text().await.unwrap());
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event["UID"].0, format!("{id}@attune"));
    // 19:00 in London in July is 18:00 UTC; the times carry the UTC designator, no TZID.
    assert_eq!(event["DTSTART"].0, "20300702T180000Z");
    assert_eq!(event["DTEND"].0, "20300702T200000Z");
    assert!(event["DTSTART"].1.iter().all(|(name, _)| name != "TZID"));
    assert_eq!(event["STATUS"].0, "CONFIRMED");
    assert_eq!(event["SEQUENCE"].0, "0");
    assert_eq!(event["URL"].0, format!("{}/events/{id}", app.address));
    assert_eq!(event["SUMMARY"].0, "Calendar night");
    assert!(
        event["DESCRIPTION"].0.contains("video.example"),
        "Ada is going"
    );

    // A private feed: created once, shown once, listing what Ada is going to.
    let response = ada.post("/events/calendar-feed", &[]).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let html = response.text().await.unwrap();
    let feed =
        common::find_link(&html, &format!("{}/calendar/", app.address)).expect("the link is shown");
    assert!(feed.ends_with(".ics"));
    let token = feed
        .rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".ics")
        .to_string();
    assert!(token.len() >= 43, "a long random token");
    // A subscribe link for calendar apps, and a copy button (shown by a script).
    assert!(html.contains(&format!(
        "href=\"webcal://{}/calendar/{token}.ics\"",
        app.address.trim_start_matches("http://")
    )));
    assert!(html.contains("data-copy=\"feed-link\""));
    let stored: Vec<u8> = sqlx::query_scalar("SELECT token_digest FROM event_calendar_feeds")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_ne!(stored, token.as_bytes(), "only a digest is stored");
    let in_sessions: i64 =
        sqlx::query_scalar("SELECT count(*) FROM sessions WHERE position($1 in data::text) > 0")
            .bind(&token)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(in_sessions, 0, "the link is not kept in the session either");
    let (_, again) = ada.get_html("/events/calendar-feed").await;
    assert!(!again.contains(&token), "the link is shown only once");

    let path = format!("/calendar/{token}.ics");
    let anonymous = app.browser();
    let fetched = anonymous.get(&path).await;
    assert_eq!(fetched.status(), StatusCode::OK);
    let events = parse_events(&fetched.text().await.unwrap());
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["UID"].0, format!("{id}@attune"));

    // A change raises SEQUENCE; cancelling marks the entry cancelled, same UID.
    let later = with(
        with(
            event_form("Calendar night", "10", "save"),
            "starts_at",
            "2030-07-02T19:30",
        ),
        "ends_at",
        "2030-07-02T21:30",
    );
    olu.post(&format!("/events/{id}"), &pairs(&later)).await;
    let events = parse_events(&anonymous.get(&path).await.text().await.unwrap());
    assert_eq!(events[0]["SEQUENCE"].0, "1");
    assert_eq!(events[0]["DTSTART"].0, "20300702T183000Z");
    olu.post(&format!("/events/{id}/cancel"), &[]).await;
    let events = parse_events(&anonymous.get(&path).await.text().await.unwrap());
    assert_eq!(events[0]["UID"].0, format!("{id}@attune"));
    assert_eq!(events[0]["STATUS"].0, "CANCELLED");
    assert_eq!(events[0]["SEQUENCE"].0, "2");

    // A new link replaces the old one; turning the feed off stops it.
    let html = ada
        .post("/events/calendar-feed", &[])
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(anonymous.get(&path).await.status(), StatusCode::NOT_FOUND);
    let newer = common::find_link(&html, &format!("{}/calendar/", app.address)).unwrap();
    let newer_path = newer.strip_prefix(&app.address).unwrap().to_string();
    assert_eq!(anonymous.get(&newer_path).await.status(), StatusCode::OK);
    ada.post("/events/calendar-feed/revoke", &[]).await;
    assert_eq!(
        anonymous.get(&newer_path).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        anonymous.get("/calendar/not-a-token.ics").await.status(),
        StatusCode::NOT_FOUND
    );
}

// --- The list query and the rules agree ----------------------------------------------------

/// The list's SQL repeats two rules for speed: who sees an event (`Event::visible_to`) and
/// whether it is over (`Event::is_over`). Events in every state and period, listed for every
/// role, must be exactly those the Rust rules pick.
#[sqlx::test]
async fn the_list_query_and_the_rules_agree_on_who_sees_what_and_when(pool: PgPool) {
    use attune::db::events::Period;
    use attune::domain::events::{EventInput, EventStatus, can_organize};
    use attune::domain::pagination::PageRequest;
    use chrono::{Duration, Utc};

    let app = spawn_app(pool.clone()).await;
    let mut viewers = Vec::new();
    for (email, roles) in [
        ("someone@example.com", Roles::default()),
        (
            "organizer@example.com",
            Roles {
                organizer: true,
                hr_admin: false,
            },
        ),
        (
            "hr@example.com",
            Roles {
                organizer: false,
                hr_admin: true,
            },
        ),
    ] {
        let id = app.create_person(email, "Someone", roles).await;
        viewers.push(db::people::find(&pool, id).await.unwrap().unwrap());
    }
    let now = Utc::now();
    let mut ids = Vec::new();
    for (n, starts) in [
        now - Duration::days(3),
        now - Duration::hours(1),
        now + Duration::days(3),
    ]
    .into_iter()
    .enumerate()
    {
        // draft, published, cancelled after publishing, cancelled as a draft
        for (m, (status, cancel)) in [
            (EventStatus::Draft, false),
            (EventStatus::Published, false),
            (EventStatus::Published, true),
            (EventStatus::Draft, true),
        ]
        .into_iter()
        .enumerate()
        {
            let input = EventInput {
                title: format!("Night {n}.{m}"),
                theme: String::new(),
                description: String::new(),
                starts_at: starts,
                ends_at: starts + Duration::hours(2),
                time_zone: chrono_tz::Tz::UTC,
                office: "London".into(),
                room: String::new(),
                video_url: String::new(),
                capacity: None,
                storyteller_slots: 2,
                minutes_per_story: 8,
                pitch_deadline: starts - Duration::hours(1),
            };
            let id = db::events::insert(&pool, &input, status, viewers[1].id)
                .await
                .unwrap();
            if cancel {
                let mut conn = pool.acquire().await.unwrap();
                db::events::cancel(&mut conn, id).await.unwrap();
            }
            ids.push(id);
        }
    }
    let mut events = Vec::new();
    for id in ids {
        events.push(db::events::find(&pool, id).await.unwrap().unwrap());
    }
    for viewer in &viewers {
        for period in [Period::Upcoming, Period::Past] {
            let request = PageRequest::parse(None, 100);
            let organizer = can_organize(viewer);
            let (listed, total) =
                db::events::list(&pool, period, "", organizer, viewer.id, now, request)
                    .await
                    .unwrap();
            let mut by_sql: Vec<Uuid> = listed.iter().map(|l| l.event.id).collect();
            let mut by_rules: Vec<Uuid> = events
                .iter()
                .filter(|e| e.visible_to(viewer) && e.is_over(now) == (period == Period::Past))
                .map(|e| e.id)
                .collect();
            by_sql.sort();
            by_rules.sort();
            assert_eq!(by_sql, by_rules, "{period:?} for {}", viewer.email);
            assert_eq!(total, by_rules.len() as i64);
        }
    }
}
