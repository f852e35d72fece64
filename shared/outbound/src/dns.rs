//! Name lookups for webhook hosts, in the task that asks. The system's `getaddrinfo` blocks a
//! thread of the runtime's blocking pool until the name server answers or its retries run
//! out (half a minute for a server that never answers), and a timeout around it frees the
//! task, not the thread. Endpoint owners choose the hosts, so a few hundred endpoints on a
//! silent name server would fill the pool, and every file read and every RFA inspection of
//! the process would queue behind them. This resolver sends its queries from the task, so a
//! lookup that is given up is dropped with nothing left running.

use std::net::IpAddr;
use std::sync::OnceLock;
use std::time::Duration;

use hickory_resolver::config::LookupIpStrategy;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::{ResolverBuilder, TokioResolver};

const NOT_FOUND_FOR_AT_MOST: Duration = Duration::from_secs(30);

/// The name servers, search domains, timeouts and hosts file the system configures
/// (`/etc/resolv.conf`, `/etc/hosts`), read once per process; `None` when they cannot be
/// read, and then no host resolves.
pub(crate) fn system() -> Option<&'static TokioResolver> {
    static SYSTEM: OnceLock<Option<TokioResolver>> = OnceLock::new();
    SYSTEM
        .get_or_init(|| match TokioResolver::builder_tokio() {
            Ok(builder) => build(builder, NOT_FOUND_FOR_AT_MOST),
            Err(e) => {
                tracing::error!(error = %e, "DNS configuration unreadable: webhook hosts will not resolve");
                None
            }
        })
        .as_ref()
}

/// Every address of both families, so that the policy judges all of them (a name can list
/// a public address beside an internal one). A name that did not resolve is asked again
/// after 30 seconds at most, whatever its zone says: `getaddrinfo` cached nothing, and an
/// endpoint whose host is set up after it was saved should not wait an hour for it.
pub(crate) fn build(
    mut builder: ResolverBuilder<TokioRuntimeProvider>,
    not_found_for_at_most: Duration,
) -> Option<TokioResolver> {
    let options = builder.options_mut();
    options.ip_strategy = LookupIpStrategy::Ipv4AndIpv6;
    options.negative_max_ttl = Some(not_found_for_at_most);
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
    use crate::guard::{UrlError, UrlPolicy};
    use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
    use hickory_resolver::proto::op::{Message, ResponseCode};
    use hickory_resolver::proto::rr::rdata::{A, SOA};
    use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};
    use std::net::{Ipv4Addr, SocketAddr};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// A resolver that asks only the name server on `port` of this host, and waits `wait`
    /// for each answer.
    fn resolver_on(port: u16, not_found_for_at_most: Duration, wait: Duration) -> TokioResolver {
        let mut udp = ConnectionConfig::udp();
        udp.port = port;
        let server = NameServerConfig::new(Ipv4Addr::LOCALHOST.into(), true, vec![udp]);
        let mut builder = TokioResolver::builder_with_config(
            ResolverConfig::from_name_servers(vec![server]),
            TokioRuntimeProvider::default(),
        );
        builder.options_mut().timeout = wait;
        build(builder, not_found_for_at_most).expect("a resolver")
    }

    /// A name server for `example.`: every name is NXDOMAIN, with a zone that asks for an
    /// hour of negative caching, until `created` is set; then `new-host.example.` has an
    /// IPv4 address.
    async fn zone_server(created: Arc<AtomicBool>) -> u16 {
        let socket = tokio::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("a UDP port");
        let port = socket.local_addr().expect("its address").port();
        tokio::spawn(async move {
            let mut buf = [0u8; 1500];
            while let Ok((n, from)) = socket.recv_from(&mut buf).await {
                let Ok(query) = Message::from_vec(&buf[..n]) else {
                    continue;
                };
                let mut answer = Message::response(query.metadata.id, query.metadata.op_code);
                answer.metadata.recursion_available = true;
                answer.metadata.recursion_desired = query.metadata.recursion_desired;
                let Some(q) = query.queries.first().cloned() else {
                    continue;
                };
                let exists =
                    created.load(Ordering::SeqCst) && q.name().to_ascii() == "new-host.example.";
                if exists && q.query_type() == RecordType::A {
                    let a = RData::A(A(PUBLIC));
                    answer.add_answer(Record::from_rdata(q.name().clone(), 60, a));
                } else {
                    if !exists {
                        answer.metadata.response_code = ResponseCode::NXDomain;
                    }
                    let zone = Name::from_ascii("example.").expect("a name");
                    let hour = 3600;
                    let soa =
                        SOA::new(zone.clone(), zone.clone(), 1, hour, hour, hour, hour as u32);
                    answer.add_authority(Record::from_rdata(zone, hour as u32, RData::SOA(soa)));
                }
                answer.add_query(q);
                let bytes = answer.to_vec().expect("an answer");
                let _ = socket.send_to(&bytes, from).await;
            }
        });
        port
    }

    const PUBLIC: Ipv4Addr = Ipv4Addr::new(93, 184, 216, 34);

    /// A host set up after its endpoint was saved is found once the short negative caching
    /// lapses, not when the zone's hour does (the test shortens 30 s to 1 s).
    #[tokio::test]
    async fn a_name_that_did_not_resolve_is_asked_again_soon() {
        let created = Arc::new(AtomicBool::new(false));
        let port = zone_server(created.clone()).await;
        let resolver = resolver_on(port, Duration::from_secs(1), Duration::from_secs(5));
        let policy = UrlPolicy::new(false);
        let host = "new-host.example.";
        assert_eq!(
            policy.resolve_with(&resolver, host).await,
            Err(UrlError::Unresolvable)
        );
        created.store(true, Ordering::SeqCst);
        assert_eq!(
            policy.resolve_with(&resolver, host).await,
            Err(UrlError::Unresolvable),
            "the answer is cached for a while"
        );
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(
            policy.resolve_with(&resolver, host).await,
            Ok(vec![SocketAddr::new(PUBLIC.into(), 0)])
        );
    }

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
        let port = silent.local_addr().expect("its address").port();
        let resolver = resolver_on(port, NOT_FOUND_FOR_AT_MOST, Duration::from_secs(30));
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
