//! Story nights: events, RSVPs and the waitlist, pitches and the lineup, resonance notes and
//! private calendar feeds.
//!
//! Anything that changes who is going runs in a transaction that first locks the event row
//! (`lock`), so RSVPs to one event are decided one at a time.

mod event;
mod feeds;
mod notes;
mod pitches;
mod rsvps;

pub use event::*;
pub use feeds::*;
pub use notes::*;
pub use pitches::*;
pub use rsvps::*;
