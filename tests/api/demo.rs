//! `attune demo` fills an empty database with a believable company, and only an empty one.

use sqlx::PgPool;

#[sqlx::test]
async fn the_demo_fills_an_empty_database_once(pool: PgPool) {
    attune::demo::run(&pool, None)
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

    // Practice: two exercises (one a colleague's named role story), a story waiting for HR,
    // the calendar with history, an open takeaway board, participants and a few journals.
    let (exercises, from_story, waiting, months, takeaways, accepted, journals): (
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
    ) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM practice_exercises),
                (SELECT count(*) FROM practice_exercises e JOIN practice_role_stories s
                   ON s.id = e.story_id WHERE s.named),
                (SELECT count(*) FROM practice_role_stories WHERE status = 'submitted'),
                (SELECT count(*) FROM practice_challenges),
                (SELECT max(n) FROM (SELECT count(*) AS n FROM practice_takeaways GROUP BY exercise_id) t),
                (SELECT count(DISTINCT person_id) FROM practice_acceptances),
                (SELECT count(DISTINCT person_id) FROM practice_journal)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((exercises, from_story, waiting, months), (2, 1, 1, 14));
    assert!(takeaways >= 5, "an open board: {takeaways}");
    assert!(
        accepted >= 15 && journals >= 5,
        "{accepted} took part, {journals} journals"
    );

    // A pulse check with three closed rounds whose first statement grows warmer each time.
    let favourable: Vec<(i32, i64, i64)> = sqlx::query_as(
        "SELECT r.number, s.respondents::int8, (s.counts[4] + s.counts[5])::int8 \
         FROM pulse_results s JOIN pulse_rounds r ON r.id = s.round_id \
         WHERE s.grouping = 'everyone' AND NOT r.open ORDER BY r.number",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(favourable.len(), 3, "{favourable:?}");
    let shares: Vec<f64> = favourable
        .iter()
        .map(|(_, n, agree)| *agree as f64 / *n as f64)
        .collect();
    assert!(shares[0] < shares[2], "a visible trend: {shares:?}");
    assert!(
        favourable.iter().all(|(_, n, _)| *n >= 30),
        "{favourable:?}"
    );

    let again = attune::demo::run(&pool, None).await;
    assert!(
        again
            .unwrap_err()
            .to_string()
            .contains("already holds people")
    );
    assert_eq!(attune::db::people::count(&pool).await.unwrap(), 60);
}

#[sqlx::test]
async fn the_demo_grows_to_any_size_with_history_and_figures_that_add_up(pool: PgPool) {
    attune::demo::run(&pool, Some(500)).await.unwrap();
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(count("SELECT count(*) FROM people").await, 500);
    assert!(count("SELECT count(DISTINCT department) FROM people").await >= 20);
    // About three attempts per person over the year, each scored like a real one.
    let attempts = count("SELECT count(*) FROM quiz_attempts").await;
    assert!((800..=1600).contains(&attempts), "{attempts}");
    let rows: Vec<(Vec<i16>, i16)> = sqlx::query_as("SELECT answers, total FROM quiz_attempts")
        .fetch_all(&pool)
        .await
        .unwrap();
    for (answers, total) in rows {
        let mut raw = [None; 16];
        for (slot, answer) in raw.iter_mut().zip(&answers) {
            *slot = Some(i64::from(*answer));
        }
        let answers = attune::domain::teq::Answers::parse(&raw).unwrap();
        assert_eq!(i16::from(attune::domain::teq::score(&answers).total), total);
    }
    assert!(count("SELECT count(*) FROM resources").await >= 10_000);
    assert!(count("SELECT count(*) FROM plan_items").await >= 800);
    assert!(count("SELECT count(*) FROM events").await >= 2_000);
    assert!(count("SELECT count(*) FROM event_rsvps").await >= 500);
    assert!(count("SELECT count(*) FROM event_pitches").await >= 100);
    let recognitions = count("SELECT count(*) FROM recognitions").await;
    assert!(recognitions >= 4_400, "{recognitions}");
    // No story night is over capacity.
    assert_eq!(
        count("SELECT count(*) FROM events WHERE going_count > capacity").await,
        0
    );
    // The figures kept by triggers agree with the rows after the bulk load, and the triggers
    // are back on afterwards.
    let figures_agree = || async {
        count(
            "SELECT count(*) FROM (SELECT recipient_department AS name, count(*) AS n \
             FROM recognitions WHERE status = 'published' GROUP BY 1) r \
             FULL JOIN (SELECT name, sum(received) AS n FROM recognition_tallies \
                        WHERE grouping = 'department' GROUP BY 1 HAVING sum(received) <> 0) t \
             USING (name) WHERE r.n IS DISTINCT FROM t.n",
        )
        .await
            + count(
                "SELECT count(*) FROM (SELECT department AS name, count(*) AS n FROM people \
                 WHERE active GROUP BY 1) p FULL JOIN (SELECT name, people AS n FROM group_sizes \
                 WHERE grouping = 'department' AND people <> 0) g USING (name) \
                 WHERE p.n IS DISTINCT FROM g.n",
            )
            .await
            + count(
                "SELECT count(*) FROM (SELECT person_status(active, password_hash IS NOT NULL) AS name, \
                 count(*) AS n FROM people GROUP BY 1) p FULL JOIN (SELECT name, people AS n \
                 FROM group_sizes WHERE grouping = 'status' AND people <> 0) g USING (name) \
                 WHERE p.n IS DISTINCT FROM g.n",
            )
            .await
            + count(
                "SELECT count(*) FROM people p WHERE last_recognised_at IS DISTINCT FROM \
                 (SELECT max(created_at) FROM recognitions r \
                  WHERE r.recipient_id = p.id AND r.status = 'published')",
            )
            .await
    };
    assert_eq!(figures_agree().await, 0);
    sqlx::query(
        "UPDATE recognitions SET status = 'removed' WHERE id IN \
         (SELECT id FROM recognitions WHERE status = 'published' ORDER BY id LIMIT 50)",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE people SET active = false WHERE id IN (SELECT id FROM people ORDER BY id LIMIT 20)",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(
        figures_agree().await,
        0,
        "the triggers keep them after changes"
    );
    assert_eq!(
        count("SELECT count(*) FROM spotlight_rounds").await,
        8,
        "the last eight weeks"
    );
    // Conversations: three rounds with most people paired; two circle programmes.
    assert_eq!(count("SELECT count(*) FROM pair_rounds").await, 3);
    assert!(count("SELECT count(*) FROM pair_groups").await >= 40);
    assert!(count("SELECT count(*) FROM pair_groups WHERE outcome = 'happened'").await >= 10);
    assert_eq!(count("SELECT count(*) FROM circle_programmes").await, 2);
    assert!(count("SELECT count(*) FROM circles").await >= 3);
    assert!(count("SELECT count(*) FROM circle_reviews").await >= 6);
}
