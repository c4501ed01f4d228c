//! Where a recognition is in its life, who can see it, and what puts it on the wall.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::PRIVATE_TEXT;

/// Who can see a recognition besides the two people and HR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Visibility {
    /// On the wall for everyone.
    Wall,
    /// Only the recipient (and the nominator who wrote it).
    Private,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Visibility::Wall => "On the wall",
            Visibility::Private => "Private to the recipient",
        }
    }
}

/// Where a nomination is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Status {
    /// Waiting for an HR admin to approve it.
    Pending,
    Published,
    /// Not published by HR, with a reason the nominator sees.
    Rejected,
    /// Taken off the wall by HR after a report.
    Removed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Where a new nomination starts: waiting for HR when the setting asks for approval,
    /// published at once otherwise.
    pub fn on_nomination(requires_approval: bool) -> Self {
        if requires_approval {
            Status::Pending
        } else {
            Status::Published
        }
    }

    /// Status as the nominator reads it.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pending => "Waiting for HR approval",
            Status::Published => "Published",
            Status::Rejected => "Not published",
            Status::Removed => "Removed by HR",
        }
    }
}

/// A person as a recognition shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRef {
    pub id: Uuid,
    pub name: String,
    pub department: String,
    pub office: String,
}

/// A recognition as stored, with what the viewer needs to show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Recognition {
    pub id: Uuid,
    pub nominator: PersonRef,
    pub recipient: PersonRef,
    pub behaviours: Vec<String>,
    pub story: String,
    pub happened_on: NaiveDate,
    pub visibility: Visibility,
    pub status: Status,
    pub rejection_reason: Option<String>,
    pub hidden_by_recipient: bool,
    pub under_review: bool,
    pub cross_team: bool,
    pub created_at: DateTime<Utc>,
    pub appreciations: i64,
    /// Whether the viewer has appreciated it.
    pub appreciated: bool,
}

impl Recognition {
    /// Shown on the wall to everyone.
    pub fn on_wall(&self) -> bool {
        self.status == Status::Published
            && self.visibility == Visibility::Wall
            && !self.hidden_by_recipient
            && !self.under_review
    }

    /// Who may open this recognition: everyone when it is on the wall; otherwise the
    /// nominator (who wrote it), the recipient once it is published, and HR admins when
    /// [`Recognition::hr_may_read`] says so.
    pub fn visible_to(&self, viewer: Uuid, viewer_is_hr: bool) -> bool {
        self.on_wall()
            || viewer == self.nominator.id
            || (viewer == self.recipient.id && self.status == Status::Published)
            || (viewer_is_hr && self.hr_may_read())
    }

    /// Whether HR admins may read the text. A recognition meant for the wall, always. A
    /// private one only while moderation needs it: while it waits for their approval, or
    /// while it is reported. Otherwise "private" means the recipient and the nominator only.
    pub fn hr_may_read(&self) -> bool {
        match self.visibility {
            Visibility::Wall => true,
            Visibility::Private => self.status == Status::Pending || self.under_review,
        }
    }

    /// The recognition as HR's export shows it: a private one keeps its row (so the
    /// export agrees with the fairness figures) but its text reads [`PRIVATE_TEXT`].
    pub fn for_hr_export(mut self) -> Self {
        if self.visibility == Visibility::Private {
            self.story = PRIVATE_TEXT.to_string();
        }
        self
    }

    /// Whether the recipient can take it off the wall or put it back.
    pub fn recipient_can_toggle(&self) -> bool {
        self.status == Status::Published && self.visibility == Visibility::Wall
    }
}

/// A person's earlier report of a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreviousReport {
    /// Still waiting for HR.
    Open,
    /// HR reviewed the post after it.
    Reviewed,
}

/// Why a post can't be reported (by this person, now).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportRefusal {
    /// Not on the wall: private, hidden, waiting for approval, or under review already.
    NotOnWall,
    /// This person's report is already waiting for HR.
    AlreadyReported,
    /// This person reported it before and HR kept it on the wall: the same person reporting
    /// again doesn't take it off the wall again.
    AlreadyReviewed,
}

impl ReportRefusal {
    pub fn message(self) -> &'static str {
        match self {
            ReportRefusal::NotOnWall => {
                "This recognition isn't on the wall, so there's nothing to report. If it was reported already, HR is reviewing it."
            }
            ReportRefusal::AlreadyReported => {
                "You've already reported this post. It stays off the wall until an HR admin has reviewed it."
            }
            ReportRefusal::AlreadyReviewed => {
                "You reported this post before, and an HR admin reviewed it and decided to keep it on the wall, so reporting it again won't hide it. If something new has come up, talk to your HR team directly."
            }
        }
    }
}

/// Whether a person may report a post: it must be on the wall, and each person reports a
/// post once; after HR has reviewed their report, their word has been heard.
pub fn may_report(on_wall: bool, previous: Option<PreviousReport>) -> Result<(), ReportRefusal> {
    match (previous, on_wall) {
        (Some(PreviousReport::Open), _) => Err(ReportRefusal::AlreadyReported),
        (_, false) => Err(ReportRefusal::NotOnWall),
        (Some(PreviousReport::Reviewed), true) => Err(ReportRefusal::AlreadyReviewed),
        (None, true) => Ok(()),
    }
}
