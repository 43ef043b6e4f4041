//! What an `asOf` instant may be (pure): an RFC 3339 date and time with its offset (a time
//! without a zone names no instant), not in the future. Its resolution to a publication is
//! the store's (`repo::publications`).
use chrono::{DateTime, NaiveDateTime};

/// An accepted instant: microseconds since 1970 (UTC), and the text as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instant {
    pub at_us: i64,
    pub text: String,
}

const EXAMPLE: &str = "2025-12-31T23:59:59+08:00";

/// Parses `text` as an instant no later than `now_us`.
pub fn parse(text: &str, now_us: i64) -> Result<Instant, String> {
    let trimmed = text.trim();
    let parsed = match DateTime::parse_from_rfc3339(trimmed) {
        Ok(t) => t,
        Err(_) if without_zone(trimmed) => {
            return Err(format!(
            "asOf `{trimmed}` has no time zone, so it names no instant: add one, as in {EXAMPLE}"
        ))
        }
        Err(e) => {
            return Err(format!(
                "asOf `{trimmed}` is not an RFC 3339 date and time ({e}): write it as {EXAMPLE}"
            ))
        }
    };
    let at_us = parsed.timestamp_micros();
    if at_us > now_us {
        return Err(format!(
            "asOf `{trimmed}` is in the future: nothing has been published then yet"
        ));
    }
    Ok(Instant {
        at_us,
        text: trimmed.to_string(),
    })
}

fn without_zone(text: &str) -> bool {
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .any(|f| NaiveDateTime::parse_from_str(text, f).is_ok())
        || chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
}

/// An instant in µs as RFC 3339 in UTC, to the microsecond.
pub fn format_us(at_us: i64) -> String {
    DateTime::from_timestamp_micros(at_us)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_796_000_000_000_000; // 2026-11-30

    #[test]
    fn an_instant_with_its_zone_is_taken() {
        let i = parse("2025-12-31T23:59:59+08:00", NOW).unwrap();
        assert_eq!(i.at_us, 1_767_196_799_000_000);
        assert_eq!(format_us(i.at_us), "2025-12-31T15:59:59.000000Z");
    }

    #[test]
    fn a_time_without_a_zone_is_refused_as_such() {
        for text in ["2025-12-31T23:59:59", "2025-12-31 23:59:59", "2025-12-31"] {
            let e = parse(text, NOW).unwrap_err();
            assert!(e.contains("has no time zone"), "{text}: {e}");
        }
    }

    #[test]
    fn the_future_and_nonsense_are_refused() {
        assert!(parse("2031-01-01T00:00:00Z", NOW)
            .unwrap_err()
            .contains("in the future"));
        assert!(parse("yesterday", NOW)
            .unwrap_err()
            .contains("not an RFC 3339"));
    }
}
