//! Sessions, passwords and cookies. A session token is 32 random bytes from the operating system, sent
//! to the browser once in a `HttpOnly; SameSite=Strict` cookie (and `Secure` unless the explicit dev
//! flag says otherwise); the database keeps only its SHA-256, so a copy of the database does not let
//! anyone sign in. Each login makes a new token (the session id is renewed), and the CSRF token of
//! the session is another 32 random bytes, stored with it.
//!
//! Passwords are argon2id PHC strings with argon2's default parameters (19 MiB, 2 passes).

use argon2::{Argon2, PasswordHasher, PasswordVerifier};

use crate::WebError;

/// The cookie that carries the session token.
pub const SESSION_COOKIE: &str = "egov_session";
/// The cookie that remembers the language chosen with `?lang=`.
pub const LANG_COOKIE: &str = "lang";

/// `n` random bytes from the operating system as lowercase hex.
pub fn random_hex(n: usize) -> Result<String, WebError> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).map_err(|e| WebError::Internal(format!("getrandom: {e}")))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// A new session token (256 bits).
pub fn new_token() -> Result<String, WebError> {
    random_hex(32)
}

/// What the database keeps of a token.
pub fn token_hash(token: &str) -> String {
    egov_store::sha256_hex(token.as_bytes())
}

/// A random password for a demo or a new account: 16 letters and digits without look-alikes.
pub fn new_password() -> Result<String, WebError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut buf = [0u8; 16];
    getrandom::fill(&mut buf).map_err(|e| WebError::Internal(format!("getrandom: {e}")))?;
    // 256 is not a multiple of the alphabet's length; the bias (< 1 bit over 16 characters) is harmless.
    Ok(buf
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect())
}

/// The argon2id PHC string of `password` with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, WebError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| WebError::Internal(format!("getrandom: {e}")))?;
    Argon2::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| WebError::Internal(format!("argon2: {e}")))
}

/// Whether `password` matches the PHC string (a malformed string matches nothing).
pub fn verify_password(password: &str, phc: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), phc)
        .is_ok()
}

/// The value of cookie `name` in a request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: always `Path=/; HttpOnly; SameSite=Strict`, `Secure` when configured.
/// `max_age` 0 deletes the cookie.
pub fn set_cookie(name: &str, value: &str, max_age_s: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; Max-Age={max_age_s}; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let h = hash_password("mật khẩu").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("mật khẩu", &h));
        assert!(!verify_password("mat khau", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_fresh() {
        let a = new_token().unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_token().unwrap());
        assert_ne!(token_hash(&a), a);
        assert_eq!(new_password().unwrap().len(), 16);
    }
}
