//! What every page's layout needs: who is signed in (for the navigation) and flash messages.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::domain::people::Person;
use crate::error::AppError;

pub(crate) const FLASH_KEY: &str = "flash";

/// Flash messages found in the session when the viewer was resolved (so reading the chrome
/// costs no query of its own; the session is touched only to take them out).
#[derive(Debug, Clone, Default)]
pub struct PendingFlashes(pub Vec<Flash>);

/// The signed-in person for this request, if any, and their unread notifications (resolved
/// once by `auth::resolve_viewer`).
#[derive(Debug, Clone, Default)]
pub struct Viewer(pub Option<Arc<Person>>, pub i64);

/// The person as the navigation needs them.
#[derive(Debug, Clone)]
pub struct NavUser {
    pub name: String,
    pub is_organizer: bool,
    pub is_hr: bool,
    /// Unread notifications, for the count in the navigation.
    pub unread: i64,
}

impl NavUser {
    /// The unread count as shown: "99+" past 99.
    pub fn unread_label(&self) -> String {
        if self.unread > 99 {
            "99+".into()
        } else {
            self.unread.to_string()
        }
    }
}

impl NavUser {
    fn from_person(person: &Person, unread: i64) -> Self {
        NavUser {
            name: person.display_name.clone(),
            is_organizer: person.is_organizer(),
            is_hr: person.is_hr_admin(),
            unread,
        }
    }
}

/// A one-time message shown on the next page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    pub kind: String,
    pub text: String,
}

/// Layout data for `templates/base.html`.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub user: Option<NavUser>,
    pub flashes: Vec<Flash>,
    /// The navigation item to mark as current.
    pub current: &'static str,
}

impl Chrome {
    /// Marks a navigation item as the current page.
    pub fn at(mut self, current: &'static str) -> Self {
        self.current = current;
        self
    }

    /// Whether the viewer is a signed-in HR admin (for templates: `chrome.is_hr()`).
    pub fn is_hr(&self) -> bool {
        self.user.as_ref().is_some_and(|user| user.is_hr)
    }

    /// Whether the viewer may run story nights (organizers and HR admins).
    pub fn is_organizer(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|user| user.is_organizer || user.is_hr)
    }

    /// Whether the current page belongs to the HR admin area (one navigation item for all).
    pub fn in_admin(&self) -> bool {
        matches!(
            self.current,
            "admin" | "people" | "resources" | "insights" | "settings" | "outbox"
        )
    }

    /// Layout for an error page: navigation only, flashes stay for the next real page.
    pub fn for_viewer(viewer: &Viewer) -> Self {
        Chrome {
            user: viewer
                .0
                .as_deref()
                .map(|person| NavUser::from_person(person, viewer.1)),
            flashes: Vec::new(),
            current: "",
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Chrome {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let viewer = parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .unwrap_or_default();
        let pending = parts
            .extensions
            .get::<PendingFlashes>()
            .cloned()
            .unwrap_or_default();
        // Removing marks the session changed (and so written): only when there is a flash.
        let flashes = if pending.0.is_empty() {
            Vec::new()
        } else {
            let session = Session::from_request_parts(parts, state)
                .await
                .map_err(|(_, message)| AppError::Internal(anyhow::anyhow!(message)))?;
            session
                .remove::<Vec<Flash>>(FLASH_KEY)
                .await?
                .unwrap_or_default()
        };
        Ok(Chrome {
            flashes,
            ..Chrome::for_viewer(&viewer)
        })
    }
}

/// Queues a message for the next page this browser shows.
pub async fn flash(session: &Session, kind: &str, text: impl Into<String>) -> Result<(), AppError> {
    let mut flashes = session
        .get::<Vec<Flash>>(FLASH_KEY)
        .await?
        .unwrap_or_default();
    flashes.push(Flash {
        kind: kind.to_string(),
        text: text.into(),
    });
    session.insert(FLASH_KEY, flashes).await?;
    Ok(())
}
