//! The audit log's vocabulary: what HR (and organizers) did, in words for the page and the CSV.

/// An administrative action on record. Stored as text (snake case).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[strum(serialize_all = "snake_case")]
pub enum Action {
    PersonAdded,
    PersonImported,
    PersonEdited,
    PersonMoved,
    RolesChanged,
    PersonDeactivated,
    PersonReactivated,
    InvitationSent,
    PasswordResetSent,
    SettingsChanged,
    RecognitionApproved,
    RecognitionDeclined,
    ReportedPostKept,
    ReportedPostRemoved,
    ResourcesImported,
    ResourceAdded,
    ResourceEdited,
    ResourceArchived,
    ResourceRestored,
    EventPublished,
    AuditLogExported,
    InvitationAccepted,
    RecognitionsExported,
    LibraryExported,
    PersonalDataExported,
    PersonErased,
    RetentionRun,
    ExercisePublished,
    RoleStoryPublished,
    RoleStoryDeclined,
    ChallengeScheduled,
    PairSettingsChanged,
    CircleProgrammeOpened,
    CirclesFormed,
    CircleMerged,
    PulseCreated,
    PulseRoundClosed,
    PulseStopped,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(raw: &str) -> Option<Action> {
        raw.parse().ok()
    }

    /// Every action, in the order the filter lists them.
    pub fn all() -> impl Iterator<Item = Action> {
        <Action as strum::IntoEnumIterator>::iter()
    }

    /// What happened, in words.
    pub fn label(self) -> &'static str {
        match self {
            Action::PersonAdded => "Person added",
            Action::PersonImported => "Person imported from CSV",
            Action::PersonEdited => "Person's details edited",
            Action::PersonMoved => "Person moved (department or office)",
            Action::RolesChanged => "Roles changed",
            Action::PersonDeactivated => "Person deactivated",
            Action::PersonReactivated => "Person reactivated",
            Action::InvitationSent => "Invitation sent",
            Action::PasswordResetSent => "Password reset email sent",
            Action::SettingsChanged => "Settings changed",
            Action::RecognitionApproved => "Recognition approved",
            Action::RecognitionDeclined => "Recognition declined",
            Action::ReportedPostKept => "Reported post put back",
            Action::ReportedPostRemoved => "Reported post removed",
            Action::ResourcesImported => "Library imported from CSV",
            Action::ResourceAdded => "Resource added",
            Action::ResourceEdited => "Resource edited",
            Action::ResourceArchived => "Resource archived",
            Action::ResourceRestored => "Resource restored",
            Action::EventPublished => "Story night published",
            Action::AuditLogExported => "Audit log exported",
            Action::InvitationAccepted => "Invitation accepted (first password set)",
            Action::RecognitionsExported => "Recognitions exported (CSV)",
            Action::LibraryExported => "Library exported (CSV)",
            Action::PersonalDataExported => "Personal data downloaded",
            Action::PersonErased => "Account erased",
            Action::RetentionRun => "Old personal data deleted (retention)",
            Action::ExercisePublished => "Perspective exercise published",
            Action::RoleStoryPublished => "Role story published as an exercise",
            Action::RoleStoryDeclined => "Role story declined",
            Action::ChallengeScheduled => "Kindness challenge scheduled",
            Action::PairSettingsChanged => "Conversation pair settings changed",
            Action::CircleProgrammeOpened => "Learning circle programme opened",
            Action::CirclesFormed => "Learning circles formed",
            Action::CircleMerged => "Learning circle merged into others",
            Action::PulseCreated => "Pulse check created",
            Action::PulseRoundClosed => "Pulse round closed early",
            Action::PulseStopped => "Pulse check stopped",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_round_trips_through_its_stored_name_and_has_words() {
        for action in Action::all() {
            assert_eq!(Action::parse(action.as_str()), Some(action));
            assert!(action.as_str().len() <= 60);
            assert!(!action.label().is_empty());
        }
        assert_eq!(Action::PersonMoved.as_str(), "person_moved");
        assert_eq!(Action::parse("nope"), None);
    }
}
