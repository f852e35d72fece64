//! The record of one delivery attempt and what it means for the delivery.

use std::time::Duration;

/// Enough of a receiver's answer to debug it, too little to store anything it shouldn't have sent.
pub const EXCERPT_BYTES: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The receiver's status, if it answered at all.
    pub status: Option<u16>,
    /// Why the attempt failed, short and free of URLs and secrets.
    pub error: Option<String>,
    /// The start of the response body, lossy UTF-8, at most [`EXCERPT_BYTES`] bytes.
    pub excerpt: Option<String>,
    pub duration: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Succeeded,
    /// 410: the receiver says the endpoint is gone for good; the caller disables it.
    Gone,
    Retry,
}

impl Attempt {
    pub fn verdict(&self) -> Verdict {
        match self.status {
            Some(200..=299) => Verdict::Succeeded,
            Some(410) => Verdict::Gone,
            _ => Verdict::Retry,
        }
    }
}

/// Lossy decoding can grow the text (a cut character becomes a 3-byte U+FFFD), so the bound is
/// applied again to the decoded string, on a character boundary.
pub(crate) fn excerpt(body: &[u8]) -> Option<String> {
    let head = &body[..body.len().min(EXCERPT_BYTES)];
    if head.is_empty() {
        return None;
    }
    let mut text = String::from_utf8_lossy(head).into_owned();
    let mut end = text.len().min(EXCERPT_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_status(status: Option<u16>) -> Attempt {
        Attempt {
            status,
            error: None,
            excerpt: None,
            duration: Duration::ZERO,
        }
    }

    #[test]
    fn verdicts() {
        for s in [200, 201, 204, 299] {
            assert_eq!(with_status(Some(s)).verdict(), Verdict::Succeeded, "{s}");
        }
        assert_eq!(with_status(Some(410)).verdict(), Verdict::Gone);
        for s in [100, 199, 300, 301, 302, 304, 400, 404, 429, 500, 503] {
            assert_eq!(with_status(Some(s)).verdict(), Verdict::Retry, "{s}");
        }
        assert_eq!(with_status(None).verdict(), Verdict::Retry);
    }

    #[test]
    fn excerpt_is_bounded() {
        assert_eq!(excerpt(b""), None);
        assert_eq!(excerpt(b"ok").as_deref(), Some("ok"));
        let long = vec![b'a'; 10_000];
        assert_eq!(excerpt(&long).map(|e| e.len()), Some(EXCERPT_BYTES));
    }

    #[test]
    fn excerpt_is_lossy_utf8_within_the_bound() {
        // 255 ASCII bytes then a 2-byte character cut in half by the bound.
        let mut body = vec![b'a'; 255];
        body.extend_from_slice("é".as_bytes());
        let text = excerpt(&body).expect("non-empty");
        assert!(text.len() <= EXCERPT_BYTES);
        assert_eq!(text, "a".repeat(255));

        let text = excerpt(&[0xff, b'x']).expect("non-empty");
        assert_eq!(text, "\u{fffd}x");
    }
}
