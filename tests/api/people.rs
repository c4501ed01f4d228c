//! HR admins managing people: validation, CSV import, roles, deactivation, search.

use crate::common;

use attune::domain::people::Roles;
use common::{Browser, find_link, location, spawn_app, visible_text};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use sqlx::PgPool;

async fn upload(browser: &Browser, csv: &str) -> (StatusCode, String) {
    let form = Form::new().part(
        "file",
        Part::bytes(csv.as_bytes().to_vec())
            .file_name("people.csv")
            .mime_str("text/csv")
            .unwrap(),
    );
    let response = browser
        .client
        .post(browser.url("/admin/people/import"))
        .header("origin", &browser.address)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}

async fn people_count(pool: &PgPool) -> i64 {
    attune::db::people::count(pool).await.unwrap()
}

#[sqlx::test]
async fn bad_input_is_shown_next_to_each_field_and_nothing_is_stored(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    let before = people_count(&pool).await;

    let (status, html) = hr
        .post_html(
            "/admin/people",
            &[
                ("display_name", "Bruno <b>Rossi</b>"),
                ("email", "bruno-at-example"),
                ("department", "Finance"),
                ("time_zone", "Europe/Atlantis"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&html);
    assert!(text.contains("Enter an email address like name@example.com"));
    assert!(text.contains("is not a time zone we know"));
    // What was typed is kept, escaped.
    assert!(html.contains(r#"value="bruno-at-example""#));
    assert!(html.contains(r#"value="Finance""#));
    assert!(
        html.contains("Bruno &lt;b&gt;Rossi&lt;/b&gt;") || html.contains("Bruno &#60;b&#62;Rossi")
    );
    assert!(!html.contains("<b>Rossi</b>"));
    assert!(html.contains(r#"aria-invalid="true""#));
    assert_eq!(people_count(&pool).await, before);

    // An email already in use, in another case, is refused the same way.
    let (status, html) = hr
        .post_html(
            "/admin/people",
            &[
                ("display_name", "Another HR"),
                ("email", "HR@Example.com"),
                ("time_zone", "UTC"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("already in Attune"));
    assert_eq!(people_count(&pool).await, before);
}

#[sqlx::test]
async fn a_csv_with_more_than_20000_people_is_refused_with_a_clear_message(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    let before = people_count(&pool).await;
    let mut csv = String::from("email,name\n");
    for i in 0..20_001 {
        csv.push_str(&format!("p{i}@example.com,Person {i}\n"));
    }
    let (status, html) = upload(&hr, &csv).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&html);
    assert!(
        text.contains("The file has more than 20,000 people"),
        "{text}"
    );
    assert_eq!(people_count(&pool).await, before, "nobody was imported");
}

#[sqlx::test]
async fn csv_import_reports_bad_rows_by_line_and_imports_the_rest(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    app.create_person("existing@example.com", "Esther Existing", Roles::default())
        .await;

    let csv = "email,name,department,office,time_zone\n\
               amara@example.com,Amara Okafor,Engineering,London,Europe/London\n\
               broken-email,Ben Lindqvist,Finance,Toronto,America/Toronto\n\
               existing@example.com,Esther Again,,,\n\
               chen@example.com,Wen Chen,Customer Success,Singapore,Asia/Singapore\n\
               dina@example.com,,,,\n\
               amara@example.com,Amara Twice,,,\n";
    let (status, html) = upload(&hr, csv).await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&html);
    assert!(text.contains("2 imported, 4 not imported"), "{text}");
    for (line, reason) in [
        ("3", "Enter an email address"),
        ("4", "existing@example.com is already in Attune"),
        ("6", "Enter a name"),
        ("7", "amara@example.com appears earlier in this file"),
    ] {
        assert!(
            text.contains(&format!("{line} {reason}")),
            "line {line}: {reason}\n{text}"
        );
    }
    // Each imported person got an invitation link that works.
    let link = find_link(&html, &format!("{}/invite/", app.address)).unwrap();
    let (status, page) = app
        .browser()
        .get_html(link.strip_prefix(&app.address).unwrap())
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(visible_text(&page).contains("Hello, Amara"));

    let imported: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT email, office, time_zone FROM people WHERE email IN ('amara@example.com', 'chen@example.com') ORDER BY email",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        imported,
        vec![
            (
                "amara@example.com".into(),
                "London".into(),
                "Europe/London".into()
            ),
            (
                "chen@example.com".into(),
                "Singapore".into(),
                "Asia/Singapore".into()
            ),
        ]
    );
}

#[sqlx::test]
async fn a_file_without_the_header_is_refused_with_a_reason(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    let before = people_count(&pool).await;
    let (status, html) = upload(&hr, "amara@example.com,Amara Okafor\n").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("The first line must be a header"));
    let (status, html) = upload(&hr, "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("Choose a CSV file"));
    assert_eq!(people_count(&pool).await, before);
}

#[sqlx::test]
async fn hr_edits_details_and_roles_but_cannot_lock_themselves_out(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;
    let id = app
        .create_person("sana@example.com", "Sana Patel", Roles::default())
        .await;

    let response = hr
        .post(
            &format!("/admin/people/{id}"),
            &[
                ("display_name", "Sana Patel-Ahmed"),
                ("email", "sana@example.com"),
                ("department", "People & Culture"),
                ("office", "London"),
                ("time_zone", "Europe/London"),
                ("organizer", "on"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = hr.get_html(&location(&response)).await;
    let text = visible_text(&html);
    assert!(text.contains("Sana Patel-Ahmed"));
    assert!(text.contains("Organizer"));
    let sana = app.browser();
    sana.sign_in("sana@example.com", common::PASSWORD).await;
    let (_, home) = sana.get_html("/").await;
    assert!(visible_text(&home).contains("Employee · Organizer"));

    // An HR admin can't remove their own HR role or deactivate themselves.
    let me: uuid::Uuid = sqlx::query_scalar("SELECT id FROM people WHERE email = 'hr@example.com'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let (status, html) = hr
        .post_html(
            &format!("/admin/people/{me}"),
            &[
                ("display_name", "H R"),
                ("email", "hr@example.com"),
                ("time_zone", "UTC"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&html).contains("can't remove your own HR admin role"));
    let (status, html) = hr
        .post_html(&format!("/admin/people/{me}/deactivate"), &[])
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(visible_text(&html).contains("can't deactivate your own account"));
    assert_eq!(hr.get("/admin/people").await.status(), StatusCode::OK);
}

#[sqlx::test]
async fn the_people_list_searches_filters_and_paginates(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("aaron.hr@example.com").await;
    let mut csv = String::from("email,name\n");
    for i in 0..30 {
        csv.push_str(&format!("person{i:02}@example.com,Person {i:02}\n"));
    }
    upload(&hr, &csv).await;

    let (_, first) = hr.get_html("/admin/people").await;
    let first = visible_text(&first);
    assert!(first.contains("Page 1 of 2 · 31 in all"), "{first}");
    let (_, second) = hr.get_html("/admin/people?page=2").await;
    let second = visible_text(&second);
    assert!(second.contains("Person 29"));
    assert!(!second.contains("Person 05"));

    let (_, found) = hr.get_html("/admin/people?q=person07").await;
    let found = visible_text(&found);
    assert!(found.contains("Person 07"));
    assert!(!found.contains("Person 08"));

    let (_, invited) = hr.get_html("/admin/people?status=active").await;
    assert!(
        !visible_text(&invited).contains("Person 01"),
        "imported people are still invited"
    );

    let (status, nothing) = hr.get_html("/admin/people?q=%25%25&page=abc").await;
    assert_eq!(status, StatusCode::OK);
    assert!(visible_text(&nothing).contains("No one matches"));
}

#[sqlx::test]
async fn invitation_links_are_only_for_people_who_have_not_joined(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let hr = app.hr_admin("hr@example.com").await;

    // Someone who has joined: no link can be made that would sign in as them.
    let joined = app
        .create_person("joined@example.com", "Jo Ined", Roles::default())
        .await;
    let (status, html) = hr
        .post_html(&format!("/admin/people/{joined}/invitation"), &[])
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(visible_text(&html).contains("has already set a password"));
    let (_, page) = hr.get_html(&format!("/admin/people/{joined}")).await;
    assert!(!visible_text(&page).contains("Create a new invitation link"));

    // Someone invited: a new link replaces the old one, which stops working.
    let response = hr
        .post(
            "/admin/people",
            &[
                ("display_name", "New Person"),
                ("email", "new@example.com"),
                ("time_zone", "UTC"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let first = find_link(
        &response.text().await.unwrap(),
        &format!("{}/invite/", app.address),
    )
    .unwrap();
    let id: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM people WHERE email = 'new@example.com'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let (status, html) = hr
        .post_html(&format!("/admin/people/{id}/invitation"), &[])
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let second = find_link(&html, &format!("{}/invite/", app.address)).unwrap();
    assert_ne!(first, second);
    let visitor = app.browser();
    let path = |link: &str| link.strip_prefix(&app.address).unwrap().to_string();
    assert_eq!(
        visitor.get(&path(&first)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(visitor.get(&path(&second)).await.status(), StatusCode::OK);

    // The link is never kept in the session store.
    let token = second.rsplit('/').next().unwrap();
    let stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM sessions WHERE position($1 in data::text) > 0")
            .bind(token)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(stored, 0);
}
