//! Which IP addresses a webhook may reach: globally routable unicast only, so a customer's URL
//! can never aim our requests at our own network, the instance metadata service, or a neighbour.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Deny-listed IPv4 blocks (IANA special-purpose registry, plus the multicast and reserved tail).
const NON_PUBLIC_V4: &[(Ipv4Addr, u8)] = &[
    (Ipv4Addr::new(0, 0, 0, 0), 8), // "this network", includes unspecified
    (Ipv4Addr::new(10, 0, 0, 0), 8), // RFC 1918
    (Ipv4Addr::new(100, 64, 0, 0), 10), // CGNAT shared space
    (Ipv4Addr::new(127, 0, 0, 0), 8), // loopback
    (Ipv4Addr::new(169, 254, 0, 0), 16), // link-local, instance metadata
    (Ipv4Addr::new(172, 16, 0, 0), 12), // RFC 1918
    (Ipv4Addr::new(192, 0, 0, 0), 24), // IETF protocol assignments
    (Ipv4Addr::new(192, 0, 2, 0), 24), // TEST-NET-1
    (Ipv4Addr::new(192, 88, 99, 0), 24), // deprecated 6to4 relay anycast
    (Ipv4Addr::new(192, 168, 0, 0), 16), // RFC 1918
    (Ipv4Addr::new(198, 18, 0, 0), 15), // benchmarking
    (Ipv4Addr::new(198, 51, 100, 0), 24), // TEST-NET-2
    (Ipv4Addr::new(203, 0, 113, 0), 24), // TEST-NET-3
    (Ipv4Addr::new(224, 0, 0, 0), 4), // multicast
    (Ipv4Addr::new(240, 0, 0, 0), 4), // reserved, includes broadcast
];

/// Deny-listed blocks inside 2000::/3, the only IPv6 space allocated for global unicast.
const NON_PUBLIC_V6_GLOBAL: &[(Ipv6Addr, u8)] = &[
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23), // IETF protocol assignments, Teredo
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32), // documentation
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20), // documentation (RFC 9637)
];

pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let bits = ip.to_bits();
    !NON_PUBLIC_V4
        .iter()
        .any(|&(net, len)| in_prefix(bits, net.to_bits(), len))
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    // Addresses that carry an IPv4 address reach that address (through the kernel, a NAT64
    // gateway or a 6to4 relay), so they are as public as what they carry.
    if let Some(embedded) = embedded_v4(ip) {
        return is_public_v4(embedded);
    }
    let bits = ip.to_bits();
    // An allow-list: loopback, unspecified, unique-local, link-local, site-local, multicast,
    // discard and the rest all lie outside 2000::/3.
    in_prefix(bits, 0x2000 << 112, 3)
        && !NON_PUBLIC_V6_GLOBAL
            .iter()
            .any(|&(net, len)| in_prefix(bits, net.to_bits(), len))
}

fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let bits = ip.to_bits();
    let low32 = Ipv4Addr::from_bits(bits as u32);
    if ip.is_unspecified() || ip.is_loopback() {
        None
    } else if in_prefix(bits, 0xffff << 32, 96) // IPv4-mapped ::ffff:0:0/96
        || in_prefix(bits, 0, 96) // IPv4-compatible ::/96
        || in_prefix(bits, 0x0064_ff9b << 96, 96)
    // NAT64 64:ff9b::/96
    {
        Some(low32)
    } else if in_prefix(bits, 0x2002 << 112, 16) {
        // 6to4: 2002:AABB:CCDD::/48 stands for AA.BB.CC.DD.
        Some(Ipv4Addr::from_bits((bits >> 80) as u32))
    } else {
        None
    }
}

fn in_prefix<T>(addr: T, net: T, len: u8) -> bool
where
    T: Prefix,
{
    T::masked(addr, len) == T::masked(net, len)
}

trait Prefix: Copy + PartialEq {
    fn masked(self, len: u8) -> Self;
}

impl Prefix for u32 {
    fn masked(self, len: u8) -> Self {
        self.checked_shr(u32::from(32 - len)).unwrap_or(0)
    }
}

impl Prefix for u128 {
    fn masked(self, len: u8) -> Self {
        self.checked_shr(u32::from(128 - len)).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(s: &str) -> bool {
        is_public(s.parse().expect(s))
    }

    fn assert_all(expected: bool, addresses: &[&str]) {
        for a in addresses {
            assert_eq!(public(a), expected, "{a}");
        }
    }

    #[test]
    fn public_v4() {
        assert_all(
            true,
            &[
                "8.8.8.8",
                "1.1.1.1",
                "93.184.216.34",
                "9.255.255.255",
                "11.0.0.0",
                "100.63.255.255",
                "100.128.0.0",
                "126.255.255.255",
                "128.0.0.0",
                "169.253.255.255",
                "169.255.0.0",
                "172.15.255.255",
                "172.32.0.0",
                "192.0.1.0",
                "192.167.255.255",
                "192.169.0.0",
                "198.17.255.255",
                "198.20.0.0",
                "223.255.255.255",
            ],
        );
    }

    #[test]
    fn private_and_special_v4() {
        assert_all(
            false,
            &[
                "0.0.0.0",
                "0.1.2.3",
                "10.0.0.1",
                "10.255.255.255",
                "100.64.0.1",
                "100.127.255.255",
                "127.0.0.1",
                "127.255.255.254",
                "169.254.0.1",
                "169.254.169.254",
                "172.16.0.1",
                "172.31.255.255",
                "192.0.0.1",
                "192.0.0.255",
                "192.0.2.1",
                "192.88.99.1",
                "192.168.0.1",
                "192.168.255.255",
                "198.18.0.1",
                "198.19.255.255",
                "198.51.100.7",
                "203.0.113.9",
                "224.0.0.1",
                "239.255.255.255",
                "240.0.0.1",
                "255.255.255.255",
            ],
        );
    }

    #[test]
    fn public_v6() {
        assert_all(
            true,
            &[
                "2606:4700::1111",
                "2001:4860:4860::8888",
                "2a00:1450:4001::200e",
                "2001:200::1",
                "3ffe::1",
                "::ffff:8.8.8.8",
                "64:ff9b::808:808",
                "2002:808:808::1",
            ],
        );
    }

    #[test]
    fn private_and_special_v6() {
        assert_all(
            false,
            &[
                "::",
                "::1",
                "fc00::1",
                "fd00::1",
                "fdff:ffff::1",
                "fe80::1",
                "febf::1",
                "fec0::1",
                "ff02::1",
                "ff0e::1",
                "100::1",
                "64:ff9b:1::1",
                "2001::1",
                "2001:db8::1",
                "2001:1ff::1",
                "3fff::1",
                "1fff:ffff::1",
                "4000::1",
                "5f00::1",
            ],
        );
    }

    #[test]
    fn v6_carrying_non_public_v4() {
        assert_all(
            false,
            &[
                "::ffff:127.0.0.1",
                "::ffff:169.254.169.254",
                "::ffff:10.0.0.1",
                "::ffff:0.0.0.0",
                "::ffff:255.255.255.255",
                "::127.0.0.1",
                "::169.254.169.254",
                "64:ff9b::a9fe:a9fe",
                "64:ff9b::7f00:1",
                "64:ff9b::c0a8:101",
                "2002:a9fe:a9fe::1",
                "2002:7f00:1::",
                "2002:c0a8:101::1",
            ],
        );
    }

    #[test]
    fn prefix_matching_edges() {
        assert!(in_prefix(0u32, 0, 0));
        assert!(in_prefix(u32::MAX, 0, 0));
        assert!(in_prefix(5u32, 5, 32));
        assert!(!in_prefix(5u32, 4, 32));
        assert!(in_prefix(u128::MAX, 0, 0));
        assert!(!in_prefix(1u128, 0, 128));
    }
}
