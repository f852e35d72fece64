//! Name lookups for webhook hosts, in the task that asks. The system's `getaddrinfo` blocks a
//! thread of the runtime's blocking pool until the name server answers or its retries run
//! out (half a minute for a server that never answers), and a timeout around it frees the
//! task, not the thread. Endpoint owners choose the hosts, so a few hundred endpoints on a
//! silent name server would fill the pool, and every file read and every RFA inspection of
//! the process would queue behind them. This resolver sends its queries from the task, so a
//! lookup that is given up is dropped with nothing left running.

use std::net::IpAddr;
use std::sync::OnceLock;

use hickory_resolver::config::LookupIpStrategy;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::{ResolverBuilder, TokioResolver};

/// The name servers, search domains, timeouts and hosts file the system configures
/// (`/etc/resolv.conf`, `/etc/hosts`), read once per process; `None` when they cannot be
/// read, and then no host resolves.
pub(crate) fn system() -> Option<&'static TokioResolver> {
    static SYSTEM: OnceLock<Option<TokioResolver>> = OnceLock::new();
    SYSTEM
        .get_or_init(|| match TokioResolver::builder_tokio() {
            Ok(builder) => build(builder),
            Err(e) => {
                tracing::error!(error = %e, "DNS configuration unreadable: webhook hosts will not resolve");
                None
            }
        })
        .as_ref()
}

/// Every address of both families, so that the policy judges all of them (a name can list
/// a public address beside an internal one).
pub(crate) fn build(mut builder: ResolverBuilder<TokioRuntimeProvider>) -> Option<TokioResolver> {
    builder.options_mut().ip_strategy = LookupIpStrategy::Ipv4AndIpv6;
    match builder.build() {
        Ok(resolver) => Some(resolver),
        Err(e) => {
            tracing::error!(error = %e, "DNS resolver not built: webhook hosts will not resolve");
            None
        }
    }
}

/// The addresses `host` has now; `None` when it has none or the lookup fails.
pub(crate) async fn lookup(resolver: &TokioResolver, host: &str) -> Option<Vec<IpAddr>> {
    let found: Vec<IpAddr> = resolver.lookup_ip(host).await.ok()?.iter().collect();
    (!found.is_empty()).then_some(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guard::UrlPolicy;
    use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
    use std::net::Ipv4Addr;
    use std::time::Duration;

    fn threads() -> usize {
        std::fs::read_dir("/proc/self/task")
            .expect("Linux lists a process's threads")
            .count()
    }

    /// What filled the blocking pool with `getaddrinfo`: hundreds of hosts whose name server
    /// never answers, each lookup given up by its caller's timeout.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn lookups_a_silent_name_server_never_answers_hold_no_thread() {
        // Bound and never read: queries arrive and nothing comes back.
        let silent = std::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).expect("a UDP port");
        let mut udp = ConnectionConfig::udp();
        udp.port = silent.local_addr().expect("its address").port();
        let server = NameServerConfig::new(Ipv4Addr::LOCALHOST.into(), true, vec![udp]);
        let mut builder = TokioResolver::builder_with_config(
            ResolverConfig::from_name_servers(vec![server]),
            TokioRuntimeProvider::default(),
        );
        builder.options_mut().timeout = Duration::from_secs(30);
        let resolver = build(builder).expect("a resolver");
        let policy = UrlPolicy::new(false);

        let before = threads();
        let mut lookups = tokio::task::JoinSet::new();
        for i in 0..600 {
            let resolver = resolver.clone();
            lookups.spawn(async move {
                let host = format!("host-{i}.example");
                tokio::time::timeout(
                    Duration::from_millis(300),
                    policy.resolve_with(&resolver, &host),
                )
                .await
            });
        }
        let mut given_up = 0;
        while let Some(outcome) = lookups.join_next().await {
            let outcome = outcome.expect("the lookup task ran");
            assert!(outcome.is_err(), "a silent server answered: {outcome:?}");
            given_up += 1;
        }
        assert_eq!(given_up, 600);
        let after = threads();
        assert!(
            after <= before + 2,
            "600 lookups left {} threads behind them",
            after.saturating_sub(before)
        );
        // The process's blocking pool is free for what it is for.
        let answered = tokio::time::timeout(
            Duration::from_secs(10),
            tokio::task::spawn_blocking(|| "done"),
        )
        .await;
        assert_eq!(answered.ok().and_then(Result::ok), Some("done"));
    }
}
