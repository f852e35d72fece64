//! Standard Webhooks signatures: HMAC-SHA256 over `{id}.{timestamp}.{body}`.

use std::fmt;

use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::secret::WebhookSecret;

const VERSION_PREFIX: &str = "v1,";

/// The `webhook-signature` value: one `v1,` signature per secret, space-separated, so receivers
/// keep verifying while they move from the previous secret to the current one. Pass the current
/// secret first. An empty slice yields an empty header, which every receiver rejects.
pub fn signature_header(
    secrets: &[&WebhookSecret],
    msg_id: &str,
    timestamp: i64,
    body: &[u8],
) -> String {
    secrets
        .iter()
        .map(|secret| {
            let tag = tag(secret, msg_id, timestamp, body);
            format!("{VERSION_PREFIX}{}", STANDARD.encode(tag.as_ref()))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether any `v1` signature in `header` is valid for `secret`. The timestamp tolerance is the
/// receiver's policy, so it is not checked here.
pub fn verify(
    secret: &WebhookSecret,
    msg_id: &str,
    timestamp: i64,
    body: &[u8],
    header: &str,
) -> bool {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let signed = signed_content(msg_id, timestamp, body);
    header
        .split_whitespace()
        .filter_map(|candidate| candidate.strip_prefix(VERSION_PREFIX))
        .filter_map(|b64| STANDARD.decode(b64).ok())
        // `hmac::verify` compares in constant time.
        .any(|sig| hmac::verify(&key, &signed, &sig).is_ok())
}

fn tag(secret: &WebhookSecret, msg_id: &str, timestamp: i64, body: &[u8]) -> hmac::Tag {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    hmac::sign(&key, &signed_content(msg_id, timestamp, body))
}

fn signed_content(msg_id: &str, timestamp: i64, body: &[u8]) -> Vec<u8> {
    let timestamp = timestamp.to_string();
    let mut content = Vec::with_capacity(msg_id.len() + timestamp.len() + body.len() + 2);
    content.extend_from_slice(msg_id.as_bytes());
    content.push(b'.');
    content.extend_from_slice(timestamp.as_bytes());
    content.push(b'.');
    content.extend_from_slice(body);
    content
}

/// The three Standard Webhooks headers of one delivery attempt.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    pub id: String,
    pub timestamp: i64,
    pub signature: String,
}

impl SignedHeaders {
    pub fn new(
        secrets: &[&WebhookSecret],
        id: impl Into<String>,
        timestamp: i64,
        body: &[u8],
    ) -> Self {
        let id = id.into();
        let signature = signature_header(secrets, &id, timestamp, body);
        Self {
            id,
            timestamp,
            signature,
        }
    }
}

// A signature lets anyone replay the delivery to the receiver, so it stays out of logs.
impl fmt::Debug for SignedHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedHeaders")
            .field("id", &self.id)
            .field("timestamp", &self.timestamp)
            .field("signature", &"<redacted>")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const MSG_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TIMESTAMP: i64 = 1614265330;
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    const EXPECTED: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    fn example() -> WebhookSecret {
        WebhookSecret::parse(SECRET).expect("example secret parses")
    }

    #[test]
    fn matches_the_standard_webhooks_test_vector() {
        let secret = example();
        assert_eq!(
            signature_header(&[&secret], MSG_ID, TIMESTAMP, BODY),
            EXPECTED
        );
    }

    #[test]
    fn one_signature_per_secret_current_first() {
        let current = example();
        let previous = WebhookSecret::generate();
        let header = signature_header(&[&current, &previous], MSG_ID, TIMESTAMP, BODY);
        let parts: Vec<&str> = header.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], EXPECTED);
        assert!(verify(&previous, MSG_ID, TIMESTAMP, BODY, &header));
        assert!(verify(&current, MSG_ID, TIMESTAMP, BODY, &header));
    }

    #[test]
    fn no_secret_no_signature() {
        assert_eq!(signature_header(&[], MSG_ID, TIMESTAMP, BODY), "");
    }

    #[test]
    fn verify_accepts_the_test_vector() {
        assert!(verify(&example(), MSG_ID, TIMESTAMP, BODY, EXPECTED));
    }

    #[test]
    fn verify_rejects_changes_to_any_signed_part() {
        let secret = example();
        assert!(!verify(&secret, "msg_other", TIMESTAMP, BODY, EXPECTED));
        assert!(!verify(&secret, MSG_ID, TIMESTAMP + 1, BODY, EXPECTED));
        assert!(!verify(&secret, MSG_ID, TIMESTAMP, b"{}", EXPECTED));
        assert!(!verify(
            &WebhookSecret::generate(),
            MSG_ID,
            TIMESTAMP,
            BODY,
            EXPECTED
        ));
    }

    #[test]
    fn verify_rejects_malformed_headers() {
        let secret = example();
        assert!(!verify(&secret, MSG_ID, TIMESTAMP, BODY, ""));
        assert!(!verify(&secret, MSG_ID, TIMESTAMP, BODY, &EXPECTED[3..]));
        assert!(!verify(
            &secret,
            MSG_ID,
            TIMESTAMP,
            BODY,
            &EXPECTED.replace("v1,", "v2,")
        ));
        assert!(!verify(&secret, MSG_ID, TIMESTAMP, BODY, "v1,!!!"));
        let truncated = &EXPECTED[..EXPECTED.len() - 4];
        assert!(!verify(&secret, MSG_ID, TIMESTAMP, BODY, truncated));
    }

    #[test]
    fn verify_finds_a_valid_signature_among_others() {
        let header = format!("v1a,abc v1,AAAA {EXPECTED}");
        assert!(verify(&example(), MSG_ID, TIMESTAMP, BODY, &header));
    }

    #[test]
    fn signed_headers_sign_their_own_id_and_timestamp() {
        let secret = example();
        let headers = SignedHeaders::new(&[&secret], MSG_ID, TIMESTAMP, BODY);
        assert_eq!(headers.id, MSG_ID);
        assert_eq!(headers.timestamp, TIMESTAMP);
        assert_eq!(headers.signature, EXPECTED);
    }

    #[test]
    fn signed_headers_debug_redacts_the_signature() {
        let headers = SignedHeaders::new(&[&example()], MSG_ID, TIMESTAMP, BODY);
        let shown = format!("{headers:?}");
        assert!(shown.contains(MSG_ID));
        assert!(!shown.contains("g0hM9SsE"));
    }
}
