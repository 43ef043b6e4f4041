//! What an admin may change (pure rules; the service stores what they allow). A code list
//! changes by a new version that keeps every code of the one in force with its label and may
//! add codes: a stored value's code then means the same in every version. A measure's
//! declaration may change freely, but not drop a code stored values use (the service counts
//! them: [`dropped`] says which codes go).

use super::{check, Code, Codelist, Declared, Dimension, MOST_CODES, TOTAL};

/// The longest code and label a code list takes.
pub const LONGEST_CODE: usize = 20;
pub const LONGEST_LABEL: usize = 40;

/// The version `codes` would make of a dimension's list over the one in force (`current`);
/// `None` when they are that list already.
pub fn next_codelist(
    dimension: Dimension,
    current: Option<&Codelist>,
    codes: Vec<Code>,
) -> Result<Option<Codelist>, String> {
    if codes.len() > MOST_CODES {
        return Err(format!(
            "code list {} has more than {MOST_CODES} codes",
            dimension.as_str()
        ));
    }
    for c in &codes {
        well_formed(c)?;
    }
    let next = Codelist {
        version: current.map_or(1, |c| c.version + 1),
        codes,
    };
    check(dimension, &next)?;
    let Some(current) = current else {
        return Ok(Some(next));
    };
    if current.codes == next.codes {
        return Ok(None);
    }
    for old in &current.codes {
        match next.label(&old.code) {
            None => {
                return Err(format!(
                    "{} {} ({}) is in version {}: a new version keeps every code, so that \
                     values reported with it keep their meaning",
                    dimension.as_str(),
                    old.code,
                    old.label,
                    current.version
                ))
            }
            Some(label) if label != old.label => {
                return Err(format!(
                    "{} {} is labelled {} in version {}: a code keeps its label, a new meaning \
                     needs a new code",
                    dimension.as_str(),
                    old.code,
                    old.label,
                    current.version
                ))
            }
            Some(_) => {}
        }
    }
    Ok(Some(next))
}

/// A code of upper-case letters, digits and `_` (SDMX-style, at most [`LONGEST_CODE`]); a
/// label of at most [`LONGEST_LABEL`] characters, not blank, without control characters.
fn well_formed(c: &Code) -> Result<(), String> {
    let code_ok = !c.code.is_empty()
        && c.code.len() <= LONGEST_CODE
        && c.code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if !code_ok {
        let shown: String = c.code.chars().take(LONGEST_CODE + 1).collect();
        return Err(format!(
            "code {shown:?}: upper-case letters, digits and _ only, 1 to {LONGEST_CODE} of them"
        ));
    }
    let chars = c.label.chars().count();
    if c.label.trim().is_empty() || chars > LONGEST_LABEL || c.label.chars().any(char::is_control) {
        return Err(format!(
            "label of {}: 1 to {LONGEST_LABEL} characters, not blank, no control characters",
            c.code
        ));
    }
    Ok(())
}

/// The codes (not totals) `old` declares that `new` does not: each dimension it drops, or
/// each code a dimension it keeps no longer has.
pub fn dropped(old: &Declared, new: &Declared) -> Vec<(Dimension, String)> {
    let mut out = Vec::new();
    for (dimension, list) in &old.breakdowns {
        let kept = new.codelist(*dimension);
        for code in list.parts() {
            if kept.is_none_or(|k| k.label(code).is_none()) {
                out.push((*dimension, code.to_string()));
            }
        }
    }
    out
}

/// Whether a stored cell key uses a code that is going.
pub fn uses(key: &str, going: &[(Dimension, String)]) -> bool {
    let cell = super::Cell::parse(key).unwrap_or_default();
    cell.codes()
        .iter()
        .any(|(d, c)| c != TOTAL && going.iter().any(|(gd, gc)| gd == d && gc == c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::breakdowns::bundled::bundle;

    fn code(code: &str, label: &str) -> Code {
        Code {
            code: code.into(),
            label: label.into(),
        }
    }

    #[test]
    fn a_new_version_keeps_every_code_and_label_and_may_add() {
        let age = &bundle().codelists[&Dimension::Age];
        let mut codes = age.codes.clone();
        codes.insert(4, code("Y25T34", "25-34岁"));
        let next = next_codelist(Dimension::Age, Some(age), codes.clone());
        let next = next
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("new"));
        assert_eq!((next.version, next.codes.len()), (2, 9));
        assert_eq!(
            next_codelist(Dimension::Age, Some(age), age.codes.clone()),
            Ok(None)
        );
        let dropped: Vec<Code> = age.codes[1..].to_vec();
        assert_eq!(
            next_codelist(Dimension::Age, Some(age), dropped),
            Err(
                "AGE Y_LT1 (不满1岁) is in version 1: a new version keeps every code, so that \
                 values reported with it keep their meaning"
                    .into()
            )
        );
        let mut relabelled = age.codes.clone();
        relabelled[0].label = "婴儿".into();
        assert_eq!(
            next_codelist(Dimension::Age, Some(age), relabelled),
            Err(
                "AGE Y_LT1 is labelled 不满1岁 in version 1: a code keeps its label, a new \
                 meaning needs a new code"
                    .into()
            )
        );
    }

    #[test]
    fn a_code_list_is_refused_with_why() {
        let sex = |codes| next_codelist(Dimension::Sex, None, codes);
        assert_eq!(
            sex(vec![code("f", "女"), code("_T", "合计")]),
            Err("code \"f\": upper-case letters, digits and _ only, 1 to 20 of them".into())
        );
        assert_eq!(
            sex(vec![code("F", " "), code("_T", "合计")]),
            Err("label of F: 1 to 40 characters, not blank, no control characters".into())
        );
        assert_eq!(
            sex(vec![code("F", "女")]),
            Err("code list SEX has no total (_T)".into())
        );
        let many: Vec<Code> = (0..17).map(|n| code(&format!("C{n}"), "x")).collect();
        assert_eq!(
            sex(many),
            Err("code list SEX has more than 16 codes".into())
        );
    }

    #[test]
    fn the_codes_a_declaration_drops_are_named() {
        let smoking = crate::breakdowns::bundled_of("15岁以上人群吸烟率");
        let smoking = smoking.cloned().unwrap_or_else(|| panic!("declared"));
        let mut narrower = smoking.clone();
        narrower.breakdowns.truncate(1);
        let gone = dropped(&smoking, &narrower);
        assert_eq!(gone.len(), 7);
        assert_eq!(gone[0], (Dimension::Age, "Y_LT1".to_string()));
        assert!(uses("SEX=F;AGE=Y_LT1", &gone));
        assert!(!uses("SEX=F", &gone));
        assert!(dropped(&smoking, &smoking).is_empty());
    }
}
