//! What each message says. A message is a subject, a greeting, a few paragraphs, an optional
//! button and some details; two askama templates (`templates/mail/message.txt` and
//! `message.html`) turn it into the plain-text and HTML parts, with a footer saying why the
//! person got it and, for kinds they may turn off, how to.

use askama::Template;
use uuid::Uuid;

use crate::config::AppConfig;
use crate::domain::mail::MailKind;
use crate::secrets;

/// The words of one message.
#[derive(Debug, Clone, Default)]
pub struct Content {
    pub subject: String,
    pub greeting: String,
    pub paragraphs: Vec<String>,
    /// A button: its label and absolute URL.
    pub action: Option<(String, String)>,
    /// Label and value pairs (when, where...).
    pub details: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "mail/message.txt", escape = "none")]
struct TextPart<'a> {
    content: &'a Content,
    reason: &'a str,
    preferences: Option<&'a str>,
    unsubscribe: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "mail/message.html")]
struct HtmlPart<'a> {
    content: &'a Content,
    reason: &'a str,
    preferences: Option<&'a str>,
    unsubscribe: Option<&'a str>,
}

/// The plain-text and HTML parts of a message.
pub fn render(
    config: &AppConfig,
    kind: MailKind,
    content: &Content,
    unsubscribe: Option<&str>,
) -> (String, String) {
    let preferences = kind
        .can_opt_out()
        .then(|| config.url_for("/account#notifications"));
    let text = TextPart {
        content,
        reason: kind.reason(),
        preferences: preferences.as_deref(),
        unsubscribe,
    };
    let html = HtmlPart {
        content,
        reason: kind.reason(),
        preferences: preferences.as_deref(),
        unsubscribe,
    };
    (
        text.render().expect("the text mail template renders"),
        html.render().expect("the HTML mail template renders"),
    )
}

/// What an unsubscribe link signs: the person and the kind of message.
fn unsubscribe_data(person_id: Uuid, kind: MailKind) -> String {
    format!("{person_id}.{}", kind.as_str())
}

/// The one-click unsubscribe link for a person and kind (works without signing in).
pub fn unsubscribe_link(config: &AppConfig, key: &[u8], person_id: Uuid, kind: MailKind) -> String {
    let data = unsubscribe_data(person_id, kind);
    let signature = secrets::sign(key, &data);
    config.url_for(&format!("/unsubscribe/{data}.{signature}"))
}

/// Reads an unsubscribe token back: the person and kind, if the signature holds.
pub fn read_unsubscribe(key: &[u8], token: &str) -> Option<(Uuid, MailKind)> {
    let mut parts = token.splitn(3, '.');
    let person_id = parts.next()?.parse::<Uuid>().ok()?;
    let kind = parts.next()?.parse::<MailKind>().ok()?;
    let signature = parts.next()?;
    let valid = kind.can_opt_out()
        && secrets::verify_signature(key, &unsubscribe_data(person_id, kind), signature);
    valid.then_some((person_id, kind))
}

/// An invitation to join: the link lets the person choose a password.
pub fn invitation(first_name: &str, link: &str, days: i64) -> Content {
    Content {
        subject: "You're invited to Attune".into(),
        greeting: format!("Hello {first_name},"),
        paragraphs: vec![
            "Your company uses Attune for its empathy program: a short quiz to see where you \
             stand, resources picked for you, story nights and recognising colleagues."
                .into(),
            format!(
                "Choose a password to join. The link works once, for {days} days; if it has \
                 expired, ask your HR admin for a new one."
            ),
        ],
        action: Some(("Choose your password".into(), link.into())),
        details: Vec::new(),
    }
}

/// An invitation to join when people sign in with the identity provider only ("SSO only"):
/// no password to choose, the button on the sign-in page does it.
pub fn invitation_sso(first_name: &str, label: &str, sign_in_url: &str) -> Content {
    Content {
        subject: "You're invited to Attune".into(),
        greeting: format!("Hello {first_name},"),
        paragraphs: vec![
            "Your company uses Attune for its empathy program: a short quiz to see where you \
             stand, resources picked for you, story nights and recognising colleagues."
                .into(),
            format!(
                "There's no password to choose: open Attune and use \u{201c}{label}\u{201d} \
                 with your company account."
            ),
        ],
        action: Some((label.to_string(), sign_in_url.into())),
        details: Vec::new(),
    }
}

/// A link to choose a new password, valid for an hour.
pub fn password_reset(first_name: &str, link: &str) -> Content {
    Content {
        subject: "Reset your Attune password".into(),
        greeting: format!("Hello {first_name},"),
        paragraphs: vec![
            "Someone (we hope you) asked to reset the password of your Attune account. The \
             link below works once, for one hour. Setting a new password signs you out on your \
             other devices."
                .into(),
        ],
        action: Some(("Choose a new password".into(), link.into())),
        details: Vec::new(),
    }
}

/// A colleague recognised the reader (what they wrote stays in Attune).
pub fn recognised(first_name: &str, nominator: &str, link: &str) -> Content {
    Content {
        subject: format!("{nominator} recognised you"),
        greeting: format!("Hello {first_name},"),
        paragraphs: vec![format!(
            "{nominator} noticed something you did for a colleague and took the time to say so \
             in Attune."
        )],
        action: Some(("Read what they wrote".into(), link.into())),
        details: Vec::new(),
    }
}

/// HR changed the email of the reader's account (sent to the previous address).
pub fn email_changed(first_name: &str, new_address: &str) -> Content {
    Content {
        subject: "The email of your Attune account was changed".into(),
        greeting: format!("Hello {first_name},"),
        paragraphs: vec![
            format!(
                "An HR admin changed the email address of your Attune account to {new_address}."
            ),
            "If you didn't expect this, tell your HR team or IT. For a week no password reset can \
             be sent to the new address, so your account stays yours while you check."
                .into(),
        ],
        action: None,
        details: Vec::new(),
    }
}

/// The reader is a spotlight nominator this week.
pub fn spotlight(first_name: &str, link: &str) -> Content {
    Content {
        subject: "You're a spotlight nominator this week".into(),
        greeting: format!("Hello {first_name},"),
        paragraphs: vec![
            "Each week Attune asks a few people in every department to look out for kindness \
             that nobody has mentioned yet. This week, that's you."
                .into(),
            "Think of a colleague who listened, explained, stepped in or made room for someone, \
             and tell them what you saw. Your home page suggests colleagues who haven't been \
             recognised for a while."
                .into(),
        ],
        action: Some(("Recognise someone".into(), link.into())),
        details: Vec::new(),
    }
}

/// HR declined the reader's nomination, with their reason.
pub fn nomination_declined(first_name: &str, recipient: &str, reason: &str, link: &str) -> Content {
    Content {
        subject: format!("Your recognition of {recipient} wasn't published"),
        greeting: format!("Hello {first_name},"),
        paragraphs: vec![
            format!("Thank you for recognising {recipient}. HR reviewed it and didn't publish it."),
            "You can recognise them again for something else they did.".into(),
        ],
        action: Some(("See your recognitions".into(), link.into())),
        details: vec![("HR's reason".into(), reason.into())],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> AppConfig {
        AppConfig::for_base_url("https://attune.example.com".parse().unwrap())
    }

    #[test]
    fn both_parts_carry_the_words_the_link_and_the_reason() {
        let content = invitation("Ada", "https://attune.example.com/invite/abc", 7);
        let (text, html) = render(&config(), MailKind::Invitation, &content, None);
        for part in [&text, &html] {
            assert!(part.contains("Hello Ada,"));
            assert!(part.contains("https://attune.example.com/invite/abc"));
            assert!(part.contains("an HR admin added you"));
        }
        assert!(!text.contains("<p>"));
        assert!(
            !text.contains("notifications"),
            "invitations can't be turned off"
        );
    }

    #[test]
    fn html_escapes_what_people_wrote() {
        let content = Content {
            subject: "x".into(),
            greeting: "Hello <b>Ada</b>,".into(),
            ..Content::default()
        };
        let (text, html) = render(&config(), MailKind::Recognised, &content, Some("https://u"));
        assert!(text.contains("Hello <b>Ada</b>,"));
        assert!(html.contains("Hello &#60;b&#62;Ada&#60;/b&#62;,") || html.contains("&lt;b&gt;"));
        assert!(
            html.contains("https://u"),
            "kinds that can be turned off say how"
        );
    }

    #[test]
    fn unsubscribe_tokens_are_signed() {
        let key = [7u8; 32];
        let person = Uuid::new_v4();
        let link = unsubscribe_link(&config(), &key, person, MailKind::Recognised);
        let token = link.rsplit('/').next().unwrap();
        assert_eq!(
            read_unsubscribe(&key, token),
            Some((person, MailKind::Recognised))
        );
        assert_eq!(read_unsubscribe(&[8u8; 32], token), None, "another key");
        let forged = token.replace("recognised", "weekly_digest");
        assert_eq!(read_unsubscribe(&key, &forged), None, "another kind");
        let reset = unsubscribe_link(&config(), &key, person, MailKind::PasswordReset);
        assert_eq!(
            read_unsubscribe(&key, reset.rsplit('/').next().unwrap()),
            None
        );
    }

    #[test]
    fn an_sso_only_invitation_asks_for_no_password() {
        let content = invitation_sso(
            "Ada",
            "Sign in with Okta",
            "https://attune.example.com/login",
        );
        let text = content.paragraphs.join(" ");
        assert!(text.contains("no password to choose"));
        assert!(text.contains("Sign in with Okta"));
        assert_eq!(
            content.action,
            Some((
                "Sign in with Okta".into(),
                "https://attune.example.com/login".into()
            ))
        );
    }
}
