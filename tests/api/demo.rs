//! `attune demo` fills an empty database with a believable company, and only an empty one.

use sqlx::PgPool;

#[sqlx::test]
async fn the_demo_fills_an_empty_database_once(pool: PgPool) {
    attune::demo::run(&pool)
        .await
        .expect("the demo runs on an empty database");

    let (people, hr, organizers, departments, offices): (i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE is_hr_admin), count(*) FILTER (WHERE is_organizer),
                count(DISTINCT department), count(DISTINCT office) FROM people",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((people, departments, offices), (60, 4, 3));
    assert!(hr >= 1 && organizers >= 1);

    // Quiz history: most people took it once or twice, with varied totals.
    let (with_attempts, twice, distinct_totals): (i64, i64, i64) = sqlx::query_as(
        "SELECT count(DISTINCT person_id),
                (SELECT count(*) FROM (SELECT person_id FROM quiz_attempts GROUP BY person_id HAVING count(*) = 2) t),
                count(DISTINCT total) FROM quiz_attempts",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!((40..60).contains(&with_attempts), "{with_attempts}");
    assert!(twice >= 20, "{twice}");
    assert!(distinct_totals >= 8, "{distinct_totals}");

    // Plans with saved and completed items.
    let (saved, done): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE status = 'saved'), count(*) FILTER (WHERE status = 'done') FROM plan_items",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(saved >= 30 && done >= 15, "{saved} saved, {done} done");

    // Story nights: past and upcoming in the three offices, a full one with a waitlist,
    // pitches in every state, lineups, and one draft and one cancelled evening.
    let (past_offices, upcoming_offices, drafts, cancelled): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT count(DISTINCT office) FILTER (WHERE ends_at < now() AND office <> ''),
                count(DISTINCT office) FILTER (WHERE starts_at > now() AND status = 'published' AND office <> ''),
                count(*) FILTER (WHERE status = 'draft'), count(*) FILTER (WHERE status = 'cancelled')
         FROM events",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((past_offices, upcoming_offices), (3, 3));
    assert_eq!((drafts, cancelled), (1, 1));
    let (waitlisted, pitch_states, lineup, notes): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM event_rsvps WHERE status = 'waitlisted'),
                (SELECT count(DISTINCT status) FROM event_pitches),
                (SELECT count(*) FROM event_pitches WHERE lineup_position IS NOT NULL),
                (SELECT count(*) FROM event_resonance_notes)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(waitlisted >= 3, "{waitlisted}");
    assert_eq!(pitch_states, 3, "submitted, accepted and declined pitches");
    assert!(
        lineup >= 10 && notes >= 3,
        "{lineup} in lineups, {notes} notes"
    );

    // Recognition: a lively wall over several months, many across teams, appreciated.
    let figures: (i64, i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE status = 'published'),
                count(*) FILTER (WHERE status = 'published' AND visibility = 'wall'),
                count(*) FILTER (WHERE cross_team),
                count(DISTINCT date_trunc('month', created_at)),
                count(*) FILTER (WHERE status = 'pending'),
                (SELECT count(DISTINCT recognition_id) FROM recognition_appreciations)
         FROM recognitions",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let (published, on_wall, cross_team, months, pending, appreciated) = figures;
    assert!(published >= 120 && on_wall >= 100, "{published} {on_wall}");
    assert!(
        cross_team * 3 >= published,
        "a third across teams: {cross_team}"
    );
    assert!(months >= 5, "{months}");
    assert!(pending >= 1 && appreciated >= 50, "{pending} {appreciated}");
    let rounds: i64 = sqlx::query_scalar("SELECT count(*) FROM spotlight_rounds")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rounds, 4, "past spotlight rounds");

    let again = attune::demo::run(&pool).await;
    assert!(
        again
            .unwrap_err()
            .to_string()
            .contains("already holds people")
    );
    assert_eq!(attune::db::people::count(&pool).await.unwrap(), 60);
}
