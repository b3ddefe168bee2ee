use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::InvalidField;

/// What a dashboard user may see and do.
///
/// Support staff see real user names; engineers see aliases only; admins see
/// both and manage the installation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Finds conferences for customers; sees `userName`.
    Support,
    /// Reads timelines and charts; never sees `userName`.
    Engineer,
    /// Manages apps, secrets, keys, origins, webhooks and users.
    Admin,
}

impl Role {
    /// Every role, in the order they are offered in forms.
    pub const ALL: [Role; 3] = [Role::Support, Role::Engineer, Role::Admin];

    /// The role's name as stored and as typed on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Support => "support",
            Role::Engineer => "engineer",
            Role::Admin => "admin",
        }
    }

    /// Whether this role may see the real `userName` of call participants.
    pub fn sees_user_names(self) -> bool {
        matches!(self, Role::Support | Role::Admin)
    }

    /// Whether this role may use the admin pages and commands.
    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = InvalidField;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| InvalidField::new("role", "must be one of support, engineer, admin"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
    }

    #[test]
    fn role_names_are_case_sensitive_and_closed() {
        assert!("Admin".parse::<Role>().is_err());
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn only_support_and_admin_see_user_names() {
        assert!(Role::Support.sees_user_names());
        assert!(Role::Admin.sees_user_names());
        assert!(!Role::Engineer.sees_user_names());
    }
}
