//! Password hashing and single-use tokens.
//!
//! Argon2id with at least the OWASP minimum (m = 19456 KiB, t = 2, p = 1), always on a
//! blocking thread so a sign-in never stalls the async runtime, and at most one hash per core
//! at a time: each takes 19 MiB, so a burst of sign-ins queues instead of growing the process
//! by 19 MiB a request.

use std::sync::LazyLock;

use anyhow::Context;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash of a password nobody has, verified against when the email is unknown so that a wrong
/// email and a wrong password take the same time.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(b"attune-dummy-password-never-matches", &salt)
        .expect("hashing a constant works")
        .to_string()
});

/// How many password hashes may run at once: one per core.
static HASHING: LazyLock<tokio::sync::Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    tokio::sync::Semaphore::new(cores)
});

/// Hashes a password with Argon2id (PHC string format).
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    let _turn = HASHING.acquire().await.context("password hashing queue")?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|err| anyhow::anyhow!("hashing a password: {err}"))
    })
    .await
    .context("password hashing task")?
}

/// Checks a password against a stored hash. With no stored hash (unknown email, or a person
/// who has not set a password yet) a dummy hash is checked instead and the answer is `false`.
pub async fn verify_password(password: String, stored: Option<String>) -> anyhow::Result<bool> {
    let _turn = HASHING.acquire().await.context("password hashing queue")?;
    tokio::task::spawn_blocking(move || {
        let (hash, real) = match stored {
            Some(hash) => (hash, true),
            None => (DUMMY_HASH.clone(), false),
        };
        let parsed = PasswordHash::new(&hash)
            .map_err(|err| anyhow::anyhow!("stored password hash is malformed: {err}"))?;
        let matches = argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(real && matches)
    })
    .await
    .context("password verification task")?
}

/// A fresh random token for a link (256 bits, URL-safe).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored for a token: its SHA-256 digest, never the token itself.
pub fn token_digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A signature for `data` with the installation's key (HMAC-SHA256, URL-safe), for links
/// that must work without signing in (one-click unsubscribe).
pub fn sign(key: &[u8], data: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(data.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Whether `signature` is [`sign`]'s for `data` (compared in constant time).
pub fn verify_signature(key: &[u8], data: &str, signature: &str) -> bool {
    use hmac::{Hmac, Mac};
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(signature) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(data.as_bytes());
    mac.verify_slice(&bytes).is_ok()
}
