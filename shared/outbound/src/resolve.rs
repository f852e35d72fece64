//! The sender's DNS: every connection resolves through the URL policy, so a name that pointed at
//! a public address when the endpoint was saved cannot later be rebound to an internal one.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use hyper_util::client::legacy::connect::dns::Name;
use tower_service::Service;

use crate::guard::{UrlError, UrlPolicy};

#[derive(Debug, Clone, Copy)]
pub(crate) struct GuardedResolver {
    policy: UrlPolicy,
}

impl GuardedResolver {
    pub(crate) fn new(policy: UrlPolicy) -> Self {
        Self { policy }
    }
}

type Addrs = std::vec::IntoIter<SocketAddr>;

impl Service<Name> for GuardedResolver {
    type Response = Addrs;
    type Error = UrlError;
    type Future = Pin<Box<dyn Future<Output = Result<Addrs, UrlError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), UrlError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let policy = self.policy;
        Box::pin(async move { Ok(policy.resolve(name.as_str()).await?.into_iter()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn name(s: &str) -> Name {
        Name::from_str(s).expect("valid name")
    }

    #[tokio::test]
    async fn refuses_loopback_names_unless_allowed() {
        let mut closed = GuardedResolver::new(UrlPolicy::new(false));
        assert_eq!(
            closed.call(name("localhost")).await.err(),
            Some(UrlError::NotPublic)
        );

        let mut open = GuardedResolver::new(UrlPolicy::new(true));
        let addrs: Vec<SocketAddr> = open
            .call(name("localhost"))
            .await
            .expect("resolves")
            .collect();
        assert!(!addrs.is_empty());
        assert!(addrs.iter().all(|a| a.ip().is_loopback()));
    }

    #[tokio::test]
    async fn unresolvable_names_are_an_error() {
        let mut open = GuardedResolver::new(UrlPolicy::new(true));
        assert_eq!(
            open.call(name("nothing.invalid")).await.err(),
            Some(UrlError::Unresolvable)
        );
    }
}
