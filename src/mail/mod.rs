//! Sending email: the SMTP settings (here), what a message says (`compose.rs`) and the worker
//! that delivers the outbox (`worker.rs`). Messages are written to the outbox by use cases in
//! the same transaction as the change that causes them; only the worker talks to SMTP.

pub mod compose;
pub mod worker;

use anyhow::{Context, bail};
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use url::Url;

use crate::db::mail::OutboxMessage;

/// How Attune reaches its SMTP server, from `ATTUNE_SMTP_URL` and `ATTUNE_MAIL_FROM`.
#[derive(Clone)]
pub struct MailConfig {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    /// For logs and HR's outbox page: the server without credentials.
    pub server: String,
    pub from: Mailbox,
    /// The domain of Message-IDs (`<outbox id>@domain`): stable across retries and restarts.
    pub message_id_domain: String,
}

impl std::fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailConfig")
            .field("server", &self.server)
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl MailConfig {
    /// Reads the SMTP URL: `smtp://` uses STARTTLS (required), `smtps://` TLS from the start,
    /// and `?tls=none` (plain text) is accepted only for a server on this machine.
    pub fn parse(raw: &str, from: Option<&str>, base_url: &Url) -> anyhow::Result<MailConfig> {
        let url = Url::parse(raw.trim()).context("ATTUNE_SMTP_URL is not a URL")?;
        let host = url
            .host_str()
            .filter(|host| !host.is_empty())
            .context("ATTUNE_SMTP_URL needs a host, e.g. smtp://smtp.example.com:587")?
            .to_string();
        let plain = url
            .query_pairs()
            .any(|(key, value)| key == "tls" && value == "none");
        let builder = match url.scheme() {
            "smtps" => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(&host)?.port(url.port().unwrap_or(465))
            }
            "smtp" if plain => {
                if !is_loopback(&host) {
                    bail!(
                        "ATTUNE_SMTP_URL: tls=none sends mail unencrypted and is allowed only for \
                         a server on this machine (127.0.0.1 or localhost), not {host}"
                    );
                }
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host)
                    .port(url.port().unwrap_or(25))
            }
            "smtp" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&host)?
                .port(url.port().unwrap_or(587)),
            other => bail!("ATTUNE_SMTP_URL must start with smtp:// or smtps://, not {other}://"),
        };
        let builder = if url.username().is_empty() {
            builder
        } else {
            let decode = |part: &str| {
                percent_decode(part).context("ATTUNE_SMTP_URL: the credentials aren't valid UTF-8")
            };
            let password = decode(url.password().unwrap_or(""))?;
            builder.credentials(Credentials::new(decode(url.username())?, password))
        };
        let message_id_domain = base_url.host_str().unwrap_or("attune.local").to_string();
        let from = match from.map(str::trim).filter(|from| !from.is_empty()) {
            Some(from) => from
                .parse::<Mailbox>()
                .with_context(|| format!("ATTUNE_MAIL_FROM is not an email address: {from}"))?,
            None => format!("Attune <attune@{message_id_domain}>")
                .parse::<Mailbox>()
                .context("set ATTUNE_MAIL_FROM, e.g. Attune <attune@example.com>")?,
        };
        let pool = PoolConfig::new().max_size(worker::CONCURRENT_SENDS as u32);
        Ok(MailConfig {
            transport: builder
                .timeout(Some(std::time::Duration::from_secs(30)))
                .pool_config(pool)
                .build(),
            server: format!("{}://{}:{}", url.scheme(), host, url.port().unwrap_or(0)),
            from,
            message_id_domain,
        })
    }

    /// Hands one message to the SMTP server. The error is the server's answer (or why it
    /// couldn't be reached), kept in the outbox.
    pub async fn send(
        &self,
        message: &OutboxMessage,
        unsubscribe: Option<&str>,
    ) -> Result<(), String> {
        let email = self
            .build(message, unsubscribe)
            .map_err(|err| err.to_string())?;
        self.transport
            .send(email)
            .await
            .map(drop)
            .map_err(|err| err.to_string())
    }

    fn build(&self, message: &OutboxMessage, unsubscribe: Option<&str>) -> anyhow::Result<Message> {
        let to: Mailbox = message
            .to_address
            .parse()
            .with_context(|| format!("not an email address: {}", message.to_address))?;
        let mut builder = Message::builder()
            .message_id(Some(format!("<{}@{}>", message.id, self.message_id_domain)))
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone());
        if let Some(link) = unsubscribe {
            builder = builder
                .header(ListUnsubscribe(format!("<{link}>")))
                .header(ListUnsubscribePost);
        }
        let body =
            MultiPart::alternative_plain_html(message.text_body.clone(), message.html_body.clone());
        let email = match (&message.calendar, &message.calendar_method) {
            (Some(ics), Some(method)) => {
                let content_type =
                    ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))?;
                let file: SinglePart =
                    Attachment::new("story-night.ics".into()).body(ics.clone(), content_type);
                builder.multipart(MultiPart::mixed().multipart(body).singlepart(file))?
            }
            _ => builder.multipart(body)?,
        };
        Ok(email)
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Decodes `%40` and the like in the URL's user name and password (a `+` stays a `+`).
fn percent_decode(part: &str) -> anyhow::Result<String> {
    Ok(percent_encoding::percent_decode_str(part)
        .decode_utf8()?
        .into_owned())
}

/// `List-Unsubscribe` (RFC 2369): where a mail client unsubscribes in one click.
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(value: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(value.to_string()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        "https://attune.example.com".parse().unwrap()
    }

    #[tokio::test]
    async fn smtp_urls_choose_tls_and_plain_text_only_on_loopback() {
        assert!(
            MailConfig::parse("smtp://user:pa%40ss@smtp.example.com:587", None, &base()).is_ok()
        );
        assert!(MailConfig::parse("smtps://smtp.example.com", None, &base()).is_ok());
        assert!(MailConfig::parse("smtp://127.0.0.1:2525?tls=none", None, &base()).is_ok());
        let err = MailConfig::parse("smtp://smtp.example.com?tls=none", None, &base()).unwrap_err();
        assert!(
            err.to_string()
                .contains("only for a server on this machine")
        );
        assert!(MailConfig::parse("http://smtp.example.com", None, &base()).is_err());
        let config = MailConfig::parse("smtps://smtp.example.com", None, &base()).unwrap();
        assert_eq!(
            config.from.to_string(),
            "Attune <attune@attune.example.com>"
        );
        assert!(
            MailConfig::parse("smtps://smtp.example.com", Some("not an address"), &base()).is_err()
        );
        assert_eq!(
            percent_decode("me+app%40example.com").unwrap(),
            "me+app@example.com"
        );
    }
}
