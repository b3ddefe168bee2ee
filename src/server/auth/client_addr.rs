//! The client's address, for throttling and the audit log. The TCP peer is
//! the client unless it is a configured trusted proxy
//! (`CALLSCOPE_TRUSTED_PROXIES`); only then is `X-Forwarded-For` read, from
//! the right, skipping the trusted proxies themselves. Anything left of the
//! first untrusted hop was written by the client and could be anything.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::server::AppState;

/// The address a request came from, as far as this server can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // The server is always run with connect info; a router driven in
        // process without it counts every request as one unknown client.
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
        Ok(ClientAddr(client_addr(peer, &parts.headers, &state.config.trusted_proxies)))
    }
}

/// The client's address given the TCP `peer`, the request's headers and
/// the trusted proxies: the right-most address of `peer` and the
/// `X-Forwarded-For` hops that is not a trusted proxy.
pub fn client_addr(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |addr: &IpAddr| trusted.iter().any(|net| net.contains(addr));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|value| value.to_str().unwrap_or_default().split(','))
        .map(str::trim)
        .collect();
    let mut nearest = peer;
    for hop in hops.iter().rev() {
        // A hop that is not an address cannot be told apart from a lie:
        // the last proxy known to be honest is the best answer left.
        let Some(addr) = parse_hop(hop) else { return nearest };
        if !is_trusted(&addr) {
            return addr;
        }
        nearest = addr;
    }
    nearest
}

/// One `X-Forwarded-For` entry: an address, optionally with a port
/// (`1.2.3.4:5678`, `[::1]:5678`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let addr = hop.parse::<IpAddr>().ok().or_else(|| hop.parse::<SocketAddr>().ok().map(|socket| socket.ip()))?;
    Some(addr.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(text: &str) -> IpAddr {
        text.parse().expect("address")
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", value.parse().expect("header value"));
        }
        headers
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|net| net.parse().expect("network")).collect()
    }

    #[test]
    fn forwarded_for_from_an_untrusted_peer_is_ignored() {
        let headers = forwarded(&["6.6.6.6"]);
        assert_eq!(client_addr(addr("203.0.113.9"), &headers, &[]), addr("203.0.113.9"));
        assert_eq!(client_addr(addr("203.0.113.9"), &headers, &nets(&["10.0.0.0/8"])), addr("203.0.113.9"));
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_hop_is_the_client() {
        let trusted = nets(&["10.0.0.0/8", "127.0.0.1/32"]);
        // The client forged the first entry; the proxies appended the rest.
        let headers = forwarded(&["6.6.6.6, 198.51.100.7", "10.1.2.3"]);
        assert_eq!(client_addr(addr("127.0.0.1"), &headers, &trusted), addr("198.51.100.7"));
    }

    #[test]
    fn ports_and_mapped_addresses_are_read_and_garbage_stops_the_walk() {
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(client_addr(addr("10.0.0.1"), &forwarded(&["198.51.100.7:4711"]), &trusted), addr("198.51.100.7"));
        assert_eq!(client_addr(addr("10.0.0.1"), &forwarded(&["[2001:db8::1]:443"]), &trusted), addr("2001:db8::1"));
        assert_eq!(client_addr(addr("::ffff:10.0.0.1"), &forwarded(&["198.51.100.7"]), &trusted), addr("198.51.100.7"));
        assert_eq!(
            client_addr(addr("10.0.0.1"), &forwarded(&["198.51.100.7, nonsense, 10.0.0.2"]), &trusted),
            addr("10.0.0.2")
        );
        assert_eq!(client_addr(addr("10.0.0.1"), &HeaderMap::new(), &trusted), addr("10.0.0.1"));
    }
}
