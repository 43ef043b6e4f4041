//! What a department's self-assessment may say (pure): a class its round can give, what was
//! done (required) and what held it back, each within [`MAX_TEXT`] characters; and where it
//! disagrees with the computed class.
use super::evaluation::{Class, Kind};

/// A self-assessment's statuses as stored.
pub const SUBMITTED: &str = "submitted";
pub const APPROVED: &str = "approved";
pub const REJECTED: &str = "rejected";

/// Characters per text: a short assessment, as a county report prints one.
pub const MAX_TEXT: usize = 1_000;

/// The classes a department may give itself in a round: those the round's computed classes
/// use for a quantified target.
pub fn classes(kind: Kind) -> &'static [Class] {
    match kind {
        Kind::Final => &[Class::Achieved, Class::NotAchieved, Class::NoData],
        Kind::Annual | Kind::Midterm => &[
            Class::Achieved,
            Class::Ahead,
            Class::OnPace,
            Class::Behind,
            Class::NoData,
        ],
    }
}

/// Checks an assessment; the error names what is wrong.
pub fn check(kind: Kind, class: Class, done: &str, held_back: &str) -> Result<(), String> {
    if !classes(kind).contains(&class) {
        let allowed: Vec<&str> = classes(kind).iter().map(|c| c.as_str()).collect();
        return Err(format!(
            "class {} is not one a {} evaluation gives: use one of {}",
            class.as_str(),
            kind.as_str(),
            allowed.join(", ")
        ));
    }
    if done.trim().is_empty() {
        return Err("done must say what was done".into());
    }
    for (name, text) in [("done", done), ("heldBack", held_back)] {
        let n = text.chars().count();
        if n > MAX_TEXT {
            return Err(format!(
                "{name} has {n} characters; at most {MAX_TEXT} are allowed"
            ));
        }
    }
    Ok(())
}

/// Whether the department's class disagrees with the computed one. A target the rules could
/// not class (NOT_QUANTIFIED) has only the department's judgement: no disagreement.
pub fn disagrees(own: Class, computed: Class) -> bool {
    computed != Class::NotQuantified && own != computed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_takes_its_own_classes_only() {
        assert!(check(Kind::Final, Class::NotAchieved, "完成", "").is_ok());
        let e = check(Kind::Final, Class::Behind, "完成", "").unwrap_err();
        assert_eq!(
            e,
            "class BEHIND is not one a FINAL evaluation gives: use one of ACHIEVED, NOT_ACHIEVED, NO_DATA"
        );
        assert!(check(Kind::Midterm, Class::OnPace, "完成", "经费不足").is_ok());
        assert!(check(Kind::Midterm, Class::NotQuantified, "完成", "").is_err());
    }

    #[test]
    fn texts_are_required_and_bounded() {
        assert_eq!(
            check(Kind::Final, Class::Achieved, "  ", "").unwrap_err(),
            "done must say what was done"
        );
        let long = "字".repeat(MAX_TEXT + 1);
        assert_eq!(
            check(Kind::Final, Class::Achieved, "完成", &long).unwrap_err(),
            "heldBack has 1001 characters; at most 1000 are allowed"
        );
        assert!(check(Kind::Final, Class::Achieved, &"字".repeat(MAX_TEXT), "").is_ok());
    }

    #[test]
    fn disagreement_is_against_a_computed_class() {
        assert!(disagrees(Class::Achieved, Class::NotAchieved));
        assert!(!disagrees(Class::Behind, Class::Behind));
        assert!(!disagrees(Class::Achieved, Class::NotQuantified));
    }
}
