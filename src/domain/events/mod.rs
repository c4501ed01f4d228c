//! Story nights: what an event is, who may RSVP or pitch and when, the waitlist, the lineup,
//! and the iCalendar files people add to their calendars.
//!
//! Plain rules only: callers pass `now`, and the database enforces the same rules again.

mod calendar;
mod event;
mod fields;
mod form;
mod notes;
mod pitch;
mod rsvp;
mod wording;

pub use calendar::*;
pub use event::*;
pub use fields::*;
pub use form::*;
pub use notes::*;
pub use pitch::*;
pub use rsvp::*;
pub use wording::*;

#[cfg(test)]
mod tests;
