//! Opaque global IDs (Relay): base64url of `Type:id`, so clients never build or parse them.

use async_graphql::ID;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Plan,
    Domain,
    Goal,
    Indicator,
    Target,
    Department,
    Value,
    Evaluation,
    SelfAssessment,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Plan => "Plan",
            Kind::Domain => "Domain",
            Kind::Goal => "Goal",
            Kind::Indicator => "Indicator",
            Kind::Target => "Target",
            Kind::Department => "Department",
            Kind::Value => "ReportedValue",
            Kind::Evaluation => "Evaluation",
            Kind::SelfAssessment => "SelfAssessment",
        }
    }

    fn from_name(name: &str) -> Option<Kind> {
        [
            Kind::Plan,
            Kind::Domain,
            Kind::Goal,
            Kind::Indicator,
            Kind::Target,
            Kind::Department,
            Kind::Value,
            Kind::Evaluation,
            Kind::SelfAssessment,
        ]
        .into_iter()
        .find(|k| k.name() == name)
    }
}

pub fn encode(kind: Kind, id: i32) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.name())))
}

/// Any global ID; an ID this server did not issue is a BAD_USER_INPUT.
pub fn decode(id: &ID) -> Result<(Kind, i32), AppError> {
    let invalid = || AppError::BadUserInput(format!("{:?} is not a valid ID", id.as_str()));
    let bytes = URL_SAFE_NO_PAD.decode(id.as_str()).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (kind, number) = text.split_once(':').ok_or_else(invalid)?;
    Ok((
        Kind::from_name(kind).ok_or_else(invalid)?,
        number.parse().map_err(|_| invalid())?,
    ))
}

/// A global ID that must name one kind of object.
pub fn decode_as(id: &ID, kind: Kind) -> Result<i32, AppError> {
    match decode(id)? {
        (k, n) if k == kind => Ok(n),
        _ => Err(AppError::BadUserInput(format!(
            "{:?} is not the ID of a {}",
            id.as_str(),
            kind.name()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_foreign_ids() {
        let id = encode(Kind::Indicator, 42);
        assert_eq!(decode(&id).unwrap(), (Kind::Indicator, 42));
        assert_eq!(decode_as(&id, Kind::Indicator).unwrap(), 42);
        assert!(decode_as(&id, Kind::Goal).is_err());
        assert!(decode(&ID("not-an-id".into())).is_err());
        assert!(decode(&ID(URL_SAFE_NO_PAD.encode("Secret:1"))).is_err());
        assert!(!id.as_str().contains("Indicator"), "IDs are opaque");
        for kind in [
            Kind::Plan,
            Kind::Domain,
            Kind::Goal,
            Kind::Indicator,
            Kind::Department,
            Kind::Value,
            Kind::Evaluation,
            Kind::SelfAssessment,
        ] {
            assert_eq!(decode(&encode(kind, 7)).unwrap(), (kind, 7));
        }
    }
}
