//! Practice: exercises, reflections and the takeaway board (`exercises.rs`), role stories
//! (`stories.rs`), challenges, acceptances, participation and nudges (`challenges.rs`), and
//! the private journal (`journal.rs`).

mod challenges;
mod exercises;
mod journal;
mod stories;

pub use challenges::*;
pub use exercises::*;
pub use journal::*;
pub use stories::*;

use crate::domain::teq::Aspect;

/// Aspect slugs as stored; an unknown slug fails loudly (like `db::Text`).
pub(crate) fn aspects(slugs: &[String]) -> Result<Vec<Aspect>, sqlx::Error> {
    slugs
        .iter()
        .map(|s| {
            Aspect::from_slug(s)
                .ok_or_else(|| sqlx::Error::Decode(format!("unknown aspect {s:?}").into()))
        })
        .collect()
}

pub(crate) fn slugs(aspects: &[Aspect]) -> Vec<&'static str> {
    aspects.iter().map(|a| a.slug()).collect()
}
