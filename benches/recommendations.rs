//! Recommendation speed on a large install: 10,000 resources and 100,000 people.
//!
//!     cargo bench --bench recommendations
//!
//! Creates (and afterwards drops) the database `attune_bench` on the server in DATABASE_URL
//! (default postgres://postgres@127.0.0.1:5432/postgres), fills it with SQL, then measures
//! (1) choosing recommendations for one person (the queries plus the ranking) and (2) the whole
//! signed-in results page over HTTP, which shows those recommendations. Prints percentiles.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use attune::config::AppConfig;
use sqlx::PgPool;
use sqlx::migrate::MigrateDatabase;
use uuid::Uuid;

const PEOPLE: i64 = 100_000;
const RESOURCES: i64 = 10_000;
const SAMPLES: usize = 300;

fn main() -> anyhow::Result<()> {
    // `cargo test --all-targets` builds and runs benches without --bench: do nothing then.
    if !std::env::args().any(|a| a == "--bench") {
        println!("recommendations bench: run with `cargo bench --bench recommendations`");
        return Ok(());
    }
    tokio::runtime::Runtime::new()?.block_on(run())
}

fn bench_url() -> String {
    let base = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    match base.rfind('/') {
        Some(i) => format!("{}/attune_bench", &base[..i]),
        None => base,
    }
}

async fn run() -> anyhow::Result<()> {
    let url = bench_url();
    if sqlx::Postgres::database_exists(&url).await? {
        sqlx::Postgres::drop_database(&url).await?;
    }
    let pool = attune::startup::prepare_database(&url).await?;
    let started = Instant::now();
    seed(&pool).await?;
    println!(
        "seeded {PEOPLE} people, {RESOURCES} resources in {:.1?}",
        started.elapsed()
    );

    let ids: Vec<Uuid> =
        sqlx::query_scalar("SELECT person_id FROM quiz_attempts ORDER BY random() LIMIT $1")
            .bind(SAMPLES as i64)
            .fetch_all(&pool)
            .await?;
    let mut timings = Vec::with_capacity(SAMPLES);
    for id in &ids {
        let person = attune::db::people::find(&pool, *id).await?.expect("seeded");
        let t = Instant::now();
        let latest = attune::db::quiz::latest(&pool, person.id).await?;
        let recs = attune::app::resources::recommend_for(&pool, &person, latest.as_ref())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        timings.push(t.elapsed());
        assert!(!recs.is_empty(), "every seeded person gets recommendations");
    }
    report("recommend_for (queries + ranking)", &mut timings);

    // The whole results page over HTTP, signed in.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = format!("http://{}", listener.local_addr()?);
    let app = attune::startup::app(pool.clone(), AppConfig::for_base_url(address.parse()?));
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .ok();
    });
    let person_id = ids[0];
    let hash = attune::secrets::hash_password("bench passphrase lantern".into()).await?;
    attune::db::people::set_password(&pool, person_id, &hash).await?;
    let email: String = sqlx::query_scalar("SELECT email FROM people WHERE id = $1")
        .bind(person_id)
        .fetch_one(&pool)
        .await?;
    let attempt: Uuid =
        sqlx::query_scalar("SELECT id FROM quiz_attempts WHERE person_id = $1 LIMIT 1")
            .bind(person_id)
            .fetch_one(&pool)
            .await?;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let login = client
        .post(format!("{address}/login"))
        .form(&[
            ("email", email.as_str()),
            ("password", "bench passphrase lantern"),
            ("next", "/"),
        ])
        .send()
        .await?;
    assert_eq!(login.status().as_u16(), 303, "signed in");
    let mut timings = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let t = Instant::now();
        let response = client
            .get(format!("{address}/quiz/attempts/{attempt}"))
            .send()
            .await?;
        assert!(response.status().is_success());
        response.bytes().await?;
        timings.push(t.elapsed());
    }
    report(
        "GET /quiz/attempts/{id} (signed in, full page)",
        &mut timings,
    );

    pool.close().await;
    sqlx::Postgres::drop_database(&url).await?;
    Ok(())
}

fn report(what: &str, timings: &mut [Duration]) {
    timings.sort();
    let pct = |p: f64| timings[((timings.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{what}: n={} p50={:.2?} p95={:.2?} p99={:.2?} max={:.2?}",
        timings.len(),
        pct(0.50),
        pct(0.95),
        pct(0.99),
        timings[timings.len() - 1]
    );
}

/// Fills the database with SQL: varied departments, offices, quiz results, resources with
/// every kind of targeting, and plans.
async fn seed(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO people (id, email, display_name, department, office, time_zone)
         SELECT gen_random_uuid(), 'person' || n || '@bench.example', 'Person ' || n,
                (ARRAY['Engineering','Finance','Sales','Support','People'])[1 + n % 5],
                (ARRAY['London','Toronto','Singapore'])[1 + n % 3], 'UTC'
         FROM generate_series(1, $1) AS n",
    )
    .bind(PEOPLE)
    .execute(pool)
    .await?;
    sqlx::query(
        "INSERT INTO quiz_attempts (id, person_id, instrument_version, answers, total,
             emotional_contagion, emotion_comprehension, sympathetic_arousal, conspecific_altruism,
             submission_key, taken_at)
         SELECT gen_random_uuid(), id, 1, ARRAY[2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2]::smallint[],
                20 + (random() * 40)::int, random() * 4, random() * 4, random() * 4, random() * 4,
                gen_random_uuid(), now() - (random() * interval '300 days')
         FROM people",
    )
    .execute(pool)
    .await?;
    sqlx::query(
        "INSERT INTO resources (id, title, kind, url, description, minutes, aspects,
             max_aspect_percent, max_total, departments, offices)
         SELECT gen_random_uuid(), 'Resource ' || n,
                (ARRAY['article','book','video','course','exercise'])[1 + n % 5],
                'https://example.com/r/' || n, 'A resource for the benchmark.', 5 + n % 120,
                CASE n % 4 WHEN 0 THEN ARRAY['emotional-contagion']
                           WHEN 1 THEN ARRAY['emotion-comprehension', 'conspecific-altruism']
                           WHEN 2 THEN ARRAY['sympathetic-arousal']
                           ELSE ARRAY['conspecific-altruism'] END,
                CASE WHEN n % 7 = 0 THEN 60 END, CASE WHEN n % 11 = 0 THEN 50 END,
                CASE WHEN n % 13 = 0 THEN ARRAY['Finance'] ELSE '{}' END,
                CASE WHEN n % 17 = 0 THEN ARRAY['Toronto'] ELSE '{}' END
         FROM generate_series(1, $1) AS n",
    )
    .bind(RESOURCES)
    .execute(pool)
    .await?;
    // Plans: many people have finished or dismissed some of the most recommended resources.
    sqlx::query(
        "INSERT INTO plan_items (person_id, resource_id, status, done_on)
         SELECT p.id, r.id,
                CASE WHEN hashtext(p.id::text || r.id::text) % 2 = 0 THEN 'done' ELSE 'dismissed' END,
                CASE WHEN hashtext(p.id::text || r.id::text) % 2 = 0 THEN current_date END
         FROM (SELECT id FROM people TABLESAMPLE SYSTEM (20)) p
         CROSS JOIN LATERAL (SELECT id FROM resources ORDER BY created_at DESC LIMIT 3) r
         ON CONFLICT DO NOTHING",
    )
    .execute(pool)
    .await?;
    sqlx::query("ANALYZE").execute(pool).await?;
    Ok(())
}
