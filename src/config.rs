//! Settings, read from the environment (or the matching command-line flags).

use std::net::SocketAddr;

use clap::{Args, ValueEnum};
use url::Url;

/// Default database: a local PostgreSQL with trust authentication.
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/attune";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Where the database lives. Shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct DatabaseConfig {
    /// PostgreSQL connection URL. The database is created if it does not exist.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    pub database_url: String,
}

/// Everything `attune serve` needs.
#[derive(Debug, Clone, Args)]
pub struct ServerConfig {
    /// Address and port to listen on.
    #[arg(long, env = "ATTUNE_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,

    /// Public URL people use to reach Attune (used in links and to decide on Secure cookies
    /// and HSTS). Defaults to http://<bind address>.
    #[arg(long, env = "ATTUNE_BASE_URL")]
    pub base_url: Option<Url>,

    /// Minutes of inactivity after which a session ends.
    #[arg(long, env = "ATTUNE_SESSION_IDLE_MINUTES", default_value_t = 8 * 60)]
    pub session_idle_minutes: u32,

    /// Hours after sign-in after which a session ends, however active.
    #[arg(long, env = "ATTUNE_SESSION_ABSOLUTE_HOURS", default_value_t = 7 * 24)]
    pub session_absolute_hours: u32,

    /// Take the client address for sign-in throttling from the last X-Forwarded-For entry
    /// (only behind a reverse proxy that sets it).
    #[arg(long, env = "ATTUNE_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,

    /// Maximum database connections held by this process.
    #[arg(long, env = "ATTUNE_DB_POOL_SIZE", default_value_t = 10)]
    pub db_pool_size: u32,

    /// SMTP server for email: `smtp://user:password@host:587` (STARTTLS),
    /// `smtps://user:password@host:465` (TLS from the start), or on loopback only
    /// `smtp://127.0.0.1:2525?tls=none`. Without it, messages wait in the outbox.
    #[arg(long, env = "ATTUNE_SMTP_URL")]
    pub smtp_url: Option<String>,

    /// The From address of Attune's email, e.g. `Attune <attune@example.com>`.
    #[arg(long, env = "ATTUNE_MAIL_FROM")]
    pub mail_from: Option<String>,

    /// Issuer URL of your OpenID Connect identity provider (its discovery document is at
    /// `<issuer>/.well-known/openid-configuration`). Turns on "Sign in with ...".
    #[arg(long, env = "ATTUNE_OIDC_ISSUER")]
    pub oidc_issuer: Option<Url>,

    /// The client id Attune is registered with at the identity provider.
    #[arg(long, env = "ATTUNE_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,

    /// The client secret that goes with the client id.
    #[arg(long, env = "ATTUNE_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<String>,

    /// The sign-in button's text, e.g. "Sign in with Okta".
    #[arg(
        long,
        env = "ATTUNE_OIDC_LABEL",
        default_value = "Sign in with your company account"
    )]
    pub oidc_label: String,

    /// The pulse key: a secret of at least 32 characters that pairs a person with their own
    /// pulse answer while a round is open (see README, "Pulse checks"). Every replica needs
    /// the same one. Without it, the key file is used.
    #[arg(long, env = "ATTUNE_PULSE_KEY", hide_env_values = true)]
    pub pulse_key: Option<String>,

    /// Where the pulse key is kept when ATTUNE_PULSE_KEY is not set: read if it exists,
    /// otherwise created with a random key (readable by its owner only).
    #[arg(
        long,
        env = "ATTUNE_PULSE_KEY_FILE",
        default_value = "attune-pulse.key"
    )]
    pub pulse_key_file: std::path::PathBuf,

    /// Serve `/bench/reference`, a bare page (one query and a template, no session and no
    /// middleware) that `scripts/bench` measures every page against. Off in production.
    #[arg(
        long,
        env = "ATTUNE_BENCH_REFERENCE",
        default_value_t = false,
        hide = true
    )]
    pub bench_reference: bool,
}

/// How Attune signs people in with an OpenID Connect identity provider.
#[derive(Clone)]
pub struct OidcConfig {
    pub issuer: Url,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// The sign-in button's text.
    pub label: String,
}

impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer.as_str())
            .field("client_id", &self.client_id)
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

/// Settings the running web application needs, resolved from [`ServerConfig`].
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub base_url: Url,
    pub session_idle: time::Duration,
    pub session_absolute: chrono::Duration,
    pub trust_proxy: bool,
    /// How to send email; `None` when no SMTP server is configured.
    pub mail: Option<crate::mail::MailConfig>,
    /// Sign-in with an identity provider; `None` when none is configured.
    pub oidc: Option<OidcConfig>,
    /// Serve the load bench's reference page (see `ServerConfig::bench_reference`).
    pub bench_reference: bool,
    /// The secret behind pulse answers' keyed hashes; never stored in the database.
    pub pulse_key: PulseKey,
}

/// The pulse key (kept out of logs and debug output).
#[derive(Clone)]
pub struct PulseKey(pub std::sync::Arc<[u8]>);

impl std::fmt::Debug for PulseKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PulseKey(..)")
    }
}

impl PulseKey {
    /// A fresh random key (tests, and the key file's first use).
    pub fn random() -> PulseKey {
        use rand::RngCore;
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        PulseKey(std::sync::Arc::from(&bytes[..]))
    }

    /// From ATTUNE_PULSE_KEY, or else the key file (created with a random key when missing).
    pub fn resolve(given: Option<&str>, file: &std::path::Path) -> anyhow::Result<PulseKey> {
        use anyhow::Context;
        if let Some(given) = given.filter(|k| !k.trim().is_empty()) {
            anyhow::ensure!(
                given.trim().chars().count() >= 32,
                "ATTUNE_PULSE_KEY must be at least 32 characters (for example the output of `openssl rand -hex 32`)"
            );
            return Ok(PulseKey(std::sync::Arc::from(given.trim().as_bytes())));
        }
        match std::fs::read_to_string(file) {
            Ok(stored) if stored.trim().chars().count() >= 32 => {
                Ok(PulseKey(std::sync::Arc::from(stored.trim().as_bytes())))
            }
            Ok(_) => anyhow::bail!(
                "the pulse key file {} is shorter than 32 characters",
                file.display()
            ),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                let key = PulseKey::random();
                let hex: String = key.0.iter().map(|b| format!("{b:02x}")).collect();
                // Written aside, then linked into place: a replica starting at the same moment
                // either links first or finds the file complete, never half-written.
                let aside = file.with_extension(format!("new-{}", uuid::Uuid::new_v4()));
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    options.mode(0o600);
                }
                let mut out = options.open(&aside).with_context(|| {
                    format!(
                        "creating the pulse key file {} (or set ATTUNE_PULSE_KEY)",
                        file.display()
                    )
                })?;
                std::io::Write::write_all(&mut out, format!("{hex}\n").as_bytes())?;
                drop(out);
                let linked = std::fs::hard_link(&aside, file);
                let _ = std::fs::remove_file(&aside);
                match linked {
                    Ok(()) => {
                        tracing::warn!(
                            file = %file.display(),
                            "created a new pulse key file: keep it, back it up apart from the database, and give every replica the same key"
                        );
                        Ok(PulseKey(std::sync::Arc::from(hex.as_bytes())))
                    }
                    Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                        PulseKey::resolve(None, file)
                    }
                    Err(err) => Err(err)
                        .with_context(|| format!("creating the pulse key file {}", file.display())),
                }
            }
            Err(err) => {
                Err(err).with_context(|| format!("reading the pulse key file {}", file.display()))
            }
        }
    }
}

impl AppConfig {
    /// Whether Attune is served over https (Secure cookies, HSTS).
    pub fn is_https(&self) -> bool {
        self.base_url.scheme() == "https"
    }

    /// The origin (`scheme://host[:port]`) of the public URL.
    pub fn origin(&self) -> String {
        self.base_url.origin().ascii_serialization()
    }

    /// An absolute URL for a path such as `/invite/abc`.
    pub fn url_for(&self, path: &str) -> String {
        format!("{}{}", self.origin(), path)
    }

    /// Defaults suitable for tests and local use, for a given base URL.
    pub fn for_base_url(base_url: Url) -> Self {
        AppConfig {
            base_url,
            session_idle: time::Duration::hours(8),
            session_absolute: chrono::Duration::days(7),
            trust_proxy: false,
            mail: None,
            oidc: None,
            bench_reference: false,
            pulse_key: PulseKey::random(),
        }
    }

    /// Where the identity provider sends people back to (register it with the provider).
    pub fn oidc_redirect_url(&self) -> String {
        self.url_for("/auth/oidc/callback")
    }
}

impl ServerConfig {
    /// The settings the web application runs with; fails with a sentence naming the setting
    /// when one can't be used (an SMTP URL that doesn't parse, say).
    pub fn app_config(&self) -> anyhow::Result<AppConfig> {
        let base_url = self.base_url.clone().unwrap_or_else(|| {
            Url::parse(&format!("http://{}", self.bind)).expect("a socket address makes a URL")
        });
        let mut config = AppConfig {
            base_url,
            session_idle: time::Duration::minutes(i64::from(self.session_idle_minutes.max(1))),
            session_absolute: chrono::Duration::hours(i64::from(
                self.session_absolute_hours.max(1),
            )),
            trust_proxy: self.trust_proxy,
            mail: None,
            oidc: None,
            bench_reference: self.bench_reference,
            pulse_key: PulseKey::resolve(self.pulse_key.as_deref(), &self.pulse_key_file)?,
        };
        config.oidc = match (&self.oidc_issuer, &self.oidc_client_id) {
            (Some(issuer), Some(client_id)) if !client_id.trim().is_empty() => Some(OidcConfig {
                issuer: issuer.clone(),
                client_id: client_id.trim().to_string(),
                client_secret: self
                    .oidc_client_secret
                    .clone()
                    .filter(|secret| !secret.is_empty()),
                label: self.oidc_label.trim().to_string(),
            }),
            (Some(_), _) => anyhow::bail!(
                "ATTUNE_OIDC_ISSUER is set but ATTUNE_OIDC_CLIENT_ID is not: set both (and ATTUNE_OIDC_CLIENT_SECRET) to turn on sign-in with your identity provider"
            ),
            _ => None,
        };
        config.mail = match &self.smtp_url {
            Some(url) if !url.trim().is_empty() => Some(crate::mail::MailConfig::parse(
                url,
                self.mail_from.as_deref(),
                &config.base_url,
            )?),
            _ => None,
        };
        Ok(config)
    }
}

/// Removes any password from a database URL so it can be printed.
pub fn redact_database_url(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("********"));
            }
            parsed.to_string()
        }
        Err(_) => "(unparseable DATABASE_URL)".to_string(),
    }
}
