//! Pulse checks over HTTP: HR creates one, people answer (and change their answer) from their
//! home page, the audience rules hold, results appear only when a round closes and only for
//! enough people, and the database can't link an answer to a person.

use crate::common;

use attune::domain::people::Roles;
use chrono::{Days, Utc};
use common::{Browser, TestApp, location, spawn_app, visible_text};
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

fn today() -> String {
    Utc::now().date_naive().format("%Y-%m-%d").to_string()
}

fn in_days(days: u64) -> String {
    (Utc::now().date_naive() + Days::new(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// HR creates a pulse with two starter statements and a comment question, open from today;
/// returns the pulse id.
async fn create_pulse(hr: &Browser, audience: &[(&str, &str)]) -> String {
    let opens = today();
    let closes = in_days(7);
    let mut form = vec![
        ("title", "Team pulse"),
        ("starter", "trust"),
        ("starter", "heard"),
        ("comment_question", "Anything else?"),
        ("repeats", "monthly"),
        ("opens_on", opens.as_str()),
        ("closes_on", closes.as_str()),
    ];
    form.extend_from_slice(audience);
    let response = hr.post("/admin/pulses", &form).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "the pulse is created"
    );
    location(&response)
        .strip_prefix("/admin/pulses/")
        .expect("redirected to the pulse")
        .to_string()
}

async fn only_round(pool: &PgPool) -> Uuid {
    sqlx::query_scalar("SELECT id FROM pulse_rounds")
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn answer(browser: &Browser, round: Uuid, s1: &str, s2: &str, comment: &str) -> StatusCode {
    let path = format!("/pulse/rounds/{round}");
    let response = browser
        .post(&path, &[("s1", s1), ("s2", s2), ("comment", comment)])
        .await;
    response.status()
}

/// `n` colleagues of long standing in `department` (in Lisbon), signed in.
async fn people_in(app: &TestApp, prefix: &str, n: usize, department: &str) -> Vec<Browser> {
    let browsers = newcomers_in(app, prefix, n, department).await;
    sqlx::query(
        "UPDATE people SET department_since = now() - interval '1 year', \
         office_since = now() - interval '1 year' WHERE email LIKE $1",
    )
    .bind(format!("{prefix}%@example.com"))
    .execute(&app.pool)
    .await
    .unwrap();
    browsers
}

/// `n` people who joined `department` (in Lisbon) just now, signed in.
async fn newcomers_in(app: &TestApp, prefix: &str, n: usize, department: &str) -> Vec<Browser> {
    let mut browsers = Vec::new();
    for i in 0..n {
        let email = format!("{prefix}{i}@example.com");
        app.create_person_in(
            &email,
            &format!("{prefix} {i}"),
            Roles::default(),
            department,
            "Lisbon",
        )
        .await;
        let browser = app.browser();
        browser.sign_in(&email, common::PASSWORD).await;
        browsers.push(browser);
    }
    browsers
}

#[sqlx::test]
async fn hr_creates_a_pulse_people_answer_change_and_the_round_closes(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let people = people_in(&app, "sam", 6, "Sales").await;
    let hr = app.hr_admin("hr@example.com").await;
    let pulse = create_pulse(&hr, &[("audience", "everyone")]).await;
    let round = only_round(&pool).await;

    // The round is on everyone's home page, with the form right there.
    let (_, home) = people[0].get_html("/").await;
    let text = visible_text(&home);
    assert!(text.contains("Team pulse"), "{text}");
    assert!(text.contains("I trust the people I work with most closely."));
    assert!(home.contains(&format!("action=\"/pulse/rounds/{round}\"")));

    for (i, person) in people.iter().enumerate() {
        let comment = if i >= 1 {
            "More time for planning, please."
        } else {
            ""
        };
        assert_eq!(
            answer(person, round, "2", "4", comment).await,
            StatusCode::SEE_OTHER
        );
    }
    // One person changes their mind, from another device (a fresh sign-in).
    let other_device = app.browser();
    other_device
        .sign_in("sam0@example.com", common::PASSWORD)
        .await;
    let (_, page) = other_device
        .get_html(&format!("/pulse/rounds/{round}"))
        .await;
    assert!(
        page.contains("Change my answer"),
        "the earlier answer is found"
    );
    assert!(page.contains(&format!(
        "id=\"p{round}-s1-2\" name=\"s1\" value=\"2\" checked"
    )));
    assert_eq!(
        answer(&other_device, round, "5", "5", "").await,
        StatusCode::SEE_OTHER
    );

    // One answer per person: six answers, six answered records.
    let answers: i64 = sqlx::query_scalar("SELECT count(*) FROM pulse_answers")
        .fetch_one(&pool)
        .await
        .unwrap();
    let answered: i64 = sqlx::query_scalar("SELECT count(*) FROM pulse_answered")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!((answers, answered), (6, 6));

    // While open, HR sees how many answered, not what.
    let (status, page) = hr.get_html(&format!("/admin/pulses/{pulse}")).await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&page);
    assert!(
        text.contains("6 of 7 people asked have answered so far"),
        "{text}"
    );
    assert!(!text.contains("83%"));

    // HR closes the round: the figures appear, the change counted.
    let response = hr.post(&format!("/admin/pulses/{pulse}/close"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = hr.get_html(&format!("/admin/pulses/{pulse}")).await;
    let text = visible_text(&page);
    assert!(text.contains("6 of 7 people asked answered"), "{text}");
    // Trust: five said 2, one (changed) said 5: 1 in 6 agree, 17%. Heard: all agree.
    assert!(text.contains("17%"), "{text}");
    assert!(text.contains("100%"), "{text}");
    assert!(
        text.contains("More time for planning, please."),
        "five comments are shown"
    );

    // Closing dropped every keyed hash: not even the pulse key links an answer any more.
    let keyed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM pulse_answers WHERE answer_key IS NOT NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(keyed, 0);
    // A closed round takes no answers, and closing twice is a conflict.
    assert_eq!(
        answer(&people[1], round, "5", "5", "").await,
        StatusCode::CONFLICT
    );
    let again = hr.post(&format!("/admin/pulses/{pulse}/close"), &[]).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);

    // The CSV holds the same protected aggregates.
    let csv = hr
        .get(&format!("/admin/pulses/{pulse}/results.csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.starts_with("round,dates,group,people answered,statement"),
        "{csv}"
    );
    assert!(
        csv.contains("Everyone,6,I trust the people I work with most closely.,0,5,0,0,1,17"),
        "{csv}"
    );

    // It's on the audit record.
    let (_, audit) = hr.get_html("/admin/audit").await;
    assert!(visible_text(&audit).contains("Pulse check created"));
}

#[sqlx::test]
async fn bad_input_is_refused_next_to_its_field_and_kept(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    let opens = today();
    let (status, page) = hr
        .post_html(
            "/admin/pulses",
            &[
                ("title", "Autumn check-in"),
                ("starter", "trust"),
                ("audience", "departments"),
                ("repeats", "quarterly"),
                ("opens_on", opens.as_str()),
                ("closes_on", "not a date"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&page);
    assert!(
        text.contains("Choose between 2 and 6 statements (you have 1)."),
        "{text}"
    );
    assert!(text.contains("Choose at least one department."));
    assert!(text.contains("Enter the day the first round closes."));
    assert!(
        page.contains("value=\"Autumn check-in\""),
        "the form keeps what was typed"
    );
    let pulses: i64 = sqlx::query_scalar("SELECT count(*) FROM pulses")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(pulses, 0);

    // An answer with a statement left out keeps what was chosen.
    create_pulse(&hr, &[("audience", "everyone")]).await;
    let round = only_round(&pool).await;
    let employee = app.employee("employee@example.com").await;
    let (status, page) = employee
        .post_html(
            &format!("/pulse/rounds/{round}"),
            &[("s1", "4"), ("comment", "Hi")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&page).contains("Choose an answer for the statement marked below."));
    assert!(page.contains(&format!(
        "id=\"p{round}-s1-4\" name=\"s1\" value=\"4\" checked"
    )));
    assert!(page.contains(">Hi</textarea>"));
    let answers: i64 = sqlx::query_scalar("SELECT count(*) FROM pulse_answered")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(answers, 0, "nothing half-written");
}

#[sqlx::test]
async fn only_the_audience_is_asked(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let sales = people_in(&app, "sal", 1, "Sales").await;
    let finance = people_in(&app, "fin", 1, "Finance").await;
    let hr = app.hr_admin("hr@example.com").await;
    create_pulse(
        &hr,
        &[("audience", "departments"), ("departments", "Sales")],
    )
    .await;
    let round = only_round(&pool).await;
    let invited: i32 = sqlx::query_scalar("SELECT invited FROM pulse_rounds")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(invited, 1, "only Sales is asked");

    let (_, home) = sales[0].get_html("/").await;
    assert!(visible_text(&home).contains("Team pulse"));
    let (_, home) = finance[0].get_html("/").await;
    assert!(!visible_text(&home).contains("Team pulse"));
    let path = format!("/pulse/rounds/{round}");
    assert_eq!(finance[0].get(&path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        answer(&finance[0], round, "4", "4", "").await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        answer(&sales[0], round, "4", "4", "").await,
        StatusCode::SEE_OTHER
    );

    // Sales was told: a notification (and an email in the outbox).
    let told: i64 =
        sqlx::query_scalar("SELECT count(*) FROM notifications WHERE kind = 'pulse_round'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(told, 1);
    let emailed: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE kind = 'pulse_round'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(emailed, 1);
}

#[sqlx::test]
async fn small_groups_and_small_rounds_show_nothing(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let a = people_in(&app, "a", 6, "Design").await;
    let b = people_in(&app, "b", 2, "Legal").await;
    let c = people_in(&app, "c", 7, "Support").await;
    let hr = app.hr_admin("hr@example.com").await;
    let pulse = create_pulse(&hr, &[("audience", "everyone")]).await;
    let round = only_round(&pool).await;
    for person in a.iter().chain(&b).chain(&c) {
        assert_eq!(
            answer(person, round, "4", "2", "").await,
            StatusCode::SEE_OTHER
        );
    }
    hr.post(&format!("/admin/pulses/{pulse}/close"), &[]).await;
    let (_, page) = hr.get_html(&format!("/admin/pulses/{pulse}")).await;
    let text = visible_text(&page);
    // Legal (2) is hidden, and Design (6) with it: otherwise Legal = total − Design − Support.
    assert_eq!(
        text.matches("Hidden to protect anonymity").count(),
        2,
        "{text}"
    );
    assert!(text.contains("Support 7"), "{text}");
    assert!(!text.contains("Design 6"), "{text}");
    assert!(!text.contains("Legal 2"), "{text}");
    let csv = hr
        .get(&format!("/admin/pulses/{pulse}/results.csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!csv.contains("Design") && !csv.contains("Legal"), "{csv}");

    // A round with fewer answers than the threshold shows nothing at all.
    let app2 = spawn_small_round(&pool).await;
    let (_, page) = hr.get_html(&format!("/admin/pulses/{app2}")).await;
    assert!(
        visible_text(&page).contains("fewer than 5, so nothing is shown"),
        "{}",
        visible_text(&page)
    );
}

/// An answer given in someone's first four weeks in their department counts in a group of its
/// own, not in the department (HR could otherwise move someone beside accounts it answers).
#[sqlx::test]
async fn answers_from_someone_new_to_a_department_count_apart_from_it(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let design = people_in(&app, "d", 6, "Design").await;
    let support = people_in(&app, "s", 7, "Support").await;
    let new = newcomers_in(&app, "n", 5, "Support").await;
    let hr = app.hr_admin("hr@example.com").await;
    let pulse = create_pulse(&hr, &[("audience", "everyone")]).await;
    let round = only_round(&pool).await;
    for person in design.iter().chain(&support).chain(&new) {
        assert_eq!(
            answer(person, round, "4", "2", "").await,
            StatusCode::SEE_OTHER
        );
    }
    let stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM pulse_answers WHERE department IS NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        stored, 5,
        "the newcomers' answers are stored without a department"
    );
    hr.post(&format!("/admin/pulses/{pulse}/close"), &[]).await;
    let (_, page) = hr.get_html(&format!("/admin/pulses/{pulse}")).await;
    let text = visible_text(&page);
    assert!(text.contains("Support 7"), "{text}");
    assert!(
        text.contains("Under four weeks in their department 5"),
        "{text}"
    );
    assert!(!text.contains("Support 12"), "{text}");
}

/// A second pulse (for Design only) where three people answer, then closed by the scheduler's
/// use case.
async fn spawn_small_round(pool: &PgPool) -> Uuid {
    use attune::domain::pulse::{Audience, PulseInput, Repeats};
    let today = Utc::now().date_naive();
    let input = PulseInput {
        title: "Design pulse".into(),
        statements: vec!["One.".into(), "Two.".into()],
        comment_question: String::new(),
        audience: Audience::Departments(vec!["Design".into()]),
        repeats: Repeats::Once,
        first_opens_on: today,
        first_closes_on: today,
        results_public: false,
    };
    let id = attune::db::pulse::insert(pool, &input).await.unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let round = attune::db::pulse::open_round(&mut conn, id, 1, today, today)
        .await
        .unwrap()
        .unwrap();
    let key = attune::config::PulseKey::random();
    let people: Vec<Uuid> =
        sqlx::query_scalar("SELECT id FROM people WHERE department = 'Design' LIMIT 3")
            .fetch_all(pool)
            .await
            .unwrap();
    let design: Vec<attune::domain::people::Person> =
        attune::db::people::find_active(pool, &people)
            .await
            .unwrap();
    for person in &design {
        let answer = attune::domain::pulse::Answer {
            scores: vec![5, 5],
            comment: String::new(),
        };
        attune::app::pulse::answer(pool, &key, person, round, &answer, Utc::now())
            .await
            .unwrap();
    }
    // The day after its last day, the scheduler closes it.
    let tomorrow = Utc::now() + chrono::Duration::days(1);
    assert_eq!(
        attune::app::pulse::close_due_rounds(pool, tomorrow)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        attune::app::pulse::close_due_rounds(pool, tomorrow)
            .await
            .unwrap(),
        0
    );
    id
}

#[sqlx::test]
async fn replicas_open_a_round_once(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    people_in(&app, "p", 3, "Ops").await;
    use attune::domain::pulse::{Audience, PulseInput, Repeats};
    let today = Utc::now().date_naive();
    let input = PulseInput {
        title: "Ops pulse".into(),
        statements: vec!["One.".into(), "Two.".into()],
        comment_question: String::new(),
        audience: Audience::Everyone,
        repeats: Repeats::Quarterly,
        first_opens_on: today,
        first_closes_on: today + Days::new(3),
        results_public: false,
    };
    attune::db::pulse::insert(&pool, &input).await.unwrap();
    let config = attune::config::AppConfig::for_base_url("http://127.0.0.1".parse().unwrap());
    let now = Utc::now();
    let (a, b) = tokio::join!(
        attune::app::pulse::open_due_rounds(&pool, &config, now),
        attune::app::pulse::open_due_rounds(&pool, &config, now)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    let told: i64 =
        sqlx::query_scalar("SELECT count(*) FROM notifications WHERE kind = 'pulse_round'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(told, 3, "each person told once");
}

/// The schema itself keeps answers apart from people: no column or foreign key links
/// `pulse_answers` to people or to `pulse_answered`, neither table has a timestamp or a
/// serial/identity column, and their keys are random.
#[sqlx::test]
async fn the_pulse_tables_cannot_be_joined_to_a_person(pool: PgPool) {
    attune::startup::migrate(&pool).await.unwrap();
    let columns: Vec<(String, String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, column_default::text, \
                is_identity::text \
         FROM information_schema.columns \
         WHERE table_name IN ('pulse_answers', 'pulse_answered') ORDER BY 1, ordinal_position",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let answers: Vec<&str> = columns
        .iter()
        .filter(|c| c.0 == "pulse_answers")
        .map(|c| c.1.as_str())
        .collect();
    assert_eq!(
        answers,
        [
            "id",
            "round_id",
            "answer_key",
            "scores",
            "comment",
            "department",
            "office"
        ]
    );
    let answered: Vec<&str> = columns
        .iter()
        .filter(|c| c.0 == "pulse_answered")
        .map(|c| c.1.as_str())
        .collect();
    assert_eq!(answered, ["round_id", "person_id"]);
    for (table, column, data_type, default, identity) in &columns {
        assert!(
            !data_type.contains("time") && data_type != "date",
            "{table}.{column} is a time"
        );
        assert_eq!(identity, "NO", "{table}.{column} is an identity column");
        let default = default.as_deref().unwrap_or_default();
        for clue in ["now", "nextval", "clock", "time"] {
            assert!(
                !default.contains(clue),
                "{table}.{column} defaults to {default}"
            );
        }
    }
    // Foreign keys from the answers: only to their round.
    let references: Vec<(String, String)> = sqlx::query_as(
        "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint \
         WHERE contype = 'f' AND conrelid::regclass::text IN ('pulse_answers', 'pulse_answered') \
         ORDER BY 1, 2",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        references,
        [
            ("pulse_answered".to_string(), "people".to_string()),
            ("pulse_answered".to_string(), "pulse_rounds".to_string()),
            ("pulse_answers".to_string(), "pulse_rounds".to_string()),
        ]
    );
    // No trigger copies anything between them.
    let triggers: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal \
         AND tgrelid::regclass::text IN ('pulse_answers', 'pulse_answered')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(triggers, 0);
}

#[sqlx::test]
async fn shared_results_are_for_everyone_only_when_hr_chooses(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    let employee = app.employee("employee@example.com").await;
    let private = create_pulse(&hr, &[("audience", "everyone")]).await;
    let shared = create_pulse(&hr, &[("audience", "everyone"), ("results_public", "on")]).await;
    let private_path = format!("/pulse/results/{private}");
    assert_eq!(
        employee.get(&private_path).await.status(),
        StatusCode::NOT_FOUND
    );
    let (status, page) = employee.get_html(&format!("/pulse/results/{shared}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(visible_text(&page).contains("Team pulse"));
    assert!(!page.contains("/close"), "no HR actions on the shared page");
}

#[sqlx::test]
async fn the_anonymity_threshold_is_a_setting_of_at_least_three(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    let (status, page) = hr
        .post_html(
            "/admin/settings",
            &[("retake_interval_days", "30"), ("anonymity_threshold", "2")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&page).contains("The threshold can't be below 3"));
    assert!(page.contains("value=\"2\""));
    common::set_threshold(&hr, 8).await;
    let (_, page) = hr.get_html("/admin/insights").await;
    assert!(
        visible_text(&page).contains("at least 8 people"),
        "{}",
        visible_text(&page)
    );
    let (_, page) = hr.get_html("/admin/pulses/new").await;
    assert!(visible_text(&page).contains("at least 8 people answered"));

    // The Insights page's figures come as CSV too, aggregates only.
    attune::app::insights::refresh(&pool, Utc::now(), chrono::Duration::zero())
        .await
        .unwrap();
    let response = hr.get("/admin/insights.csv").await;
    assert_eq!(response.status(), StatusCode::OK);
    let csv = response.text().await.unwrap();
    assert!(
        csv.starts_with("section,group,people,figure,value\n"),
        "{csv}"
    );
    assert!(
        csv.contains("Participation,Everyone,,active people,1"),
        "{csv}"
    );
}
