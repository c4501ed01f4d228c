//! Signing in with the identity provider: who the verified identity is in Attune (matched by
//! the provider's `sub` once linked, the first time by a verified email), creating newcomers
//! when HR's domain rule admits them, and refreshing department, office and time zone.

use sqlx::PgPool;

use crate::db;
use crate::domain::people::{NewPerson, Person, Roles};
use crate::domain::sso::{self as rules, Identity, Refusal};
use crate::error::AppResult;

/// How an SSO sign-in ended.
#[derive(Debug)]
pub enum SsoSignIn {
    Welcome(Person),
    Refused(Refusal),
}

/// Finds (or, under the domain rule, creates) the person a verified identity belongs to, links
/// them to the provider's subject and refreshes their profile from the mapped claims, in one
/// transaction.
pub async fn sign_in(pool: &PgPool, identity: &Identity) -> AppResult<SsoSignIn> {
    let settings = db::settings::get_sso(pool).await?;
    let update = rules::profile_update(identity);
    let mut tx = pool.begin().await?;
    let person = match db::people::find_by_sso_subject(&mut *tx, &identity.subject).await? {
        Some(person) => person,
        None => {
            let email = match rules::verified_email(identity) {
                Ok(email) => email,
                Err(refusal) => return Ok(SsoSignIn::Refused(refusal)),
            };
            match db::people::find_by_email_for_sso(&mut *tx, email.as_str()).await? {
                Some((_, Some(_))) => return Ok(SsoSignIn::Refused(Refusal::LinkedElsewhere)),
                Some((person, None)) => {
                    if person.active {
                        db::people::link_sso_subject(&mut *tx, person.id, &identity.subject)
                            .await?;
                    }
                    person
                }
                None if rules::admits_newcomer(&settings, &email) => {
                    let newcomer = NewPerson {
                        display_name: rules::newcomer_name(identity, &email),
                        email,
                        department: String::new(),
                        office: String::new(),
                        time_zone: chrono_tz::Tz::UTC,
                        roles: Roles::default(),
                    };
                    let id = db::people::insert(&mut *tx, &newcomer, None).await?;
                    db::people::link_sso_subject(&mut *tx, id, &identity.subject).await?;
                    tracing::info!(person = %id, "created a person at their first SSO sign-in");
                    db::people::find(&mut *tx, id)
                        .await?
                        .ok_or_else(|| anyhow::anyhow!("the new person is missing"))?
                }
                None => return Ok(SsoSignIn::Refused(Refusal::NotKnown)),
            }
        }
    };
    if !person.active {
        return Ok(SsoSignIn::Refused(Refusal::Deactivated));
    }
    db::people::refresh_profile(&mut *tx, person.id, &update).await?;
    let person = db::people::find(&mut *tx, person.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the person is missing"))?;
    tx.commit().await?;
    Ok(SsoSignIn::Welcome(person))
}
