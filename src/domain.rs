//! The closed vocabularies of the plan dataset: typed columns of the entities, one stored form
//! each (see `entity::vocab`), with the readings of the published words the importer needs.

pub use entity::vocab::{
    Comparator, DepartmentKind, Direction, GoalKind, Nature, Role, TargetBasis, TargetStatus,
    UserRole, ValueAction, ValueOrigin, ValueStatus,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_forms_round_trip() {
        for kind in GoalKind::ALL {
            assert_eq!(GoalKind::parse(kind.as_str()), Some(*kind));
        }
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(*role));
        }
        assert_eq!(GoalKind::parse("unknown"), None);
    }

    #[test]
    fn tag_labels_map_to_roles() {
        assert_eq!(Role::from_label("牵头单位"), Some(Role::Lead));
        assert_eq!(Role::from_label("牵头部门"), Some(Role::Lead));
        assert_eq!(Role::from_label("责任单位"), Some(Role::Responsible));
        assert_eq!(Role::from_label("配合单位"), Some(Role::Cooperating));
        assert_eq!(Role::from_label("主办单位"), None);
    }

    #[test]
    fn nature_reads_the_published_words() {
        assert_eq!(Nature::from_published("预期性"), Nature::Expected);
        assert_eq!(Nature::from_published("约束性"), Nature::Binding);
        assert_eq!(Nature::from_published(""), Nature::Unspecified);
    }
}
