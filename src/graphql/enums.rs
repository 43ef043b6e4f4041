//! The closed sets of the public schema, mirrored from `crate::domain` with descriptions.

use async_graphql::Enum;

/// What kind of numbered item of a plan a goal is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::GoalKind")]
pub enum GoalKind {
    /// A numbered item of a 主要目标 (main goals) or 具体目标 (specific goals) list.
    Goal,
    /// A numbered 策略措施 (strategy and measure) of a 发展领域.
    Measure,
    /// A numbered item of a 主要任务 / 重点任务 (task) section.
    Task,
    /// A numbered item of a 重点项目 (key project) section.
    Project,
    /// A 专栏 box listing projects.
    ProjectBox,
    /// A numbered paragraph of another chapter (e.g. 组织实施) that names departments.
    Implementation,
}

/// A department's role on a goal, as the goal's tag labels it.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::Role")]
pub enum Role {
    /// 牵头单位 / 牵头部门: leads the work.
    Lead,
    /// 责任单位: shares responsibility.
    Responsible,
    /// 配合单位: cooperates.
    Cooperating,
}

/// What sort of body a department is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::DepartmentKind")]
pub enum DepartmentKind {
    /// A department of the county government (县…局).
    CountyGovernment,
    /// A department of the county party committee (县委…).
    PartyCommittee,
    /// A mass organisation (县妇联, 县总工会, 团县委 …).
    MassOrganization,
    /// A county branch of a city bureau (市生态环境局昌乐分局).
    CityBureauBranch,
    /// Any other body (media centre, court, committee office …).
    Other,
}

/// Which way an indicator should move.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::Direction")]
pub enum Direction {
    /// Higher values are better (a coverage rate).
    HigherIsBetter,
    /// Lower values are better (a death rate).
    LowerIsBetter,
    /// The value should stay at a level (…左右).
    Keep,
    /// The document gives no target to tell.
    Unspecified,
}

/// 预期性 or 约束性, as the plan's table marks the indicator.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::Nature")]
pub enum Nature {
    /// 预期性: an expected (indicative) target.
    Expected,
    /// 约束性: a binding target.
    Binding,
    /// The document does not say.
    Unspecified,
}

/// How a value is compared with the target value.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::Comparator")]
pub enum Comparator {
    /// The value must be at least the target (以上, 不低于, ≥, 达到).
    AtLeast,
    /// The value must be at most the target (以下, 以内, ≤, 控制在).
    AtMost,
    /// The value must be within 5% of the target (左右).
    About,
    /// The value must equal the target (为).
    Exactly,
}

/// What the target value measures.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::TargetBasis")]
pub enum TargetBasis {
    /// A level of the indicator itself.
    Level,
    /// A change per year, e.g. 每年降低1个百分点 (1 point less each year).
    AnnualChange,
    /// A relative change from the baseline, in percent, e.g. 以2020年为基数下降20%.
    ChangeFromBaseline,
}

/// Where a target stands; see `Target` for the rules.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::rules::progress::Status")]
pub enum TargetStatus {
    /// The latest value meets the target (also a figure the document gives for the start year).
    Achieved,
    /// At or ahead of the linear trajectory from the start to the target.
    OnTrack,
    /// Behind the trajectory by at most 25 points of the way (expected targets only).
    AtRisk,
    /// Further behind, past the target year without meeting it, or a binding target behind.
    OffTrack,
    /// No value after the starting point.
    NoData,
    /// The target has no number (同比例增加, 四级甲等, 抗御6级地震).
    NotQuantified,
}

/// A part of a target the document does not write, read into it by the importer.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetPart {
    /// No comparator word (以上, 不低于, 至少 …): taken from the verb (达到 → at least) or, in 表1,
    /// from the move of the figures.
    Comparator,
    /// Higher or lower is better: taken from the verb, the move of the figures or the name.
    Direction,
    /// No year in the sentence: the plan's last year.
    Year,
}

/// The language of a status reason.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    /// Chinese (the default).
    #[default]
    Zh,
    /// English.
    En,
}

impl From<Language> for crate::rules::progress::Language {
    fn from(l: Language) -> Self {
        match l {
            Language::Zh => crate::rules::progress::Language::Chinese,
            Language::En => crate::rules::progress::Language::English,
        }
    }
}

/// Where a value of a series comes from.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueOrigin {
    /// A figure the document gives (表1's 2020 column, a 规划背景 sentence).
    Document,
    /// A department's report, approved by a reviewer.
    Report,
}

/// Sort direction.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderDirection {
    /// Ascending.
    #[default]
    Asc,
    /// Descending.
    Desc,
}
