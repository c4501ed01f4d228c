//! `attune demo`: a believable sample company for exploring Attune.
//!
//! Each feature adds its sample data in its own submodule, called from [`run`] with the
//! people created here. Randomness is seeded, so every demo company is the same.

mod connect;
mod events;
mod practice;
mod pulse;
mod quiz;
mod recognition;
mod resources;
mod scale;

use anyhow::Context;
use chrono_tz::Tz;
use rand::SeedableRng;
use rand::rngs::StdRng;
use sqlx::{ConnectOptions, Connection, PgPool};
use uuid::Uuid;

use crate::db;
use crate::domain::people::{DisplayName, Email, NewPerson, Roles};
use crate::secrets;

/// The password every demo account shares (demo data only).
pub const DEMO_PASSWORD: &str = "demo-lantern-harbour-2026";
const DOMAIN: &str = "northwind.example";

const DEPARTMENTS: [&str; 4] = [
    "Engineering",
    "Customer Success",
    "People & Culture",
    "Finance",
];
const OFFICES: [(&str, Tz); 3] = [
    ("London", Tz::Europe__London),
    ("Toronto", Tz::America__Toronto),
    ("Singapore", Tz::Asia__Singapore),
];
const FIRST_NAMES: [&str; 60] = [
    "Amara",
    "Ben",
    "Chiara",
    "Daniel",
    "Elif",
    "Farah",
    "Gabriel",
    "Hana",
    "Isaac",
    "Jia",
    "Kofi",
    "Lena",
    "Mateo",
    "Nadia",
    "Oliver",
    "Priya",
    "Quentin",
    "Rosa",
    "Samuel",
    "Tomás",
    "Uma",
    "Victor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Aditya",
    "Beatriz",
    "Callum",
    "Dina",
    "Emeka",
    "Freya",
    "Grace",
    "Hiro",
    "Ines",
    "Jonah",
    "Kemi",
    "Liam",
    "Mei",
    "Noor",
    "Owen",
    "Paloma",
    "Rafael",
    "Sana",
    "Theo",
    "Valentina",
    "William",
    "Yara",
    "Zain",
    "Aiko",
    "Bruno",
    "Clara",
    "Dev",
    "Esther",
    "Finn",
    "Gloria",
    "Hamza",
    "Ivy",
    "Jasper",
    "Keira",
];
const LAST_NAMES: [&str; 20] = [
    "Okafor",
    "Lindqvist",
    "Moretti",
    "Chen",
    "Yilmaz",
    "Haddad",
    "Silva",
    "Tanaka",
    "Mensah",
    "Novak",
    "García",
    "Patel",
    "O'Brien",
    "Kowalski",
    "Nguyen",
    "Schmidt",
    "Ahmed",
    "Rossi",
    "Dubois",
    "Fernandes",
];

fn email_part(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            'á' => Some('a'),
            'í' => Some('i'),
            'é' => Some('e'),
            'ó' => Some('o'),
            'ñ' => Some('n'),
            '\'' => None,
            c => Some(c.to_ascii_lowercase()),
        })
        .collect()
}

/// A demo person as stored.
pub struct DemoPerson {
    pub id: Uuid,
    pub person: NewPerson,
}

/// The sample people: 60 across 4 departments and 3 offices, with 2 HR admins and 4 organizers.
pub fn sample_people() -> Vec<NewPerson> {
    FIRST_NAMES
        .iter()
        .enumerate()
        .map(|(i, first)| {
            let last = LAST_NAMES[(i * 7) % LAST_NAMES.len()];
            let (office, zone) = OFFICES[i % OFFICES.len()];
            let department = DEPARTMENTS[(i / 3) % DEPARTMENTS.len()];
            let email = format!("{}.{}@{DOMAIN}", email_part(first), email_part(last));
            NewPerson {
                email: Email::parse(&email).expect("demo emails are valid"),
                display_name: DisplayName::parse(&format!("{first} {last}"))
                    .expect("demo names are valid"),
                department: department.to_string(),
                office: office.to_string(),
                time_zone: zone,
                roles: Roles {
                    hr_admin: i < 2,
                    organizer: (2..6).contains(&i) || i == 0,
                },
            }
        })
        .collect()
}

/// Fills an empty database with the sample company, grown to `size` people when that is
/// more than the 60 hand-made ones (see `scale`). Refuses when people already exist.
pub async fn run(pool: &PgPool, size: Option<i64>) -> anyhow::Result<()> {
    if db::people::count(pool).await? > 0 {
        anyhow::bail!(
            "this database already holds people; the demo only fills an empty database (use a fresh DATABASE_URL)"
        );
    }
    let hash = secrets::hash_password(DEMO_PASSWORD.to_string()).await?;
    let people = sample_people();
    let mut rng = StdRng::seed_from_u64(2026);
    // One connection of its own: a large company's bulk statements take seconds each, which
    // is expected here and not worth a warning in the log.
    let options = (*pool.connect_options())
        .clone()
        .log_slow_statements(log::LevelFilter::Debug, std::time::Duration::from_secs(1));
    let mut conn = sqlx::PgConnection::connect_with(&options).await?;
    let mut tx = conn.begin().await?;
    let mut created = Vec::with_capacity(people.len());
    for person in &people {
        let id = db::people::insert(&mut *tx, person, Some(&hash))
            .await
            .context("adding a demo person")?;
        created.push(DemoPerson {
            id,
            person: person.clone(),
        });
    }
    let ids: Vec<_> = created.iter().map(|p| p.id).collect();
    db::scale::settle_in_groups(
        &mut tx,
        &ids,
        chrono::Utc::now() - chrono::Duration::days(730),
    )
    .await?;
    quiz::seed(&mut tx, &created, &mut rng).await?;
    resources::seed(&mut tx, &created, &mut rng).await?;
    events::seed(&mut tx, &created, &mut rng).await?;
    recognition::seed(&mut tx, &created, &mut rng).await?;
    practice::seed(&mut tx, &created, &mut rng).await?;
    connect::seed(&mut tx, &created, &mut rng).await?;
    pulse::seed(&mut tx, &created, &mut rng).await?;
    let total = size.unwrap_or(0).max(people.len() as i64);
    if total > people.len() as i64 {
        println!("Growing the company to {total} people:");
        let extra = total - people.len() as i64;
        scale::grow(&mut tx, extra, &hash, &mut rng, chrono::Utc::now()).await?;
    }
    tx.commit().await?;
    if total > people.len() as i64 {
        let mut conn = pool.acquire().await?;
        db::scale::analyze(&mut conn).await?;
    }

    let find = |pred: fn(&NewPerson) -> bool| {
        people
            .iter()
            .find(|p| pred(p))
            .map(|p| p.email.to_string())
            .unwrap_or_default()
    };
    println!("Demo company created: {total} people at Northwind.");
    println!("Sign in with any of these (password for all: {DEMO_PASSWORD}):");
    println!("  HR admin:  {}", find(|p| p.roles.hr_admin));
    println!(
        "  Organizer: {}",
        find(|p| p.roles.organizer && !p.roles.hr_admin)
    );
    println!(
        "  Employee:  {}",
        find(|p| !p.roles.organizer && !p.roles.hr_admin)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn the_sample_company_is_varied_and_unique() {
        let people = sample_people();
        assert_eq!(people.len(), 60);
        let emails: HashSet<_> = people.iter().map(|p| p.email.clone()).collect();
        assert_eq!(emails.len(), 60, "demo emails must be unique");
        let departments: HashSet<_> = people.iter().map(|p| p.department.clone()).collect();
        let offices: HashSet<_> = people.iter().map(|p| p.office.clone()).collect();
        let zones: HashSet<_> = people.iter().map(|p| p.time_zone).collect();
        assert_eq!((departments.len(), offices.len(), zones.len()), (4, 3, 3));
        assert!(people.iter().any(|p| p.roles.hr_admin));
        assert!(
            people
                .iter()
                .any(|p| p.roles.organizer && !p.roles.hr_admin)
        );
        assert!(
            people
                .iter()
                .any(|p| !p.roles.organizer && !p.roles.hr_admin)
        );
    }
}
