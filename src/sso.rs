//! The OpenID Connect client: discovery (retried when the provider was unreachable), the
//! authorization request (code flow with PKCE, `state` and `nonce`), the code exchange with
//! ID token verification, and the provider's sign-out URL. Which person the verified identity
//! is belongs to `app::sso`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreIdToken, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm, CoreRevocableToken, CoreRevocationErrorResponse,
    CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, Client, ClientId, ClientSecret, CsrfToken,
    EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields, IssuerUrl,
    LogoutRequest, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    PostLogoutRedirectUrl, ProviderMetadataWithLogout, RedirectUrl, Scope, StandardErrorResponse,
    StandardTokenResponse, TokenResponse as _, reqwest,
};
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;
use url::Url;

use crate::config::{AppConfig, OidcConfig};
use crate::domain::sso::{Identity, SsoSettings};

/// After a failed discovery, the next attempt waits this long.
const RETRY_EVERY: Duration = Duration::from_secs(60);
/// Discovery (and the signing keys it fetches) is refreshed this often, so rotated keys are
/// picked up; a failed refresh keeps the previous document.
const REFRESH_EVERY: Duration = Duration::from_secs(3600);
/// How long a request to the provider may take, and connecting to it (a sign-in page view
/// that retries discovery waits at most this long for a provider that doesn't answer).
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// Every claim the provider sent besides the standard ones (department, office...).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OtherClaims(HashMap<String, serde_json::Value>);

impl AdditionalClaims for OtherClaims {}

impl OtherClaims {
    fn text(&self, name: &str) -> Option<String> {
        match self.0.get(name)? {
            serde_json::Value::String(text) => Some(text.clone()),
            serde_json::Value::Array(items) => items.first()?.as_str().map(str::to_string),
            _ => None,
        }
    }

    fn flag(&self, name: &str) -> Option<bool> {
        match self.0.get(name)? {
            serde_json::Value::Bool(flag) => Some(*flag),
            serde_json::Value::String(text) => Some(text == "true"),
            _ => None,
        }
    }
}

type TokenResponse = StandardTokenResponse<
    IdTokenFields<
        OtherClaims,
        EmptyExtraTokenFields,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    >,
    CoreTokenType,
>;

type OidcClient = Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    TokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// A sign-in on its way through the provider, kept in the server-side session until the
/// provider sends the person back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flow {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// The page first asked for (already checked to be a local path).
    pub next: String,
    /// Seconds since the epoch.
    pub started_at: i64,
}

/// Why a sign-in through the provider did not finish. Each is shown as a page with a way back
/// and logged.
#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    #[error("the identity provider can't be reached")]
    Unavailable,
    #[error("the identity provider answered {error}: {description}")]
    Provider { error: String, description: String },
    #[error("no sign-in was under way in this browser (or it was already used)")]
    NoFlow,
    #[error("the state parameter does not match this browser's sign-in")]
    StateMismatch,
    #[error("the sign-in took too long")]
    Expired,
    #[error("the code exchange failed: {0}")]
    Exchange(String),
    #[error("the ID token was refused: {0}")]
    IdToken(String),
}

impl SsoError {
    /// What the person reads.
    pub fn message(&self) -> &'static str {
        match self {
            SsoError::Unavailable => {
                "Attune can't reach your identity provider right now. Try again in a minute, or sign in with your password if you have one."
            }
            SsoError::Provider { error, .. } if error == "access_denied" => {
                "Sign-in was cancelled at your identity provider, so you're not signed in."
            }
            SsoError::Provider { .. } => {
                "Your identity provider couldn't sign you in. Try again; if it keeps happening, tell your IT team."
            }
            SsoError::NoFlow | SsoError::StateMismatch => {
                "This sign-in link doesn't belong to a sign-in started in this browser, or it was already used. Start again from the sign-in page."
            }
            SsoError::Expired => {
                "The sign-in took too long, so it was stopped for your security. Start again from the sign-in page."
            }
            SsoError::Exchange(_) | SsoError::IdToken(_) => {
                "Attune couldn't confirm your sign-in with your identity provider. Start again from the sign-in page; if it keeps happening, tell your IT team (the clocks of both servers may differ)."
            }
        }
    }
}

#[derive(Default)]
struct Discovery {
    metadata: Option<(Arc<ProviderMetadataWithLogout>, Instant)>,
    last_attempt: Option<Instant>,
}

/// Sign-in with one identity provider, shared by every request of this instance.
pub struct Sso {
    config: OidcConfig,
    redirect_url: RedirectUrl,
    post_logout_url: String,
    http: reqwest::Client,
    discovery: RwLock<Discovery>,
    /// Origins Attune's forms may lead to (the button and sign-out redirect there), for the
    /// Content-Security-Policy's `form-action`: the issuer's, then the discovered endpoints'.
    form_targets: std::sync::RwLock<String>,
}

/// What the sign-in page shows.
pub enum Button {
    Ready(String),
    /// The provider couldn't be reached: the button is shown disabled.
    Unreachable(String),
}

impl Sso {
    pub fn new(config: OidcConfig, app: &AppConfig) -> anyhow::Result<Sso> {
        let http = reqwest::ClientBuilder::new()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(PROVIDER_TIMEOUT)
            .build()?;
        Ok(Sso {
            redirect_url: RedirectUrl::new(app.oidc_redirect_url())?,
            post_logout_url: app.url_for("/login"),
            form_targets: std::sync::RwLock::new(config.issuer.origin().ascii_serialization()),
            config,
            http,
            discovery: RwLock::new(Discovery::default()),
        })
    }

    pub fn label(&self) -> &str {
        &self.config.label
    }

    /// The button on the sign-in page (discovering the provider if that failed before).
    pub async fn button(&self) -> Button {
        match self.metadata().await {
            Some(_) => Button::Ready(self.config.label.clone()),
            None => Button::Unreachable(self.config.label.clone()),
        }
    }

    /// The provider's discovery document: discovered now when missing (at most once a
    /// minute) or older than an hour, otherwise the one held.
    pub async fn metadata(&self) -> Option<Arc<ProviderMetadataWithLogout>> {
        {
            let discovery = self.discovery.read().await;
            let fresh = discovery
                .metadata
                .as_ref()
                .filter(|(_, at)| at.elapsed() < REFRESH_EVERY);
            if let Some((metadata, _)) = fresh {
                return Some(metadata.clone());
            }
            if discovery
                .last_attempt
                .is_some_and(|at| at.elapsed() < RETRY_EVERY)
            {
                return discovery.metadata.as_ref().map(|(m, _)| m.clone());
            }
        }
        let mut discovery = self.discovery.write().await;
        if discovery
            .last_attempt
            .is_some_and(|at| at.elapsed() < RETRY_EVERY)
        {
            return discovery.metadata.as_ref().map(|(m, _)| m.clone());
        }
        discovery.last_attempt = Some(Instant::now());
        match self.discover().await {
            Ok(metadata) => {
                tracing::info!(issuer = %self.config.issuer, "discovered the identity provider");
                self.remember_form_targets(&metadata);
                let metadata = Arc::new(metadata);
                discovery.metadata = Some((metadata.clone(), Instant::now()));
                Some(metadata)
            }
            Err(err) => {
                tracing::warn!(issuer = %self.config.issuer, error = %err,
                    "could not discover the identity provider (ATTUNE_OIDC_ISSUER); the sign-in button stays off and discovery is tried again in a minute");
                discovery.metadata.as_ref().map(|(m, _)| m.clone())
            }
        }
    }

    /// The origins for `form-action` (space-separated).
    pub fn form_targets(&self) -> String {
        self.form_targets
            .read()
            .map(|targets| targets.clone())
            .unwrap_or_default()
    }

    fn remember_form_targets(&self, metadata: &ProviderMetadataWithLogout) {
        let mut origins = vec![self.config.issuer.origin().ascii_serialization()];
        let endpoints = [
            Some(metadata.authorization_endpoint().url().clone()),
            metadata
                .additional_metadata()
                .end_session_endpoint
                .as_ref()
                .map(|url| url.url().clone()),
        ];
        for url in endpoints.into_iter().flatten() {
            let origin = url.origin().ascii_serialization();
            if !origins.contains(&origin) {
                origins.push(origin);
            }
        }
        if let Ok(mut targets) = self.form_targets.write() {
            *targets = origins.join(" ");
        }
    }

    async fn discover(&self) -> anyhow::Result<ProviderMetadataWithLogout> {
        let issuer = IssuerUrl::new(self.config.issuer.as_str().trim_end_matches('/').into())?;
        let metadata = ProviderMetadataWithLogout::discover_async(issuer, &self.http)
            .await
            .map_err(|err| anyhow::anyhow!(error_chain(&err)))?;
        Ok(metadata)
    }

    fn client(&self, metadata: &ProviderMetadataWithLogout) -> OidcClient {
        Client::from_provider_metadata(
            metadata.clone(),
            ClientId::new(self.config.client_id.clone()),
            self.config.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(self.redirect_url.clone())
    }

    /// Where to send the person to sign in, and what to remember until they come back.
    pub async fn begin(&self, next: String, now: i64) -> Result<(Url, Flow), SsoError> {
        self.begin_with(next, now, false).await
    }

    /// Like [`Sso::begin`]; with `reauthenticate`, asks the provider to have the person sign in
    /// again even if it remembers them (`prompt=login`), to confirm it's them before a
    /// sensitive action.
    pub async fn begin_with(
        &self,
        next: String,
        now: i64,
        reauthenticate: bool,
    ) -> Result<(Url, Flow), SsoError> {
        let metadata = self.metadata().await.ok_or(SsoError::Unavailable)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let client = self.client(&metadata);
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge);
        if reauthenticate {
            request = request.add_prompt(CoreAuthPrompt::Login);
        }
        let (url, state, nonce) = request.url();
        let flow = Flow {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            next,
            started_at: now,
        };
        Ok((url, flow))
    }

    /// Checks the provider's answer against the flow this browser started, exchanges the code,
    /// verifies the ID token (signature, issuer, audience, expiry, nonce) and reads the claims
    /// (the ID token's, completed by the userinfo endpoint's). Returns the identity and the raw
    /// ID token (kept for signing out at the provider).
    pub async fn finish(
        &self,
        flow: Option<Flow>,
        state: &str,
        code: &str,
        settings: &SsoSettings,
        now: i64,
    ) -> Result<(Identity, String), SsoError> {
        let flow = flow.ok_or(SsoError::NoFlow)?;
        let expected = flow.state.as_bytes();
        if expected.len() != state.len() || !constant_eq(expected, state.as_bytes()) {
            return Err(SsoError::StateMismatch);
        }
        if crate::domain::sso::flow_expired(flow.started_at, now) {
            return Err(SsoError::Expired);
        }
        let metadata = self.metadata().await.ok_or(SsoError::Unavailable)?;
        let client = self.client(&metadata);
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|err| SsoError::Exchange(err.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(flow.pkce_verifier))
            .request_async(&self.http)
            .await
            .map_err(|err| SsoError::Exchange(error_chain(&err)))?;
        let id_token = response
            .id_token()
            .ok_or_else(|| SsoError::IdToken("the token response has no ID token".into()))?;
        let claims = id_token
            .claims(&client.id_token_verifier(), &Nonce::new(flow.nonce))
            .map_err(|err| SsoError::IdToken(error_chain(&err)))?;

        let mut email = claims.email().map(|e| e.as_str().to_string());
        let mut verified = claims.email_verified();
        let mut name = claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_string());
        let mut zoneinfo = claims.zoneinfo().map(|z| z.as_str().to_string());
        let mut extra = claims.additional_claims().clone();

        if let Ok(request) = client.user_info(
            response.access_token().clone(),
            Some(claims.subject().clone()),
        ) {
            match request
                .request_async::<OtherClaims, _, CoreGenderClaim>(&self.http)
                .await
            {
                Ok(info) => {
                    if let Some(e) = info.email() {
                        email = Some(e.as_str().to_string());
                        verified = info.email_verified();
                    }
                    if let Some(n) = info.name().and_then(|n| n.get(None)) {
                        name = Some(n.as_str().to_string());
                    }
                    if let Some(z) = info.zoneinfo() {
                        zoneinfo = Some(z.as_str().to_string());
                    }
                    extra.0.extend(info.additional_claims().0.clone());
                }
                Err(err) => tracing::warn!(error = %error_chain(&err),
                    "the identity provider's userinfo endpoint failed; using the ID token's claims"),
            }
        }

        let claim = |name: &str| -> Option<String> {
            if name.is_empty() {
                return None;
            }
            extra
                .text(name)
                .or_else(|| (name == "zoneinfo").then(|| zoneinfo.clone()).flatten())
        };
        // Microsoft Entra ID says an email's domain is verified with `xms_edov`.
        let verified = verified.unwrap_or(false) || extra.flag("xms_edov").unwrap_or(false);
        let identity = Identity {
            subject: claims.subject().as_str().to_string(),
            email,
            email_verified: verified,
            name,
            department: claim(&settings.department_claim),
            office: claim(&settings.office_claim),
            time_zone: claim(&settings.time_zone_claim),
        };
        Ok((identity, id_token.to_string()))
    }

    /// Where to send a person who signs out, to end their session at the provider too (when
    /// it offers an `end_session_endpoint`); it sends them back to the sign-in page.
    pub async fn sign_out_url(&self, id_token: Option<&str>) -> Option<Url> {
        let metadata = self.metadata().await?;
        let endpoint = metadata
            .additional_metadata()
            .end_session_endpoint
            .clone()?;
        let mut request = LogoutRequest::from(endpoint)
            .set_client_id(ClientId::new(self.config.client_id.clone()));
        if let Ok(url) = PostLogoutRedirectUrl::new(self.post_logout_url.clone()) {
            request = request.set_post_logout_redirect_uri(url);
        }
        if let Some(token) = id_token.and_then(|raw| raw.parse::<CoreIdToken>().ok()) {
            request = request.set_id_token_hint(&token);
        }
        Some(request.http_get_url())
    }
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// An error and its causes on one line, for the log.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
