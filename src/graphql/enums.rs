//! The closed sets of the public schema, mirrored from `crate::domain` with descriptions.

use async_graphql::Enum;

use crate::domain;

macro_rules! public_enum {
    ($(#[$meta:meta])* $name:ident from $domain:path { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl From<$domain> for $name {
            fn from(value: $domain) -> Self {
                use $domain as D;
                match value { $(D::$variant => $name::$variant),+ }
            }
        }

        impl From<$name> for $domain {
            fn from(value: $name) -> Self {
                use $domain as D;
                match value { $($name::$variant => D::$variant),+ }
            }
        }

        impl $name {
            /// Reads a stored value; text this version does not know is an internal error.
            pub fn from_stored(text: &str) -> Result<Self, crate::error::AppError> {
                <$domain>::parse(text).map(Into::into).ok_or_else(|| {
                    crate::error::AppError::Internal(format!("unknown stored {} {text:?}", stringify!($name)))
                })
            }
        }
    };
}

public_enum!(
    /// What kind of numbered item of a plan a goal is.
    GoalKind from domain::GoalKind {
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
);

public_enum!(
    /// A department's role on a goal, as the goal's tag labels it.
    Role from domain::Role {
        /// 牵头单位 / 牵头部门: leads the work.
        Lead,
        /// 责任单位: shares responsibility.
        Responsible,
        /// 配合单位: cooperates.
        Cooperating,
    }
);

public_enum!(
    /// What sort of body a department is.
    DepartmentKind from domain::DepartmentKind {
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
);
