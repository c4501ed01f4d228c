//! The authorization matrix: every route, as anonymous, employee, organizer and HR admin.
//! A route missing from this table fails the test, so new routes must be added here.

use crate::common;

use std::collections::BTreeSet;

use attune::domain::people::Roles;
use common::{Browser, location, spawn_app};
use reqwest::{Method, StatusCode};
use sqlx::PgPool;

#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Sent to the sign-in page.
    SignIn,
    Status(u16),
}
use Expect::{SignIn, Status};

const OK: Expect = Status(200);
const SEE_OTHER: Expect = Status(303);
const FORBIDDEN: Expect = Status(403);
const NOT_FOUND: Expect = Status(404);
const INVALID: Expect = Status(422);

/// (method, route pattern, [anonymous, employee, organizer, HR admin])
#[rustfmt::skip]
fn matrix() -> Vec<(Method, &'static str, [Expect; 4])> {
    vec![
        (Method::GET, "/", [SignIn, OK, OK, OK]),
        (Method::GET, "/login", [OK, SEE_OTHER, SEE_OTHER, SEE_OTHER]),
        (Method::POST, "/login", [INVALID, INVALID, INVALID, INVALID]),
        (Method::POST, "/logout", [SignIn, SignIn, SignIn, SignIn]),
        // This instance has no identity provider (tests/api/oidc.rs covers one that has).
        (Method::POST, "/auth/oidc/start", [NOT_FOUND; 4]),
        (Method::GET, "/auth/oidc/callback", [NOT_FOUND; 4]),
        (Method::GET, "/setup/{token}", [NOT_FOUND; 4]),
        (Method::POST, "/setup/{token}", [NOT_FOUND; 4]),
        (Method::GET, "/invite/{token}", [NOT_FOUND; 4]),
        (Method::POST, "/invite/{token}", [NOT_FOUND; 4]),
        (Method::GET, "/account", [SignIn, OK, OK, OK]),
        (Method::POST, "/account/password", [SignIn, INVALID, INVALID, INVALID]),
        (Method::POST, "/account/time-zone", [SignIn, SEE_OTHER, SEE_OTHER, SEE_OTHER]),
        (Method::POST, "/account/notifications", [SignIn, SEE_OTHER, SEE_OTHER, SEE_OTHER]),
        (Method::GET, "/password/forgot", [OK; 4]),
        // An empty form names no email.
        (Method::POST, "/password/forgot", [INVALID; 4]),
        (Method::GET, "/password/reset/{token}", [NOT_FOUND; 4]),
        (Method::POST, "/password/reset/{token}", [NOT_FOUND; 4]),
        (Method::GET, "/unsubscribe/{token}", [NOT_FOUND; 4]),
        (Method::POST, "/unsubscribe/{token}", [NOT_FOUND; 4]),
        (Method::GET, "/admin/outbox", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::GET, "/notifications", [SignIn, OK, OK, OK]),
        (Method::POST, "/notifications/read", [SignIn, SEE_OTHER, SEE_OTHER, SEE_OTHER]),
        // {id} is no notification of theirs.
        (Method::POST, "/notifications/{id}/open", [SignIn, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
        // {id} is no message in the outbox.
        (Method::POST, "/admin/outbox/{id}/retry", [SignIn, FORBIDDEN, FORBIDDEN, Status(409)]),
        // This instance has no SMTP server: nothing can be emailed.
        (Method::POST, "/admin/people/{id}/password-reset", [SignIn, FORBIDDEN, FORBIDDEN, Status(409)]),
        (Method::POST, "/admin/people/import/invitations", [SignIn, FORBIDDEN, FORBIDDEN, Status(409)]),
        (Method::GET, "/admin/people", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::GET, "/admin/people/new", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::POST, "/admin/people", [SignIn, FORBIDDEN, FORBIDDEN, INVALID]),
        (Method::GET, "/admin/people/import", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        // A form post that is not a file upload is malformed.
        (Method::POST, "/admin/people/import", [SignIn, FORBIDDEN, FORBIDDEN, Status(400)]),
        (Method::GET, "/admin/people/{id}", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::POST, "/admin/people/{id}", [SignIn, FORBIDDEN, FORBIDDEN, INVALID]),
        (Method::POST, "/admin/people/{id}/deactivate", [SignIn, FORBIDDEN, FORBIDDEN, SEE_OTHER]),
        (Method::POST, "/admin/people/{id}/reactivate", [SignIn, FORBIDDEN, FORBIDDEN, SEE_OTHER]),
        // {id} has set a password: no one may get a link that signs in as them.
        (Method::POST, "/admin/people/{id}/invitation", [SignIn, FORBIDDEN, FORBIDDEN, Status(409)]),
        (Method::GET, "/plan", [SignIn, OK, OK, OK]),
        (Method::GET, "/library", [SignIn, OK, OK, OK]),
        // {id} is a resource; an empty form names no action.
        (Method::POST, "/plan/{id}", [SignIn, Status(409), Status(409), Status(409)]),
        (Method::GET, "/admin/resources", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::GET, "/admin/resources/new", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::POST, "/admin/resources", [SignIn, FORBIDDEN, FORBIDDEN, INVALID]),
        (Method::POST, "/admin/resources/export.csv", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::GET, "/admin/resources/import", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::POST, "/admin/resources/import", [SignIn, FORBIDDEN, FORBIDDEN, Status(400)]),
        (Method::GET, "/admin/resources/{id}", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::POST, "/admin/resources/{id}", [SignIn, FORBIDDEN, FORBIDDEN, INVALID]),
        (Method::POST, "/admin/resources/{id}/archive", [SignIn, FORBIDDEN, FORBIDDEN, SEE_OTHER]),
        (Method::POST, "/admin/resources/{id}/restore", [SignIn, FORBIDDEN, FORBIDDEN, SEE_OTHER]),
        (Method::GET, "/admin", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::GET, "/admin/insights", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::GET, "/admin/audit", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        // The export is a POST (it is itself on record); an empty form exports everything.
        (Method::POST, "/admin/audit/export", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::GET, "/admin/settings", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::POST, "/admin/settings", [SignIn, FORBIDDEN, FORBIDDEN, INVALID]),
        // An empty form chooses nobody to let in.
        (Method::POST, "/admin/settings/sso", [SignIn, FORBIDDEN, FORBIDDEN, INVALID]),
        (Method::GET, "/quiz", [SignIn, OK, OK, OK]),
        // An empty submission is incomplete.
        (Method::POST, "/quiz", [SignIn, INVALID, INVALID, INVALID]),
        (Method::GET, "/quiz/history", [SignIn, OK, OK, OK]),
        // {id} is someone else's attempt: private even from HR admins.
        (Method::GET, "/quiz/attempts/{id}", [SignIn, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
        (Method::GET, "/quiz/attempts/{id}/delete", [SignIn, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
        (Method::POST, "/quiz/attempts/{id}/delete", [SignIn, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
        // Recognition. {id} is a recognition on the wall the employee gave the target;
        // behaviour {id}s are a seeded behaviour; people {id} is the target.
        (Method::GET, "/recognition", [SignIn, OK, OK, OK]),
        (Method::POST, "/recognition", [SignIn, INVALID, INVALID, INVALID]),
        (Method::GET, "/recognition/new", [SignIn, OK, OK, OK]),
        (Method::GET, "/recognition/colleagues", [SignIn, OK, OK, OK]),
        (Method::GET, "/recognition/mine", [SignIn, OK, OK, OK]),
        (Method::GET, "/recognition/given", [SignIn, OK, OK, OK]),
        (Method::POST, "/recognition/mine/seen", [SignIn, SEE_OTHER, SEE_OTHER, SEE_OTHER]),
        (Method::POST, "/recognition/given/seen", [SignIn, SEE_OTHER, SEE_OTHER, SEE_OTHER]),
        (Method::GET, "/recognition/received.csv", [SignIn, OK, OK, OK]),
        (Method::GET, "/recognition/people/{id}", [SignIn, OK, OK, OK]),
        (Method::GET, "/recognition/{id}", [SignIn, OK, OK, OK]),
        (Method::POST, "/recognition/{id}/appreciate", [SignIn, SEE_OTHER, SEE_OTHER, SEE_OTHER]),
        (Method::GET, "/recognition/{id}/report", [SignIn, OK, OK, OK]),
        // A report needs a reason.
        (Method::POST, "/recognition/{id}/report", [SignIn, INVALID, INVALID, INVALID]),
        // Only the recipient (the target) decides whether it stays on the wall.
        (Method::POST, "/recognition/{id}/visibility", [SignIn, FORBIDDEN, FORBIDDEN, FORBIDDEN]),
        (Method::GET, "/admin/recognition", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::GET, "/admin/recognition/approvals", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        // Already published: nothing to approve or decline.
        (Method::POST, "/admin/recognition/{id}/approve", [SignIn, FORBIDDEN, FORBIDDEN, Status(409)]),
        (Method::GET, "/admin/recognition/{id}/reject", [SignIn, FORBIDDEN, FORBIDDEN, Status(409)]),
        (Method::POST, "/admin/recognition/{id}/reject", [SignIn, FORBIDDEN, FORBIDDEN, Status(409)]),
        (Method::GET, "/admin/recognition/reports", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        // Not reported: nothing to review.
        (Method::POST, "/admin/recognition/{id}/keep", [SignIn, FORBIDDEN, FORBIDDEN, Status(409)]),
        (Method::POST, "/admin/recognition/{id}/remove", [SignIn, FORBIDDEN, FORBIDDEN, Status(409)]),
        (Method::GET, "/admin/recognition/fairness", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::GET, "/admin/recognition/export", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::POST, "/admin/recognition/export.csv", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::GET, "/admin/recognition/behaviours", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::POST, "/admin/recognition/behaviours", [SignIn, FORBIDDEN, FORBIDDEN, INVALID]),
        (Method::GET, "/admin/recognition/behaviours/{id}", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::POST, "/admin/recognition/behaviours/{id}", [SignIn, FORBIDDEN, FORBIDDEN, INVALID]),
        (Method::POST, "/admin/recognition/behaviours/{id}/move", [SignIn, FORBIDDEN, FORBIDDEN, INVALID]),
        (Method::POST, "/admin/recognition/behaviours/{id}/retire", [SignIn, FORBIDDEN, FORBIDDEN, SEE_OTHER]),
        (Method::POST, "/admin/recognition/behaviours/{id}/reinstate", [SignIn, FORBIDDEN, FORBIDDEN, SEE_OTHER]),
        (Method::GET, "/admin/recognition/spotlight", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        // Story nights. {id} is a published event in 2030 with a pitch {pitch_id} waiting for
        // a decision; empty forms are incomplete. Cancelling comes last: it changes the event.
        (Method::GET, "/events", [SignIn, OK, OK, OK]),
        (Method::GET, "/events/new", [SignIn, FORBIDDEN, OK, OK]),
        (Method::POST, "/events", [SignIn, FORBIDDEN, INVALID, INVALID]),
        (Method::GET, "/events/calendar-feed", [SignIn, OK, OK, OK]),
        (Method::POST, "/events/calendar-feed", [SignIn, Status(201), Status(201), Status(201)]),
        (Method::POST, "/events/calendar-feed/revoke", [SignIn, SEE_OTHER, SEE_OTHER, SEE_OTHER]),
        (Method::GET, "/events/{id}", [SignIn, OK, OK, OK]),
        (Method::POST, "/events/{id}", [SignIn, FORBIDDEN, INVALID, INVALID]),
        (Method::GET, "/events/{id}/edit", [SignIn, FORBIDDEN, OK, OK]),
        // Already published.
        (Method::POST, "/events/{id}/publish", [SignIn, FORBIDDEN, Status(409), Status(409)]),
        (Method::GET, "/events/{id}/cancel", [SignIn, FORBIDDEN, OK, OK]),
        (Method::POST, "/events/{id}/duplicate", [SignIn, FORBIDDEN, SEE_OTHER, SEE_OTHER]),
        (Method::POST, "/events/{id}/rsvp", [SignIn, SEE_OTHER, SEE_OTHER, SEE_OTHER]),
        (Method::POST, "/events/{id}/rsvp/cancel", [SignIn, SEE_OTHER, SEE_OTHER, SEE_OTHER]),
        (Method::GET, "/events/{id}/calendar.ics", [SignIn, OK, OK, OK]),
        (Method::GET, "/events/{id}/pitch", [SignIn, OK, OK, OK]),
        (Method::POST, "/events/{id}/pitch", [SignIn, INVALID, INVALID, INVALID]),
        (Method::POST, "/events/{id}/pitch/withdraw", [SignIn, SEE_OTHER, SEE_OTHER, SEE_OTHER]),
        (Method::POST, "/events/{id}/pitches/{pitch_id}/decision", [SignIn, FORBIDDEN, INVALID, INVALID]),
        // Only stories in the lineup move; notes are for stories told, after the event.
        (Method::POST, "/events/{id}/pitches/{pitch_id}/move", [SignIn, FORBIDDEN, Status(409), Status(409)]),
        (Method::POST, "/events/{id}/pitches/{pitch_id}/note", [SignIn, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
        (Method::POST, "/events/{id}/lineup", [SignIn, FORBIDDEN, SEE_OTHER, SEE_OTHER]),
        // Attendance is marked once the event has started.
        (Method::POST, "/events/{id}/attendance", [SignIn, FORBIDDEN, Status(409), Status(409)]),
        // The private feed needs no session: an unknown token is simply not found.
        (Method::GET, "/calendar/{file}", [NOT_FOUND; 4]),
        (Method::POST, "/events/{id}/cancel", [SignIn, FORBIDDEN, SEE_OTHER, Status(409)]),
        // Practice. Exercise {id} is a published exercise; journal {id} is an entry in the
        // target's private journal (404 to everyone else, HR included); story {id} is a role
        // story of the target's waiting for HR. No challenge is scheduled until the starter
        // calendar row; empty forms are incomplete.
        (Method::GET, "/practice", [SignIn, OK, OK, OK]),
        (Method::POST, "/practice/challenge/accept", [SignIn, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
        (Method::GET, "/practice/exercises/new", [SignIn, FORBIDDEN, OK, OK]),
        (Method::POST, "/practice/exercises", [SignIn, FORBIDDEN, INVALID, INVALID]),
        (Method::GET, "/practice/exercises/{id}", [SignIn, OK, OK, OK]),
        (Method::POST, "/practice/exercises/{id}/reflections", [SignIn, INVALID, INVALID, INVALID]),
        (Method::POST, "/practice/exercises/{id}/takeaway", [SignIn, INVALID, INVALID, INVALID]),
        (Method::GET, "/practice/journal", [SignIn, OK, OK, OK]),
        (Method::POST, "/practice/journal", [SignIn, INVALID, INVALID, INVALID]),
        (Method::GET, "/practice/journal/{id}", [SignIn, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
        (Method::POST, "/practice/journal/{id}/delete", [SignIn, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
        (Method::GET, "/practice/stories", [SignIn, OK, OK, OK]),
        (Method::POST, "/practice/stories", [SignIn, INVALID, INVALID, INVALID]),
        (Method::GET, "/admin/practice", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::GET, "/admin/practice/challenges/edit", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::POST, "/admin/practice/challenges", [SignIn, FORBIDDEN, FORBIDDEN, INVALID]),
        (Method::POST, "/admin/practice/challenges/starter", [SignIn, FORBIDDEN, FORBIDDEN, SEE_OTHER]),
        (Method::GET, "/admin/practice/stories/{id}", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::POST, "/admin/practice/stories/{id}/publish", [SignIn, FORBIDDEN, FORBIDDEN, INVALID]),
        (Method::POST, "/admin/practice/stories/{id}/decline", [SignIn, FORBIDDEN, FORBIDDEN, INVALID]),
        (Method::GET, "/healthz", [OK; 4]),
        (Method::GET, "/readyz", [OK; 4]),
        // Your data (tests/api/privacy.rs). Everyone here signed in moments ago, so nothing
        // asks them to confirm first. An empty password is refused; the download is a zip.
        (Method::GET, "/account/confirm", [SignIn, OK, OK, OK]),
        (Method::POST, "/account/confirm", [SignIn, INVALID, INVALID, INVALID]),
        (Method::GET, "/account/data", [SignIn, OK, OK, OK]),
        (Method::POST, "/account/data", [SignIn, OK, OK, OK]),
        (Method::GET, "/account/delete", [SignIn, OK, OK, OK]),
        (Method::POST, "/account/delete", [SignIn, INVALID, INVALID, INVALID]),
        // {id} is the target; an empty form hasn't ticked "I understand".
        (Method::GET, "/admin/people/{id}/erase", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::POST, "/admin/people/{id}/erase", [SignIn, FORBIDDEN, FORBIDDEN, INVALID]),
        (Method::GET, "/admin/privacy", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::POST, "/admin/privacy", [SignIn, FORBIDDEN, FORBIDDEN, INVALID]),
        // Connecting across teams. {id} is no pair, programme or circle of anyone's: 404 for
        // all (HR included); organizer-only actions answer 403 to employees first.
        (Method::GET, "/connect", [SignIn, OK, OK, OK]),
        // An empty form chooses neither how often nor how.
        (Method::POST, "/connect/pairs", [SignIn, INVALID, INVALID, INVALID]),
        // Not taking part: nothing to pause or resume; leaving is idempotent.
        (Method::POST, "/connect/pairs/pause", [SignIn, Status(409), Status(409), Status(409)]),
        (Method::POST, "/connect/pairs/resume", [SignIn, Status(409), Status(409), Status(409)]),
        (Method::POST, "/connect/pairs/leave", [SignIn, SEE_OTHER, SEE_OTHER, SEE_OTHER]),
        (Method::POST, "/connect/pairs/{id}/happened", [SignIn, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
        (Method::POST, "/connect/pairs/{id}/skipped", [SignIn, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
        (Method::GET, "/connect/pairs/{id}/calendar.ics", [SignIn, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
        (Method::GET, "/connect/programmes/new", [SignIn, FORBIDDEN, OK, OK]),
        (Method::POST, "/connect/programmes", [SignIn, FORBIDDEN, INVALID, INVALID]),
        (Method::GET, "/connect/programmes/{id}", [SignIn, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
        (Method::POST, "/connect/programmes/{id}/signup", [SignIn, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
        (Method::POST, "/connect/programmes/{id}/withdraw", [SignIn, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
        (Method::POST, "/connect/programmes/{id}/form", [SignIn, FORBIDDEN, NOT_FOUND, NOT_FOUND]),
        (Method::GET, "/connect/circles/{id}", [SignIn, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
        (Method::GET, "/connect/circles/{id}/calendar.ics", [SignIn, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
        (Method::POST, "/connect/circles/{id}/reviews", [SignIn, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
        (Method::POST, "/connect/circles/{id}/notes", [SignIn, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
        (Method::POST, "/connect/circles/{id}/leave", [SignIn, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
        (Method::POST, "/connect/circles/{id}/merge", [SignIn, FORBIDDEN, NOT_FOUND, NOT_FOUND]),
        (Method::GET, "/admin/connect", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        // An empty form chooses no pairing rule.
        (Method::POST, "/admin/connect", [SignIn, FORBIDDEN, FORBIDDEN, INVALID]),
        // Pulse checks. {id} is no round or pulse (a person's id): not found for anyone
        // signed in; HR's pages are HR's alone. An empty new pulse form is incomplete.
        (Method::GET, "/pulse/rounds/{id}", [SignIn, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
        (Method::POST, "/pulse/rounds/{id}", [SignIn, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
        (Method::GET, "/pulse/results/{id}", [SignIn, NOT_FOUND, NOT_FOUND, NOT_FOUND]),
        (Method::GET, "/admin/pulses", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::GET, "/admin/pulses/new", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
        (Method::POST, "/admin/pulses", [SignIn, FORBIDDEN, FORBIDDEN, INVALID]),
        (Method::GET, "/admin/pulses/{id}", [SignIn, FORBIDDEN, FORBIDDEN, NOT_FOUND]),
        (Method::GET, "/admin/pulses/{id}/results.csv", [SignIn, FORBIDDEN, FORBIDDEN, NOT_FOUND]),
        (Method::POST, "/admin/pulses/{id}/close", [SignIn, FORBIDDEN, FORBIDDEN, NOT_FOUND]),
        (Method::POST, "/admin/pulses/{id}/stop", [SignIn, FORBIDDEN, FORBIDDEN, NOT_FOUND]),
        (Method::GET, "/admin/insights.csv", [SignIn, FORBIDDEN, FORBIDDEN, OK]),
    ]
}

/// A published exercise, an entry in the target's journal and a role story of theirs waiting
/// for HR.
async fn practice_fixtures(
    pool: &PgPool,
    target: uuid::Uuid,
) -> (uuid::Uuid, uuid::Uuid, uuid::Uuid) {
    use attune::domain::practice::{ExerciseForm, ExerciseInput, JournalInput, StoryInput};
    let input = ExerciseInput::parse(&ExerciseForm {
        title: "A day at the front desk".into(),
        format: "story".into(),
        text_alternative: "Forty visitors before nine.".into(),
        minutes: "10".into(),
        aspects: vec!["emotion-comprehension".into()],
        prompt1: "What surprised you?".into(),
        prompt2: "What will you ask?".into(),
        ..ExerciseForm::default()
    })
    .unwrap();
    let actor = attune::app::audit::Actor {
        id: target,
        ip: None,
    };
    let exercise = attune::app::practice::publish_exercise(pool, actor, &input, None)
        .await
        .unwrap();
    let entry = JournalInput {
        happened_on: chrono::Utc::now().date_naive(),
        what: "A private moment.".into(),
        noticed: String::new(),
    };
    let entry = attune::db::practice::insert_entry(pool, target, &entry)
        .await
        .unwrap();
    let story = StoryInput {
        title: "Nights".into(),
        body: "What a night shift is like.".into(),
        named: false,
    };
    let story = attune::db::practice::insert_story(pool, target, &story)
        .await
        .unwrap();
    (exercise, entry, story)
}

/// A resource of the starter library every fresh install has.
const STARTER_RESOURCE: &str = "7a0f1c2e-0001-4000-8000-000000000001";

/// The employee recognises the target on the wall; returns the recognition and behaviour ids.
async fn recognise_target(
    employee: &Browser,
    pool: &PgPool,
    target: uuid::Uuid,
) -> (String, uuid::Uuid) {
    let behaviour: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM recognition_behaviours ORDER BY position LIMIT 1")
            .fetch_one(pool)
            .await
            .unwrap();
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::London)
        .format("%Y-%m-%d")
        .to_string();
    let response = employee
        .post(
            "/recognition",
            &[
                ("recipient", target.to_string().as_str()),
                ("behaviours", behaviour.to_string().as_str()),
                (
                    "story",
                    "Tomás noticed the new starter was lost in the release jargon and explained it in plain words.",
                ),
                ("happened_on", today.as_str()),
                ("visibility", "wall"),
            ],
        )
        .await;
    let recognition = location(&response)
        .strip_prefix("/recognition/")
        .expect("the recognition is made")
        .to_string();
    (recognition, behaviour)
}

async fn request(browser: &Browser, method: &Method, path: &str) -> reqwest::Response {
    if *method == Method::GET {
        browser.get(path).await
    } else {
        browser.post(path, &[]).await
    }
}

/// A published story night in 2030, and a story the target pitched for it.
async fn story_night_with_a_pitch(
    pool: &sqlx::PgPool,
    target: uuid::Uuid,
) -> (uuid::Uuid, uuid::Uuid) {
    use attune::domain::events::{EventInput, EventStatus, PitchInput};
    let at = |raw: &str| raw.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    let input = EventInput {
        title: "Matrix night".into(),
        theme: String::new(),
        description: String::new(),
        starts_at: at("2030-07-02T18:00:00Z"),
        ends_at: at("2030-07-02T20:00:00Z"),
        time_zone: chrono_tz::Tz::Europe__London,
        office: "London".into(),
        room: String::new(),
        video_url: String::new(),
        capacity: Some(10),
        storyteller_slots: 2,
        minutes_per_story: 8,
        pitch_deadline: at("2030-06-25T16:00:00Z"),
    };
    let event = attune::db::events::insert(pool, &input, EventStatus::Published, target)
        .await
        .unwrap();
    let story = PitchInput {
        title: "A story".into(),
        summary: "About kindness.".into(),
        minutes: 5,
        content_note: String::new(),
        recording_consent: false,
    };
    let pitch = attune::db::events::save_pitch(pool, event, target, &story)
        .await
        .unwrap();
    (event, pitch)
}

#[sqlx::test]
async fn every_route_answers_each_role_as_expected(pool: PgPool) {
    let app = spawn_app(pool).await;
    let target = app
        .create_person("target@example.com", "Tomás Novak", Roles::default())
        .await;
    // The target has taken the quiz.
    let tomas = app.browser();
    tomas.sign_in("target@example.com", common::PASSWORD).await;
    let attempt = common::take_quiz(&tomas, &[2; 16]).await;
    let (story_night, pitch) = story_night_with_a_pitch(&app.pool, target).await;
    let browsers = [
        app.browser(),
        app.employee("employee@example.com").await,
        app.organizer("organizer@example.com").await,
        app.hr_admin("hr@example.com").await,
    ];
    let roles = ["anonymous", "employee", "organizer", "hr_admin"];
    let (recognition, behaviour) = recognise_target(&browsers[1], &app.pool, target).await;
    let (exercise, entry, story) = practice_fixtures(&app.pool, target).await;

    let table = matrix();
    let covered: BTreeSet<(String, String)> = table
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    let served: BTreeSet<(String, String)> = attune::web::route_table()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(
        served.difference(&covered).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "routes missing from the authorization matrix"
    );
    assert_eq!(
        covered.difference(&served).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "matrix rows for routes that no longer exist"
    );

    let mut failures = Vec::new();
    for (method, pattern, expected) in &table {
        let id = if pattern.starts_with("/quiz/attempts/") {
            attempt.clone()
        } else if pattern.starts_with("/plan/") || pattern.starts_with("/admin/resources/") {
            STARTER_RESOURCE.to_string()
        } else if pattern.starts_with("/admin/recognition/behaviours/") {
            behaviour.to_string()
        } else if pattern.starts_with("/recognition/{id}")
            || pattern.starts_with("/admin/recognition/{id}")
        {
            recognition.clone()
        } else if pattern.starts_with("/events/{id}") {
            story_night.to_string()
        } else if pattern.starts_with("/practice/exercises/{id}") {
            exercise.to_string()
        } else if pattern.starts_with("/practice/journal/{id}") {
            entry.to_string()
        } else if pattern.starts_with("/admin/practice/stories/{id}") {
            story.to_string()
        } else {
            target.to_string()
        };
        let path = pattern
            .replace("{id}", &id)
            .replace("{token}", "not-a-real-token")
            .replace("{pitch_id}", &pitch.to_string())
            .replace("{file}", "not-a-real-token.ics");
        for (i, browser) in browsers.iter().enumerate() {
            let response = request(browser, method, &path).await;
            let status = response.status();
            let ok = match expected[i] {
                SignIn => {
                    status == StatusCode::SEE_OTHER && location(&response).starts_with("/login")
                }
                Status(code) => status.as_u16() == code,
            };
            if !ok {
                failures.push(format!(
                    "{method} {path} as {}: expected {:?}, got {status}",
                    roles[i], expected[i]
                ));
            }
        }
        // Signing out is part of the table: sign the role back in for the next rows.
        if *pattern == "/logout" {
            for (browser, email) in browsers.iter().zip([
                "",
                "employee@example.com",
                "organizer@example.com",
                "hr@example.com",
            ]) {
                if !email.is_empty() {
                    browser.sign_in(email, common::PASSWORD).await;
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorization failures:\n{}",
        failures.join("\n")
    );
}

#[sqlx::test]
async fn unknown_ids_are_404_for_hr_admins(pool: PgPool) {
    let app = spawn_app(pool).await;
    let hr = app.hr_admin("hr@example.com").await;
    for path in [
        "/admin/people/not-a-uuid",
        "/admin/people/00000000-0000-0000-0000-000000000000",
    ] {
        assert_eq!(hr.get(path).await.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            hr.post(&format!("{path}/deactivate"), &[]).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}
