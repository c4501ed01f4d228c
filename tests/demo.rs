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

    let again = attune::demo::run(&pool).await;
    assert!(
        again
            .unwrap_err()
            .to_string()
            .contains("already holds people")
    );
    assert_eq!(attune::db::people::count(&pool).await.unwrap(), 60);
}
