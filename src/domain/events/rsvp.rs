//! RSVPs: a seat while any remain, then the waitlist in order, and promotions when seats
//! free up; the notices people find on their next visit.

use uuid::Uuid;

/// Someone's RSVP to an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum RsvpStatus {
    Going,
    Waitlisted,
}

impl RsvpStatus {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A person's own RSVP, with their place in line when waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rsvp {
    pub status: RsvpStatus,
    /// 1 for the first person on the waitlist.
    pub position: Option<i64>,
    pub attended: bool,
}

impl Rsvp {
    pub fn is_going(&self) -> bool {
        self.status == RsvpStatus::Going
    }
}

/// Where a new RSVP goes: a seat while any remain, otherwise the waitlist.
pub fn place_for(capacity: Option<i32>, going: i32) -> RsvpStatus {
    match capacity {
        Some(capacity) if going >= capacity => RsvpStatus::Waitlisted,
        _ => RsvpStatus::Going,
    }
}

/// How many people to move up from the waitlist now that seats may have freed up.
pub fn promotions(capacity: Option<i32>, going: i32, waitlisted: i32) -> i32 {
    let free = match capacity {
        None => waitlisted,
        Some(capacity) => (capacity - going).max(0),
    };
    free.min(waitlisted).max(0)
}

/// A message waiting for a person's next visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum NoticeKind {
    /// They were moved up from the waitlist and are now going.
    Promoted,
    /// An event they had RSVPed to was cancelled.
    EventCancelled,
}

impl NoticeKind {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Someone on an event's list, for organizers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    pub person_id: Uuid,
    pub name: String,
    pub office: String,
    pub status: RsvpStatus,
    /// Place on the waitlist (1 = next in line); `None` for people going.
    pub position: Option<i64>,
    pub attended: bool,
}

/// Something that changed for a person while they were away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub event_id: Uuid,
    pub title: String,
    pub kind: NoticeKind,
}

impl Notice {
    pub fn text(&self) -> String {
        match self.kind {
            NoticeKind::Promoted => format!(
                "Good news: a seat opened up at \u{201c}{}\u{201d} and you've moved up from the waitlist. You're going.",
                self.title
            ),
            NoticeKind::EventCancelled => format!(
                "\u{201c}{}\u{201d} has been cancelled by its organizers. We're sorry. If you subscribe to your Attune calendar feed, it now shows there as cancelled.",
                self.title
            ),
        }
    }
}

/// What an organizer needs to hear after accepting a story, when the storyteller has no seat:
/// accepting doesn't take a seat from the audience, so the organizer decides. `None` when the
/// storyteller is going.
pub fn storyteller_seat_note(name: &str, rsvp: Option<&Rsvp>, event_full: bool) -> Option<String> {
    match rsvp {
        Some(r) if r.is_going() => None,
        Some(r) => Some(format!(
            "{name} has no seat yet: they're number {} on the waitlist. Add a seat for them \
             (Edit, then Seats) so your storyteller is sure of a place.",
            r.position.unwrap_or(1)
        )),
        None if event_full => Some(format!(
            "{name} has no seat, and every seat is taken. Add a seat for them (Edit, then \
             Seats), then ask them to choose \u{201c}I'm going\u{201d}."
        )),
        None => Some(format!(
            "{name} hasn't said they're coming yet: ask them to choose \u{201c}I'm going\u{201d} \
             while seats remain."
        )),
    }
}

#[cfg(test)]
mod storyteller_seat_tests {
    use super::*;

    #[test]
    fn an_organizer_hears_when_an_accepted_storyteller_has_no_seat() {
        let going = Rsvp {
            status: RsvpStatus::Going,
            position: None,
            attended: false,
        };
        let waiting = Rsvp {
            status: RsvpStatus::Waitlisted,
            position: Some(3),
            attended: false,
        };
        assert_eq!(storyteller_seat_note("Ada", Some(&going), true), None);
        assert!(
            storyteller_seat_note("Ada", Some(&waiting), true)
                .unwrap()
                .contains("Ada has no seat yet: they're number 3 on the waitlist.")
        );
        assert!(
            storyteller_seat_note("Ada", None, true)
                .unwrap()
                .contains("every seat is taken")
        );
        assert!(
            storyteller_seat_note("Ada", None, false)
                .unwrap()
                .contains("hasn't said they're coming yet")
        );
    }
}
