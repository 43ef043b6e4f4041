//! What the grammar finds: one target of a sentence.

use crate::domain::{Comparator, Direction, TargetBasis};

/// One target found in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub name: String,
    pub unit: String,
    /// None for a target stated without a number (a grade, a capability).
    pub value: Option<f64>,
    pub comparator: Option<Comparator>,
    /// No comparator word is written (以上, 不低于, 至少 …): the comparator is the verb's reading.
    pub comparator_inferred: bool,
    pub direction: Direction,
    pub basis: TargetBasis,
    pub baseline_year: Option<i32>,
    /// The year the sentence sets (到2023年，…); None means the plan's end year.
    pub year: Option<i32>,
    /// The target phrase as published, from the verb to the qualifier.
    pub raw: String,
    /// The clause it was found in.
    pub clause: String,
    /// Read by the first grammar (see [`Found::is_first_grammar`]).
    pub first_grammar: bool,
    /// Which form of statement it was read from (its key says so: t, s, c, g or v).
    pub form: Form,
    /// Which of the measures one value is set on each of this is (`…宫颈癌、乳腺癌免费检查，
    /// 检查率均达到80%`: 0 and 1); 0 for a target that is not such a part.
    pub part: usize,
}

impl Found {
    /// A commitment stated without a number (a grade, a capability, 基本消除…): what is to be
    /// reached, as the clause says it, higher being better.
    pub(super) fn without_number(name: String, raw: String, clause: &str, form: Form) -> Self {
        Found {
            first_grammar: false,
            name,
            unit: String::new(),
            value: None,
            comparator: None,
            comparator_inferred: false,
            direction: Direction::HigherIsBetter,
            basis: TargetBasis::Level,
            baseline_year: None,
            year: None,
            raw,
            clause: clause.to_string(),
            form,
            part: 0,
        }
    }

    /// A level or share the first grammar read already (units 个百分点 /10万 % ‰ 岁 个, digits,
    /// the verbs it knew): these keep their keys `…/t1`, `…/t2` from before; targets the
    /// grammar reads since are numbered apart (`…/s1`), so no earlier key changes its meaning.
    pub fn is_first_grammar(&self) -> bool {
        self.form == Form::Level && self.first_grammar
    }
}

/// The forms a target is stated in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// A rate, level or share (`…达到90%以上`, `90%的城市社区…`).
    Level,
    /// A count of things to build or staff (`建成1处…`).
    Count,
    /// A grade or capability without a number to measure (`四级甲等`, `抗御6级地震`).
    Grade,
    /// A coverage, elimination or completion commitment (`实现…全覆盖`, `基本消除…`).
    Coverage,
}
