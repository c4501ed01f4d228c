//! A real OpenID provider for tests: `tests/support/oidc/provider.mjs` (npm's `oidc-provider`)
//! on a free loopback port, with one client whose redirect URI is the test app's callback and
//! accounts kept in a JSON file the test may rewrite between two sign-ins.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use attune::config::OidcConfig;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use super::{Browser, location};

pub const CLIENT_ID: &str = "attune";
pub const CLIENT_SECRET: &str = "attune-test-secret";
pub const LABEL: &str = "Sign in with Test ID";

pub struct OidcProvider {
    pub issuer: String,
    accounts_file: PathBuf,
    child: Child,
}

fn node() -> String {
    std::env::var("ATTUNE_NODE").unwrap_or_else(|_| "node".into())
}

/// The test accounts: the key is the login typed at the provider, and the `sub`.
fn default_accounts() -> Value {
    json!({
        "ana": { "email": "ana@example.com", "email_verified": true, "name": "Ana Alvarez" },
        "ben": { "email": "ben@example.com", "email_verified": false, "name": "Ben Unverified" },
        "carla": { "email": "carla@other.test", "email_verified": true, "name": "Carla Elsewhere" },
        "dev": {
            "email": "dev@example.com", "email_verified": true, "name": "Dev Claims",
            "department": "Research", "office": "Lisbon", "zoneinfo": "Europe/Lisbon"
        },
        "erin": { "email": "erin@example.com", "email_verified": true, "name": "Erin Newcomer" }
    })
}

impl OidcProvider {
    /// Starts a provider that sends people back to the Attune at `app_address`.
    pub fn start(app_address: &str) -> OidcProvider {
        let accounts_file =
            std::env::temp_dir().join(format!("attune-oidc-{}.json", uuid::Uuid::new_v4()));
        std::fs::write(&accounts_file, default_accounts().to_string()).unwrap();
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/support/oidc/provider.mjs"
        );
        let mut child = Command::new(node())
            .arg(script)
            .arg(format!("{app_address}/auth/oidc/callback"))
            .arg(format!("{app_address}/login"))
            .arg(&accounts_file)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs (./scripts/test installs oidc-provider)");
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut line).unwrap();
        // Keep reading what it prints, so it never writes to a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let issuer = line.trim().to_string();
        assert!(
            issuer.starts_with("http://127.0.0.1:"),
            "the OpenID provider did not start (run npm ci --prefix tests/support/oidc): {line:?}"
        );
        OidcProvider {
            issuer,
            accounts_file,
            child,
        }
    }

    /// The settings Attune runs with for this provider.
    pub fn config(&self) -> OidcConfig {
        OidcConfig {
            issuer: self.issuer.parse().unwrap(),
            client_id: CLIENT_ID.into(),
            client_secret: Some(CLIENT_SECRET.into()),
            label: LABEL.into(),
        }
    }

    /// Replaces one account's claims (read by the provider at the next sign-in).
    pub fn set_account(&self, login: &str, claims: Value) {
        let mut accounts: Value =
            serde_json::from_str(&std::fs::read_to_string(&self.accounts_file).unwrap()).unwrap();
        accounts[login] = claims;
        std::fs::write(&self.accounts_file, accounts.to_string()).unwrap();
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.accounts_file);
    }
}

/// The value of an attribute in one HTML tag.
fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!("{name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].replace("&amp;", "&"))
}

/// The first form of a page: its action and the fields a person would send (hidden inputs,
/// plus `login` and `password` on the provider's sign-in form).
fn first_form(html: &str, login: &str) -> (String, Vec<(String, String)>) {
    let form_start = html.find("<form").expect("the provider shows a form");
    let form_tag = &html[form_start..form_start + html[form_start..].find('>').unwrap()];
    let action = attr(form_tag, "action").expect("the form has an action");
    let form_end = html[form_start..].find("</form>").unwrap() + form_start;
    let mut fields = Vec::new();
    let mut rest = &html[form_start..form_end];
    while let Some(at) = rest.find("<input") {
        let tag = &rest[at..at + rest[at..].find('>').unwrap()];
        if let Some(name) = attr(tag, "name") {
            let value = match name.as_str() {
                "login" => login.to_string(),
                "password" => "any password".to_string(),
                _ => attr(tag, "value").unwrap_or_default(),
            };
            fields.push((name, value));
        }
        rest = &rest[at + 6..];
    }
    (action, fields)
}

fn absolute(base: &str, target: &str) -> String {
    reqwest::Url::parse(base)
        .unwrap()
        .join(target)
        .unwrap()
        .to_string()
}

impl Browser {
    /// Clicks the SSO button and goes through the provider's sign-in and consent forms as
    /// `login`, following redirects; returns the URL the provider sends the browser back to
    /// (not yet opened).
    pub async fn provider_round_trip(&self, login: &str, next: &str) -> String {
        let response = self.post("/auth/oidc/start", &[("next", next)]).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "the button leads to the provider"
        );
        self.follow_to_callback(location(&response), login).await
    }

    /// Follows the provider's redirects and forms until it sends the browser back to Attune.
    pub async fn follow_to_callback(&self, mut url: String, login: &str) -> String {
        let callback = self.url("/auth/oidc/callback");
        for _ in 0..20 {
            if url.starts_with(&callback) {
                return url;
            }
            let response: Response = self.client.get(&url).send().await.unwrap();
            if response.status().is_redirection() {
                url = absolute(&url, &location(&response));
                continue;
            }
            assert_eq!(
                response.status(),
                StatusCode::OK,
                "the provider shows a page at {url}"
            );
            let html = response.text().await.unwrap();
            let (action, fields) = first_form(&html, login);
            let posted = self
                .client
                .post(absolute(&url, &action))
                .form(&fields)
                .send()
                .await
                .unwrap();
            assert!(
                posted.status().is_redirection(),
                "the provider's form redirects"
            );
            url = absolute(&url, &location(&posted));
        }
        panic!("the provider never sent the browser back to Attune");
    }

    /// Signs in through the provider as `login`; returns Attune's answer at the callback.
    pub async fn sign_in_with_provider(&self, login: &str, next: &str) -> Response {
        let callback = self.provider_round_trip(login, next).await;
        self.client.get(callback).send().await.unwrap()
    }
}
