use serde::{Deserialize, Serialize};

/// A call participant as the viewer's role may see them.
///
/// `user_name` is filled only for roles that may see real names (support
/// and admin): the server never reads it from the store for an engineer,
/// so it cannot leak into an engineer's HTML or server-function JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// The wire userID (for a userID object: its aliasName).
    pub user_id: String,
    /// The real name, for support and admin only.
    pub user_name: Option<String>,
}

impl Person {
    /// How the person is shown: `userName (userID)` when the name may be
    /// seen, else the userID alone; an empty userID reads "unknown".
    pub fn label(&self) -> String {
        let id = if self.user_id.is_empty() { "unknown" } else { self.user_id.as_str() };
        match &self.user_name {
            Some(name) if name != id => format!("{name} ({id})"),
            _ => id.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Person;

    #[test]
    fn a_person_reads_as_name_and_alias_or_alias_alone() {
        let named = Person { user_id: "blue-fox".into(), user_name: Some("Ada Lovelace".into()) };
        assert_eq!(named.label(), "Ada Lovelace (blue-fox)");
        let alias = Person { user_id: "blue-fox".into(), user_name: None };
        assert_eq!(alias.label(), "blue-fox");
        assert_eq!(Person::default().label(), "unknown");
    }
}
