//! Where a webhook may be delivered: never to this machine, its private
//! networks or a cloud metadata service (server-side request forgery),
//! unless the operator allows a network (`CALLSCOPE_WEBHOOK_ALLOW_NETWORKS`).
//!
//! The address is checked where the connection is made: [`GuardedResolver`]
//! is the deliverer's DNS resolver and hands the connector only addresses
//! that pass, so a name that resolves (or re-resolves, DNS rebinding) to a
//! refused address is never connected to. An IP-literal URL is not
//! resolved, so its address is checked when the webhook is saved and again
//! before each delivery.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Refused IPv4 ranges and what they are.
const V4: [(Ipv4Net, &str); 11] = [
    (v4([0, 0, 0, 0], 8), "the unspecified (\"this\") network"),
    (v4([10, 0, 0, 0], 8), "a private network (RFC 1918)"),
    (v4([100, 64, 0, 0], 10), "shared address space (CGNAT, RFC 6598)"),
    (v4([127, 0, 0, 0], 8), "loopback"),
    (v4([169, 254, 0, 0], 16), "link-local"),
    (v4([172, 16, 0, 0], 12), "a private network (RFC 1918)"),
    (v4([192, 0, 0, 0], 24), "reserved for IETF protocol assignments"),
    (v4([192, 168, 0, 0], 16), "a private network (RFC 1918)"),
    (v4([198, 18, 0, 0], 15), "reserved for benchmarking"),
    (v4([224, 0, 0, 0], 4), "multicast"),
    (v4([240, 0, 0, 0], 4), "reserved or broadcast"),
];

/// Refused IPv6 ranges and what they are. IPv4-mapped and NAT64
/// addresses are judged by the IPv4 address they carry (see [`canonical`]).
const V6: [(Ipv6Net, &str); 9] = [
    (v6([0, 0, 0, 0, 0, 0, 0, 0], 128), "the unspecified address"),
    (v6([0, 0, 0, 0, 0, 0, 0, 1], 128), "loopback"),
    (v6([0, 0, 0, 0, 0, 0, 0, 0], 96), "an IPv4-compatible address (deprecated)"),
    (v6([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48), "local-use NAT64"),
    (v6([0x100, 0, 0, 0, 0, 0, 0, 0], 64), "discard-only"),
    (v6([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7), "a unique local address (ULA)"),
    (v6([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10), "link-local"),
    (v6([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10), "site-local (deprecated)"),
    (v6([0xff00, 0, 0, 0, 0, 0, 0, 0], 8), "multicast"),
];

/// Cloud metadata services (AWS, GCP, Azure, ECS, Alibaba, Oracle, AWS
/// IPv6): refused even inside an allowed network, since they hand out the
/// machine's credentials.
const METADATA: [IpAddr; 6] = [
    IpAddr::V4(Ipv4Addr::new(169, 254, 169, 254)),
    IpAddr::V4(Ipv4Addr::new(169, 254, 170, 2)),
    IpAddr::V4(Ipv4Addr::new(100, 100, 100, 200)),
    IpAddr::V4(Ipv4Addr::new(192, 0, 0, 192)),
    IpAddr::V4(Ipv4Addr::new(169, 254, 169, 123)),
    IpAddr::V6(Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)),
];

const fn v4(octets: [u8; 4], prefix: u8) -> Ipv4Net {
    Ipv4Net::new_assert(Ipv4Addr::new(octets[0], octets[1], octets[2], octets[3]), prefix)
}

const fn v6(s: [u16; 8], prefix: u8) -> Ipv6Net {
    Ipv6Net::new_assert(Ipv6Addr::new(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]), prefix)
}

/// Why a webhook may not be sent to an address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{address} is {what}, which webhooks may not reach")]
pub struct Refused {
    /// The address as connected to (or as written in the URL).
    pub address: IpAddr,
    /// The class it belongs to.
    pub what: &'static str,
}

/// Which addresses webhooks may reach: every public address, plus the
/// networks the operator allows. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct TargetPolicy {
    allow: Arc<[IpNet]>,
}

impl TargetPolicy {
    /// The default policy widened by the networks in `allow`.
    pub fn new(allow: &[IpNet]) -> Self {
        Self { allow: allow.into() }
    }

    /// Ok when a webhook may connect to `address`.
    pub fn check(&self, address: IpAddr) -> Result<(), Refused> {
        let plain = canonical(address);
        if METADATA.contains(&plain) || METADATA.contains(&address) {
            return Err(Refused { address, what: "a cloud metadata service" });
        }
        if self.allow.iter().any(|net| net.contains(&plain) || net.contains(&address)) {
            return Ok(());
        }
        let what = match plain {
            IpAddr::V4(ip) => V4.iter().find(|(net, _)| net.contains(&ip)).map(|(_, what)| *what),
            IpAddr::V6(ip) => V6.iter().find(|(net, _)| net.contains(&ip)).map(|(_, what)| *what),
        };
        match what {
            Some(what) => Err(Refused { address, what }),
            None => Ok(()),
        }
    }

    /// Checks the host of `url` when it is an IP address; a name is
    /// checked when it is resolved, at each delivery.
    pub fn check_url(&self, url: &url::Url) -> Result<(), Refused> {
        match url.host() {
            Some(url::Host::Ipv4(ip)) => self.check(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => self.check(IpAddr::V6(ip)),
            Some(url::Host::Domain(_)) | None => Ok(()),
        }
    }

    /// The DNS resolver that enforces this policy on every connection.
    pub fn resolver(&self) -> Arc<GuardedResolver> {
        Arc::new(GuardedResolver { policy: self.clone() })
    }
}

/// The IPv4 address an IPv4-mapped (`::ffff:a.b.c.d`) or NAT64
/// (`64:ff9b::a.b.c.d`) address reaches; any other address as it is.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(ip) => {
            if let Some(mapped) = ip.to_ipv4_mapped() {
                return IpAddr::V4(mapped);
            }
            let nat64 = v6([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96);
            if nat64.contains(&ip) {
                let [.., a, b, c, d] = ip.octets();
                return IpAddr::V4(Ipv4Addr::new(a, b, c, d));
            }
            address
        }
        IpAddr::V4(_) => address,
    }
}

/// Resolves names with the system resolver and keeps only the addresses
/// the policy allows; a name left with none fails to connect, saying why.
#[derive(Debug)]
pub struct GuardedResolver {
    policy: TargetPolicy,
}

/// A name that resolves to no address a webhook may reach.
#[derive(Debug, thiserror::Error)]
#[error("{name} resolves only to addresses webhooks may not reach ({} is {})", refused.address, refused.what)]
pub struct NoAllowedAddress {
    name: String,
    refused: Refused,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(resolve_allowed(self.policy.clone(), name.as_str().to_owned()))
    }
}

/// The addresses of `host` that `policy` allows, or why there are none.
async fn resolve_allowed(
    policy: TargetPolicy,
    host: String,
) -> Result<Addrs, Box<dyn std::error::Error + Send + Sync>> {
    let resolved: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
    let mut first_refusal = None;
    let allowed: Vec<SocketAddr> = resolved
        .into_iter()
        .filter(|addr| match policy.check(addr.ip()) {
            Ok(()) => true,
            Err(refused) => {
                first_refusal.get_or_insert(refused);
                false
            }
        })
        .collect();
    match first_refusal {
        Some(refused) if allowed.is_empty() => Err(Box::new(NoAllowedAddress { name: host, refused })),
        _ => Ok(Box::new(allowed.into_iter())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(policy: &TargetPolicy, address: &str) -> Option<&'static str> {
        policy.check(address.parse().expect("address")).err().map(|refused| refused.what)
    }

    #[test]
    fn every_forbidden_class_is_refused_and_public_addresses_pass() {
        let policy = TargetPolicy::default();
        for (address, what) in [
            ("127.0.0.1", "loopback"),
            ("127.255.255.254", "loopback"),
            ("::1", "loopback"),
            ("10.0.0.1", "a private network (RFC 1918)"),
            ("172.31.255.255", "a private network (RFC 1918)"),
            ("192.168.1.1", "a private network (RFC 1918)"),
            ("169.254.0.1", "link-local"),
            ("fe80::1", "link-local"),
            ("fd12:3456::1", "a unique local address (ULA)"),
            ("100.64.0.1", "shared address space (CGNAT, RFC 6598)"),
            ("0.0.0.0", "the unspecified (\"this\") network"),
            ("::", "the unspecified address"),
            ("224.0.0.1", "multicast"),
            ("ff02::1", "multicast"),
            ("255.255.255.255", "reserved or broadcast"),
            ("169.254.169.254", "a cloud metadata service"),
            ("fd00:ec2::254", "a cloud metadata service"),
            ("100.100.100.200", "a cloud metadata service"),
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:10.0.0.1", "a private network (RFC 1918)"),
            ("::ffff:169.254.169.254", "a cloud metadata service"),
            ("64:ff9b::7f00:1", "loopback"),
            ("::127.0.0.1", "an IPv4-compatible address (deprecated)"),
        ] {
            assert_eq!(refused(&policy, address), Some(what), "{address}");
        }
        for address in ["93.184.215.14", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1", "::ffff:1.1.1.1"] {
            assert_eq!(refused(&policy, address), None, "{address}");
        }
    }

    #[test]
    fn allowed_networks_pass_and_nothing_else() {
        let allow: Vec<IpNet> = ["127.0.0.0/8", "fd12::/16"].map(|net| net.parse().expect("net")).to_vec();
        let policy = TargetPolicy::new(&allow);
        for address in ["127.0.0.1", "::ffff:127.0.0.1", "fd12::1"] {
            assert_eq!(refused(&policy, address), None, "{address}");
        }
        for address in ["::1", "10.0.0.1", "fd13::1", "192.168.0.1"] {
            assert!(refused(&policy, address).is_some(), "{address}");
        }
        let everything: Vec<IpNet> = ["0.0.0.0/0", "::/0"].map(|net| net.parse().expect("net")).to_vec();
        assert_eq!(refused(&TargetPolicy::new(&everything), "169.254.169.254"), Some("a cloud metadata service"));
    }

    #[test]
    fn literal_hosts_in_urls_are_checked_in_every_spelling() {
        let policy = TargetPolicy::default();
        for url in [
            "http://127.0.0.1:5432/",
            "http://[::1]/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://127.1/",
            "http://[::ffff:7f00:1]/",
            "http://169.254.169.254/latest/meta-data/",
        ] {
            let parsed = url::Url::parse(url).expect("url");
            assert!(policy.check_url(&parsed).is_err(), "{url}");
        }
        assert!(policy.check_url(&url::Url::parse("https://hooks.example.com/").expect("url")).is_ok());
    }
}
