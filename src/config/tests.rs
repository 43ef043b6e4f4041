//! Tests of `config`.

use super::*;

#[test]
fn defaults_without_variables() {
    let s = Settings::read(&[] as &[(&str, &str); 0]).unwrap();
    assert_eq!(s.limits, Limits::default());
    assert_eq!(s.rate, RateLimits::default());
    assert_eq!(s.bind, DEFAULT_BIND);
    assert!(s.discovery);
    assert!(s.trusted_proxies.is_empty());
}

#[test]
fn reads_values() {
    let s = Settings::read(&[
        ("PLANGRAPH_MAX_COST", "1000"),
        ("PLANGRAPH_TIMEOUT_MS", "250"),
        ("PLANGRAPH_RATE_LIMIT", "off"),
        ("PLANGRAPH_DISCOVERY", "off"),
        ("PLANGRAPH_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8"),
        ("PLANGRAPH_MAX_SELECTIONS", "500"),
        ("PLANGRAPH_MAX_WS_PER_ADDRESS", "2"),
        ("PLANGRAPH_PERSISTED_BYTES", "0"),
        (
            "PLANGRAPH_PUBLIC_URL",
            "https://data.example.gov.cn/plangraph/",
        ),
    ])
    .unwrap();
    assert_eq!(s.limits.selections, 500);
    assert_eq!(s.limits.persisted_bytes, 0);
    assert_eq!(s.ws_per_address, 2);
    assert_eq!(
        s.public_url.as_deref(),
        Some("https://data.example.gov.cn/plangraph")
    );
    assert_eq!(s.limits.cost, 1000);
    assert_eq!(s.limits.timeout, Duration::from_millis(250));
    assert!(!s.rate.enabled);
    assert!(!s.discovery);
    assert_eq!(s.trusted_proxies.len(), 2);
}

#[test]
fn a_malformed_value_names_its_variable() {
    for (name, value) in [
        ("PLANGRAPH_MAX_DEPTH", "ten"),
        ("PLANGRAPH_MAX_DEPTH", "0"),
        ("PLANGRAPH_TIMEOUT_MS", "-5"),
        ("PLANGRAPH_RATE_LIMIT", "maybe"),
        ("PLANGRAPH_RATE_PER_SECOND", "NaN"),
        ("PLANGRAPH_TRUSTED_PROXIES", "10.0.0.0/33"),
        ("PLANGRAPH_TOKEN_TTL_SECS", "0"),
        ("PLANGRAPH_MAX_SELECTIONS", "0"),
        ("PLANGRAPH_MAX_WS_PER_ADDRESS", "none"),
        ("PLANGRAPH_PERSISTED_BYTES", "4MB"),
        ("PLANGRAPH_PUBLIC_URL", "data.example.gov.cn"),
        ("PLANGRAPH_PUBLIC_URL", "https://evil.example/\"><x>"),
    ] {
        let err = Settings::read(&[(name, value)]).unwrap_err();
        assert_eq!(err.variable, name, "{value}");
    }
}

#[test]
fn networks_contain_addresses() {
    let net: IpNetwork = "10.0.0.0/8".parse().unwrap();
    assert!(net.contains("10.1.2.3".parse().unwrap()));
    assert!(!net.contains("11.0.0.1".parse().unwrap()));
    assert!(net.contains("::ffff:10.0.0.1".parse().unwrap()));
    let one: IpNetwork = "127.0.0.1".parse().unwrap();
    assert!(one.contains("127.0.0.1".parse().unwrap()));
    assert!(!one.contains("127.0.0.2".parse().unwrap()));
    let v6: IpNetwork = "fd00::/8".parse().unwrap();
    assert!(v6.contains("fd12::1".parse().unwrap()));
    let all: IpNetwork = "0.0.0.0/0".parse().unwrap();
    assert!(all.contains("8.8.8.8".parse().unwrap()));
}
