//! The rules a webhook URL must meet (https, a public host, no credentials), checked when an
//! endpoint is saved and, through [`resolve`], again on every connection.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_resolver::TokioResolver;
use url::{Host, Url};

use crate::address::is_public;
use crate::dns;

pub const ALLOW_PRIVATE_VAR: &str = "WEBHOOK_ALLOW_PRIVATE_URLS";
const MAX_URL_LEN: usize = 2048;
/// Saving an endpoint waits on this; the resolver's own retries could otherwise take half a minute.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// Messages are addressed to the API caller who submitted the URL.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum UrlError {
    #[error("url must be an absolute URL")]
    Invalid,
    #[error("url must be at most 2048 characters")]
    TooLong,
    #[error("url must use https")]
    NotHttps,
    #[error("url must use http or https")]
    NotHttp,
    #[error("url must have a host")]
    NoHost,
    #[error(
        "url host must be a name of letters, digits and hyphens, in labels separated by dots, \
         the last starting with a letter (or an IP address)"
    )]
    BadHost,
    #[error("url must not contain a username or password")]
    Credentials,
    #[error("url port must be 1 to 65535")]
    PortZero,
    #[error(
        "url must not point to a private, loopback, link-local, multicast or unspecified address"
    )]
    NotPublic,
    #[error("url host could not be resolved")]
    Unresolvable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UrlPolicy {
    allow_private: bool,
}

impl UrlPolicy {
    pub fn new(allow_private: bool) -> Self {
        Self { allow_private }
    }

    /// `true` opens the gate, `false` or nothing keeps it closed; anything else stops the
    /// function at start-up, naming the variable (a typo must not pass for either).
    pub fn from_env() -> Result<Self, String> {
        Self::from_env_value(std::env::var(ALLOW_PRIVATE_VAR).ok().as_deref())
    }

    pub fn from_env_value(value: Option<&str>) -> Result<Self, String> {
        match value {
            None | Some("false") => Ok(Self::new(false)),
            Some("true") => Ok(Self::new(true)),
            Some(other) => Err(format!(
                "{ALLOW_PRIVATE_VAR} must be true or false, not {other:?}"
            )),
        }
    }

    pub fn allows_private(&self) -> bool {
        self.allow_private
    }

    /// Everything that can be judged without DNS. A literal IP host is judged here because
    /// connectors never resolve one, so no resolver gets a second look at it.
    pub fn check_syntax(&self, raw: &str) -> Result<Url, UrlError> {
        if raw.len() > MAX_URL_LEN {
            return Err(UrlError::TooLong);
        }
        let url = Url::parse(raw).map_err(|_| UrlError::Invalid)?;
        // The sender speaks through `http::Uri`, which is stricter than the URL standard (a `{`
        // in a query, say); refusing such URLs here beats retrying them for a day.
        if url.as_str().parse::<http::Uri>().is_err() {
            return Err(UrlError::Invalid);
        }
        match (url.scheme(), self.allow_private) {
            ("https", _) | ("http", true) => {}
            (_, false) => return Err(UrlError::NotHttps),
            (_, true) => return Err(UrlError::NotHttp),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(UrlError::Credentials);
        }
        // Nothing listens on port 0: every attempt would fail, for a day of retries.
        if url.port() == Some(0) {
            return Err(UrlError::PortZero);
        }
        let ip = match url.host() {
            None => return Err(UrlError::NoHost),
            Some(Host::Domain(name)) if is_host_name(name) && written_as(raw, name) => None,
            // The URL standard takes `*`, `_` and the like in a host; DNS names and the
            // document's pattern do not.
            Some(Host::Domain(_)) => return Err(UrlError::BadHost),
            Some(Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
            Some(Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
        };
        if let Some(ip) = ip {
            self.check_ip(ip)?;
        }
        Ok(url)
    }

    /// [`check_syntax`](Self::check_syntax), then what the host resolves to right now.
    pub async fn check(&self, raw: &str) -> Result<Url, UrlError> {
        let url = self.check_syntax(raw)?;
        if let Some(Host::Domain(domain)) = url.host() {
            tokio::time::timeout(RESOLVE_TIMEOUT, self.resolve(domain))
                .await
                .map_err(|_| UrlError::Unresolvable)??;
        }
        Ok(url)
    }

    /// Resolves `host` and refuses the lot if any address is not public: an attacker's DNS could
    /// order its answers, so "the first public one" would not be a safe pick.
    pub(crate) async fn resolve(&self, host: &str) -> Result<Vec<SocketAddr>, UrlError> {
        let resolver = dns::system().ok_or(UrlError::Unresolvable)?;
        self.resolve_with(resolver, host).await
    }

    pub(crate) async fn resolve_with(
        &self,
        resolver: &TokioResolver,
        host: &str,
    ) -> Result<Vec<SocketAddr>, UrlError> {
        let ips = dns::lookup(resolver, host)
            .await
            .ok_or(UrlError::Unresolvable)?;
        for ip in &ips {
            self.check_ip(*ip)?;
        }
        Ok(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)).collect())
    }

    fn check_ip(&self, ip: IpAddr) -> Result<(), UrlError> {
        if self.allow_private || is_public(ip) {
            Ok(())
        } else {
            Err(UrlError::NotPublic)
        }
    }
}

/// A host name as the document's pattern writes it: labels of ASCII letters and digits with
/// single hyphens inside, the last one starting with a letter. (A label DNS cannot hold, over
/// 63 characters, resolves to nothing: taken, as any name resolving to nothing yet.)
fn is_host_name(name: &str) -> bool {
    let label = |l: &str| {
        !l.is_empty()
            && l.split('-')
                .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric()))
    };
    name.split('.').all(label)
        && name
            .rsplit('.')
            .next()
            .is_some_and(|last| last.starts_with(|c: char| c.is_ascii_alphabetic()))
}

/// Whether `raw` writes its host as `name` (the URL parser's): not through percent-escapes
/// or characters the parser maps to ASCII, which the document's pattern does not take.
fn written_as(raw: &str, name: &str) -> bool {
    let Some((_, rest)) = raw.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.split(':').next().unwrap_or_default();
    host.eq_ignore_ascii_case(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLOSED: UrlPolicy = UrlPolicy {
        allow_private: false,
    };
    const OPEN: UrlPolicy = UrlPolicy {
        allow_private: true,
    };

    #[test]
    fn only_exact_true_allows_private() {
        assert!(
            UrlPolicy::from_env_value(Some("true"))
                .unwrap()
                .allows_private()
        );
        for v in [None, Some("false")] {
            assert!(
                !UrlPolicy::from_env_value(v).unwrap().allows_private(),
                "{v:?}"
            );
        }
        for v in [
            Some(""),
            Some("TRUE"),
            Some("1"),
            Some("yes"),
            Some(" true"),
        ] {
            let e = UrlPolicy::from_env_value(v).unwrap_err();
            assert!(e.contains(ALLOW_PRIVATE_VAR), "{v:?}: {e}");
        }
    }

    #[test]
    fn accepts_public_https_with_port_path_and_query() {
        let url = CLOSED
            .check_syntax("https://hooks.example.com:8443/in?x=1")
            .expect("valid");
        assert_eq!(url.port(), Some(8443));
        assert!(CLOSED.check_syntax("https://8.8.8.8/").is_ok());
        assert!(CLOSED.check_syntax("https://[2606:4700::1111]/").is_ok());
    }

    #[test]
    fn http_only_when_private_allowed() {
        assert_eq!(
            CLOSED.check_syntax("http://example.com/"),
            Err(UrlError::NotHttps)
        );
        assert!(OPEN.check_syntax("http://example.com/").is_ok());
        assert_eq!(
            CLOSED.check_syntax("ftp://example.com/"),
            Err(UrlError::NotHttps)
        );
        assert_eq!(
            OPEN.check_syntax("ftp://example.com/"),
            Err(UrlError::NotHttp)
        );
    }

    #[test]
    fn refuses_credentials() {
        for url in [
            "https://user:pw@example.com/",
            "https://user@example.com/",
            "https://:pw@example.com/",
        ] {
            assert_eq!(
                CLOSED.check_syntax(url),
                Err(UrlError::Credentials),
                "{url}"
            );
            assert_eq!(OPEN.check_syntax(url), Err(UrlError::Credentials), "{url}");
        }
    }

    #[test]
    fn refuses_non_public_literal_ips() {
        for url in [
            "https://127.0.0.1/",
            "https://[::1]/",
            "https://169.254.169.254/latest/meta-data/",
            "https://[::ffff:127.0.0.1]/",
            "https://[::ffff:169.254.169.254]/",
            "https://[64:ff9b::a9fe:a9fe]/",
            "https://0.0.0.0/",
            "https://[::]/",
            "https://10.1.2.3:8080/",
            "https://[fd00::1]/",
            // The URL standard reads these as IPv4 addresses; so do we.
            "https://2130706433/",
            "https://0x7f.1/",
            "https://127.1/",
        ] {
            assert_eq!(CLOSED.check_syntax(url), Err(UrlError::NotPublic), "{url}");
            assert!(OPEN.check_syntax(url).is_ok(), "{url}");
        }
    }

    #[test]
    fn a_host_name_is_letters_digits_and_inner_hyphens() {
        for ok in [
            "https://hooks.example.com/",
            "https://a/",
            "https://x-1.b2.example/",
            "https://3com.example/",
            "https://EXAMPLE.COM/in",
            "https://example.com:8443?x=1",
            &format!("https://{}.example/", "a".repeat(64)),
        ] {
            assert!(CLOSED.check_syntax(ok).is_ok(), "{ok}");
        }
        for bad in [
            "https://A*",
            "https://a*b.example.com/",
            "https://a_b.example.com/",
            "https://-a.example.com/",
            "https://a-.example.com/",
            "https://a--b.example.com/",
            "https://example.com./",
            "https://example.1a/",
            "https://a%2Ab.example/",
            "https://xn--bcher-kva.example/",
            "https://ｅxample.com/",
            "https://bücher.example/",
        ] {
            assert_eq!(CLOSED.check_syntax(bad), Err(UrlError::BadHost), "{bad}");
            assert_eq!(OPEN.check_syntax(bad), Err(UrlError::BadHost), "{bad}");
        }
    }

    #[test]
    fn refuses_garbage_and_hostless() {
        assert_eq!(CLOSED.check_syntax("not a url"), Err(UrlError::Invalid));
        assert_eq!(CLOSED.check_syntax("/relative"), Err(UrlError::Invalid));
        assert_eq!(CLOSED.check_syntax("https://"), Err(UrlError::Invalid));
        assert_eq!(CLOSED.check_syntax(""), Err(UrlError::Invalid));
    }

    #[test]
    fn limits_length() {
        let base = "https://example.com/";
        let fits = format!("{base}{}", "a".repeat(MAX_URL_LEN - base.len()));
        assert!(CLOSED.check_syntax(&fits).is_ok());
        let long = format!("{fits}a");
        assert_eq!(CLOSED.check_syntax(&long), Err(UrlError::TooLong));
    }

    #[test]
    fn messages_speak_to_the_caller() {
        assert_eq!(UrlError::NotHttps.to_string(), "url must use https");
        assert_eq!(
            UrlError::NotPublic.to_string(),
            "url must not point to a private, loopback, link-local, multicast or unspecified address"
        );
        assert_eq!(
            UrlError::Unresolvable.to_string(),
            "url host could not be resolved"
        );
    }

    #[tokio::test]
    async fn check_refuses_names_resolving_to_loopback() {
        assert_eq!(
            CLOSED.check("https://localhost/").await,
            Err(UrlError::NotPublic)
        );
        assert!(OPEN.check("https://localhost/").await.is_ok());
        assert!(OPEN.check("http://localhost:8080/").await.is_ok());
    }

    #[tokio::test]
    async fn check_refuses_unresolvable_names() {
        // .invalid is reserved never to resolve (RFC 2606).
        assert_eq!(
            CLOSED.check("https://nothing.invalid/").await,
            Err(UrlError::Unresolvable)
        );
        assert_eq!(
            OPEN.check("https://nothing.invalid/").await,
            Err(UrlError::Unresolvable)
        );
    }

    #[tokio::test]
    async fn check_runs_syntax_first() {
        assert_eq!(
            CLOSED.check("http://localhost/").await,
            Err(UrlError::NotHttps)
        );
        assert_eq!(
            CLOSED.check("https://[::1]/").await,
            Err(UrlError::NotPublic)
        );
    }
}
