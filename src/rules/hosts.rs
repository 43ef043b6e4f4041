//! Host names and public URLs as configuration and trusted proxies may give them: only a
//! plain host (a name or address and an optional port) is ever put into an absolute URL.

/// A host name, IPv4 address or bracketed IPv6 address, with an optional port.
pub fn plain_host(host: &str) -> bool {
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) if !name.ends_with(':') && !port.contains(']') => (name, Some(port)),
        _ => (host, None),
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let name_ok = if let Some(inner) = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        inner.parse::<std::net::Ipv6Addr>().is_ok()
    } else {
        !name.is_empty()
            && name.len() <= 253
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    };
    port_ok && name_ok
}

/// `PLANGRAPH_PUBLIC_URL` checked: an http(s) URL with a plain host, no query or fragment;
/// returned without a trailing slash.
pub fn parse_public_url(value: &str) -> Result<String, String> {
    let value = value.trim().trim_end_matches('/');
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or("it must start with http:// or https://")?;
    let (host, path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
    if !plain_host(host) {
        return Err(format!(
            "`{host}` is not a host name or address with an optional port"
        ));
    }
    let path_ok = path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~' | b'%'));
    if !path_ok {
        return Err("its path may hold letters, digits and / - _ . ~ % only".into());
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_hosts_pass() {
        for ok in [
            "example.org",
            "example.org:8080",
            "127.0.0.1:1",
            "[::1]:8080",
            "[::1]",
            "a-b.c",
        ] {
            assert!(plain_host(ok), "{ok}");
        }
        for bad in [
            "",
            "evil.org/x",
            "a\"b",
            "<x>",
            "evil.org:80:80",
            "a b",
            "[zz]",
            "host:",
            "x:123456",
            "e&amp;",
        ] {
            assert!(!plain_host(bad), "{bad}");
        }
    }

    #[test]
    fn the_public_url_is_checked() {
        assert_eq!(
            parse_public_url("https://data.example.gov.cn/plangraph/").unwrap(),
            "https://data.example.gov.cn/plangraph"
        );
        assert_eq!(
            parse_public_url("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(parse_public_url("ftp://x").is_err());
        assert!(parse_public_url("https://x/<a>").is_err());
        assert!(parse_public_url("https://x?y=1").is_err());
    }
}
