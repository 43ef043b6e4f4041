//! Every mutation the services run and who may run it, declared once: the GraphQL resolvers
//! and the command line name an operation from here, and [`super::run`] checks its roles
//! before the transaction begins.

use super::Operation;
use crate::auth::UserRole;

/// A kind of mutation: its name in the audit log and the roles that may run it.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    pub action: &'static str,
    pub roles: &'static [UserRole],
}

impl Kind {
    /// This kind of mutation, acting on `target` (as the audit log names it).
    pub fn on(self, target: impl Into<String>) -> Operation {
        Operation {
            action: self.action,
            target: target.into(),
            roles: self.roles,
        }
    }
}

const EVERY_ROLE: &[UserRole] = &[UserRole::Admin, UserRole::Reviewer, UserRole::Submitter];
const ADMIN: &[UserRole] = &[UserRole::Admin];

/// A department's yearly value (`submitValue`).
pub const SUBMIT_VALUE: Kind = Kind {
    action: "submitValue",
    roles: &[UserRole::Submitter],
};
/// Several values, all or none (`submitValues`).
pub const SUBMIT_VALUES: Kind = Kind {
    action: "submitValues",
    roles: &[UserRole::Submitter],
};
/// A filled-in template, all rows or none, or its dry run (`uploadSheet`): a department's
/// own, or the monitoring office's on the departments' behalf.
pub const UPLOAD_SHEET: Kind = Kind {
    action: "uploadSheet",
    roles: EVERY_ROLE,
};
/// Approving or rejecting a submitted value (`reviewValue`).
pub const REVIEW_VALUE: Kind = Kind {
    action: "reviewValue",
    roles: &[UserRole::Reviewer],
};
/// Freezing an evaluation (`freezeEvaluation`): the statistics bureau's monitoring and
/// evaluation groups.
pub const FREEZE_EVALUATION: Kind = Kind {
    action: "freezeEvaluation",
    roles: &[UserRole::Reviewer, UserRole::Admin],
};
/// Letting a department report an indicator (`assignReporter`).
pub const ASSIGN_REPORTER: Kind = Kind {
    action: "assignReporter",
    roles: ADMIN,
};
/// Correcting an indicator's metadata (`updateIndicator`).
pub const UPDATE_INDICATOR: Kind = Kind {
    action: "updateIndicator",
    roles: ADMIN,
};
/// Logging out everywhere (`revokeMyTokens`): any account, for itself.
pub const REVOKE_MY_TOKENS: Kind = Kind {
    action: "revokeMyTokens",
    roles: EVERY_ROLE,
};
/// A new account (`createUser`).
pub const CREATE_USER: Kind = Kind {
    action: "createUser",
    roles: ADMIN,
};
/// A changed account (`updateUser`).
pub const UPDATE_USER: Kind = Kind {
    action: "updateUser",
    roles: ADMIN,
};
/// Logging another account out everywhere (`revokeUserTokens`).
pub const REVOKE_USER_TOKENS: Kind = Kind {
    action: "revokeUserTokens",
    roles: ADMIN,
};
/// A new account from the command line (`plangraph user add`).
pub const CLI_USER_ADD: Kind = Kind {
    action: "user add",
    roles: ADMIN,
};
/// A disabled account from the command line (`plangraph user disable`).
pub const CLI_USER_DISABLE: Kind = Kind {
    action: "user disable",
    roles: ADMIN,
};
/// A lead department's self-assessment for an evaluation round (`submitSelfAssessment`).
pub const SUBMIT_SELF_ASSESSMENT: Kind = Kind {
    action: "submitSelfAssessment",
    roles: &[UserRole::Submitter],
};
/// Approving or rejecting one (`reviewSelfAssessment`).
pub const REVIEW_SELF_ASSESSMENT: Kind = Kind {
    action: "reviewSelfAssessment",
    roles: &[UserRole::Reviewer],
};
/// A new version of a dimension's code list (`defineCodelist`).
pub const DEFINE_CODELIST: Kind = Kind {
    action: "defineCodelist",
    roles: ADMIN,
};
/// What an indicator is reported by (`declareBreakdowns`).
pub const DECLARE_BREAKDOWNS: Kind = Kind {
    action: "declareBreakdowns",
    roles: ADMIN,
};
