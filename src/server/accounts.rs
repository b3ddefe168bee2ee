//! Managing dashboard users: one code path for the CLI and the admin
//! pages. Every change is audited in its own transaction, and the last
//! active admin can neither be demoted nor disabled.

use secrecy::SecretString;
use serde_json::json;
use sqlx::{PgConnection, PgPool};

use super::AppError;
use super::audit::{Action, Actor, record};
use super::auth::password;
use super::db::users::{self, User};
use super::db::{apps, dashboard};
use crate::api::{AppChoice, CurrentUser, UserRow, UserView, UsersView};
use crate::domain::{Email, InvalidField, Role};

/// Every user with the apps granted to them, and every app `admin` may
/// grant (all of them, by name), for the admin page.
pub async fn view(pool: &PgPool, admin: &CurrentUser) -> Result<UsersView, AppError> {
    let mut grants = users::grants(pool).await?.into_iter().peekable();
    let users = list(pool)
        .await?
        .into_iter()
        .map(|user| {
            let mut apps = Vec::new();
            // Both are ordered by user id.
            while let Some(grant) = grants.next_if(|grant| grant.user_id == user.id) {
                apps.push(AppChoice { app_id: grant.public_id, name: grant.name });
            }
            UserView { user, apps }
        })
        .collect();
    // On the primary, not through `reports::apps` (a read replica): an app
    // created a moment ago must be grantable here.
    let apps = dashboard::visible_apps(pool, admin.id, admin.role.is_admin()).await?;
    Ok(UsersView { users, apps: apps.into_iter().map(AppChoice::from).collect() })
}

/// Every user, oldest first.
pub async fn list(pool: &PgPool) -> Result<Vec<UserRow>, AppError> {
    Ok(users::list(pool).await?.into_iter().map(UserRow::from).collect())
}

/// Creates a user with `role` and the password given.
pub async fn create(
    pool: &PgPool,
    actor: &Actor,
    email: &Email,
    role: Role,
    secret: SecretString,
) -> Result<UserRow, AppError> {
    password::validate(&secret)?;
    let hash = password::hash(secret).await?;
    let mut tx = pool.begin().await?;
    let user = users::create(&mut *tx, email, role, &hash).await?;
    let details = json!({ "email": user.email, "role": role.as_str() });
    record(&mut tx, actor, user_action("user.create", &user, details)).await?;
    tx.commit().await?;
    Ok(user.into())
}

/// Gives the user with `email` another role.
pub async fn set_role(pool: &PgPool, actor: &Actor, email: &Email, role: Role) -> Result<UserRow, AppError> {
    let mut tx = pool.begin().await?;
    let mut user = find(&mut tx, email).await?;
    if role != Role::Admin {
        keep_an_admin(&mut tx, &user, "demoted").await?;
    }
    users::set_role(&mut tx, user.id, role).await?;
    let details = json!({ "email": user.email, "from": user.role.as_str(), "to": role.as_str() });
    record(&mut tx, actor, user_action("user.role", &user, details)).await?;
    tx.commit().await?;
    user.role = role;
    Ok(user.into())
}

/// Disables the user with `email` (signing them out everywhere), or enables them again.
pub async fn set_disabled(pool: &PgPool, actor: &Actor, email: &Email, disabled: bool) -> Result<UserRow, AppError> {
    let mut tx = pool.begin().await?;
    let mut user = find(&mut tx, email).await?;
    if disabled {
        keep_an_admin(&mut tx, &user, "disabled").await?;
    }
    users::set_disabled(&mut tx, user.id, disabled).await?;
    let verb = if disabled { "user.disable" } else { "user.enable" };
    record(&mut tx, actor, user_action(verb, &user, json!({ "email": user.email }))).await?;
    tx.commit().await?;
    user.disabled = disabled;
    Ok(user.into())
}

/// Sets a new password for the user with `email` and signs them out everywhere.
pub async fn reset_password(pool: &PgPool, actor: &Actor, email: &Email, secret: SecretString) -> Result<(), AppError> {
    password::validate(&secret)?;
    let hash = password::hash(secret).await?;
    let mut tx = pool.begin().await?;
    let user = find(&mut tx, email).await?;
    users::set_password(&mut tx, user.id, &hash).await?;
    record(&mut tx, actor, user_action("user.reset_password", &user, json!({ "email": user.email }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Lets the user with `email` see the app `app` (appID), or stops it;
/// returns whether anything changed.
pub async fn set_grant(
    pool: &PgPool,
    actor: &Actor,
    email: &Email,
    app: &str,
    granted: bool,
) -> Result<bool, AppError> {
    let mut tx = pool.begin().await?;
    let user = find(&mut tx, email).await?;
    let app_row = apps::find(&mut *tx, app)
        .await?
        .ok_or_else(|| AppError::from(InvalidField::new("app", format!("no app has the appID {app}"))))?;
    let changed = if granted {
        users::grant_app_to(&mut tx, user.id, app_row.id).await?
    } else {
        users::revoke_app(&mut tx, user.id, app_row.id).await?
    };
    if changed {
        let verb = if granted { "user.grant" } else { "user.revoke" };
        let mut action = user_action(verb, &user, json!({ "email": user.email, "appID": app }));
        action.app_id = Some(app_row.id);
        record(&mut tx, actor, action).await?;
    }
    tx.commit().await?;
    Ok(changed)
}

/// The user with `email`, locked for the change; a field error when none.
async fn find(conn: &mut PgConnection, email: &Email) -> Result<User, AppError> {
    users::find_for_update(conn, email)
        .await?
        .ok_or_else(|| InvalidField::new("email", format!("no user has the email {email}")).into())
}

/// Refuses to take away the last active admin.
async fn keep_an_admin(conn: &mut PgConnection, user: &User, how: &str) -> Result<(), AppError> {
    let admins = users::active_admins_for_update(conn).await?;
    if admins == [user.id] {
        return Err(AppError::Conflict(format!(
            "{} is the last active admin and cannot be {how}; make another user admin first",
            user.email
        )));
    }
    Ok(())
}

fn user_action(action: &'static str, user: &User, details: serde_json::Value) -> Action {
    Action { action, app_id: None, target: Some(("user", user.id.to_string())), details }
}

impl From<User> for UserRow {
    fn from(user: User) -> Self {
        UserRow {
            id: user.id,
            email: user.email,
            role: user.role,
            created_at: user.created_at,
            disabled: user.disabled,
        }
    }
}
