//! The closed vocabularies of the store, as typed columns.
//!
//! Stored as short English strings so that SQLite and PostgreSQL hold the same text and the
//! database stays readable; a row whose text this version does not know fails to load rather
//! than being read as something else. The GraphQL layer maps these to its own enums.

use std::fmt;

use sea_orm::entity::prelude::*;

macro_rules! stored_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
        pub enum $name { $(#[sea_orm(string_value = $text)] #[serde(rename = $text)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Reads the stored form back; None for text this version does not know.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

stored_enum!(
    /// What kind of numbered item a goal row is.
    GoalKind {
        Goal => "goal",
        Measure => "measure",
        Task => "task",
        Project => "project",
        ProjectBox => "project_box",
        Implementation => "implementation",
    }
);

stored_enum!(
    /// A department's role on a goal, from the labels of the tag.
    Role {
        Lead => "lead",
        Responsible => "responsible",
        Cooperating => "cooperating",
    }
);

impl Role {
    /// The tag label that introduces this role (牵头单位 / 牵头部门, 责任单位, 配合单位).
    pub fn from_label(label: &str) -> Option<Role> {
        match label {
            "牵头单位" | "牵头部门" => Some(Role::Lead),
            "责任单位" => Some(Role::Responsible),
            "配合单位" => Some(Role::Cooperating),
            _ => None,
        }
    }
}

stored_enum!(
    /// What sort of body a department is.
    DepartmentKind {
        CountyGovernment => "county_government",
        PartyCommittee => "party_committee",
        MassOrganization => "mass_organization",
        CityBureauBranch => "city_bureau_branch",
        Other => "other",
    }
);

stored_enum!(
    /// Which way an indicator should move.
    Direction {
        HigherIsBetter => "higher_is_better",
        LowerIsBetter => "lower_is_better",
        Keep => "keep",
        Unspecified => "unspecified",
    }
);

stored_enum!(
    /// 预期性 (expected) or 约束性 (binding).
    Nature {
        Expected => "expected",
        Binding => "binding",
        Unspecified => "unspecified",
    }
);

impl Nature {
    pub fn from_published(text: &str) -> Nature {
        match text.trim() {
            "预期性" => Nature::Expected,
            "约束性" => Nature::Binding,
            _ => Nature::Unspecified,
        }
    }
}

stored_enum!(
    /// How the target value is to be read against actual values.
    Comparator {
        AtLeast => "at_least",
        AtMost => "at_most",
        About => "about",
        Exactly => "exactly",
    }
);

stored_enum!(
    /// What the target value measures: a level, a change per year, or a change from the baseline.
    TargetBasis {
        Level => "level",
        AnnualChange => "annual_change",
        ChangeFromBaseline => "change_from_baseline",
    }
);

stored_enum!(
    /// Life cycle of a yearly value.
    ValueStatus {
        Submitted => "submitted",
        Published => "published",
        Rejected => "rejected",
        Superseded => "superseded",
    }
);

stored_enum!(
    /// Where a yearly value comes from.
    ValueOrigin {
        Document => "document",
        Submission => "submission",
    }
);

stored_enum!(
    /// What happened to a yearly value (its history).
    ValueAction {
        Submit => "submit",
        Approve => "approve",
        Reject => "reject",
        Supersede => "supersede",
    }
);

stored_enum!(
    /// What an account may do.
    UserRole {
        Admin => "admin",
        Reviewer => "reviewer",
        Submitter => "submitter",
        Evaluator => "evaluator",
    }
);

stored_enum!(
    /// Where a target stands against its indicator's series (the rules are
    /// `plangraph::rules::progress`). Kept on the target row so that lists can be filtered,
    /// sorted and counted by it with an index; restated in the transaction of every change of
    /// a series or a target.
    TargetStatus {
        Achieved => "achieved",
        OnTrack => "on_track",
        AtRisk => "at_risk",
        OffTrack => "off_track",
        NoData => "no_data",
        NotQuantified => "not_quantified",
    }
);
