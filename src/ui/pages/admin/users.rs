use leptos::prelude::*;

use crate::api::{AppChoice, FormOutcome, UserView, UsersIntent, admin_users};
use crate::domain::Role;
use crate::ui::components::{
    AdminNav, DoneNotice, FieldError, FormErrorNotice, IntentField, PageData, PageTitle, use_form_outcome, with_outcome,
};
use crate::ui::format;

/// `/admin/users`: dashboard users — create one, change a role, grant apps,
/// reset a password, disable or enable.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let users = Resource::new(|| (), |()| admin_users());
    let outcome = use_form_outcome();
    view! {
        <PageTitle text="Admin · Users"/>
        <PageData load=move || with_outcome(users, outcome) let((view, outcome))>
            <AdminNav/>
            <h1>"Dashboard users"</h1>
            <DoneNotice message=done/>
            <CreateUser outcome=outcome.clone()/>
            <p class="hint">
                "Support sees participants' real names; engineers see aliases only; admins see everything "
                "and manage apps and users. Support and engineers see only the apps granted to them."
            </p>
            <table class="data admin-users">
                <thead><tr><th>"Email"</th><th>"Role"</th><th>"Apps"</th><th>"Password"</th><th>"Status"</th></tr></thead>
                <tbody>
                    {view.users.into_iter().map(|user| view! {
                        <UserRow user apps=view.apps.clone() outcome=outcome.clone()/>
                    }).collect_view()}
                </tbody>
            </table>
        </PageData>
    }
    .into_any()
}

#[component]
fn CreateUser(outcome: FormOutcome) -> impl IntoView {
    let intent = UsersIntent::CreateUser;
    let typed_role = outcome.value(intent, "role");
    view! {
        <form method="post" action="/admin/users" class="card admin-form create-user" aria-label="Create a user">
            <IntentField intent/>
            <FormErrorNotice outcome=outcome.clone() intent fields=&["email", "role", "password"]/>
            <label>
                "Email"
                <input type="email" name="email" required autocomplete="off" value=outcome.value(intent, "email")/>
                <FieldError outcome=outcome.clone() intent field="email"/>
            </label>
            <label>
                "Role"
                <RoleSelect selected=typed_role.parse().unwrap_or(Role::Engineer)/>
                <FieldError outcome=outcome.clone() intent field="role"/>
            </label>
            <label>
                "First password"
                <input type="password" name="password" required minlength="10" autocomplete="new-password"/>
                <FieldError outcome intent field="password"/>
            </label>
            <button type="submit" class="primary">"Create user"</button>
        </form>
    }
    .into_any()
}

#[component]
fn RoleSelect(selected: Role) -> impl IntoView {
    view! {
        <select name="role">
            {Role::ALL.into_iter().map(|role| view! {
                <option value=role.as_str() selected=role == selected>{role.as_str()}</option>
            }).collect_view()}
        </select>
    }
    .into_any()
}

/// The errors of the last post about this user (any of the row's forms).
fn row_error(outcome: &FormOutcome, email: &str) -> Option<String> {
    let about_this_user = outcome.values.get("email").is_some_and(|posted| posted == email);
    outcome
        .error
        .as_ref()
        .filter(|_| about_this_user && !outcome.is_for(UsersIntent::CreateUser))
        .map(ToString::to_string)
}

#[component]
fn UserRow(user: UserView, apps: Vec<AppChoice>, outcome: FormOutcome) -> impl IntoView {
    let UserView { user, apps: granted } = user;
    let email = user.email.clone();
    let hidden_email = move || view! { <input type="hidden" name="email" value=email.clone()/> };
    let error = row_error(&outcome, &user.email);
    let grantable: Vec<AppChoice> = apps.into_iter().filter(|app| !granted.contains(app)).collect();
    let is_admin = user.role.is_admin();
    view! {
        <tr class:disabled=user.disabled>
            <td>
                <span class="user-email">{user.email.clone()}</span>
                <div class="hint">"since "{format::time(user.created_at)}</div>
                {error.map(|message| view! { <div class="form-error" role="alert">{message}</div> })}
            </td>
            <td>
                <form method="post" action="/admin/users" class="inline-form" aria-label=format!("Role of {}", user.email)>
                    <IntentField intent=UsersIntent::SetRole/>
                    {hidden_email()}
                    <RoleSelect selected=user.role/>
                    <button type="submit">"Save"</button>
                </form>
            </td>
            <td>
                {if is_admin {
                    view! { <span class="muted">"every app"</span> }.into_any()
                } else {
                    view! {
                        <ul class="grants">
                            {granted.into_iter().map(|app| view! {
                                <li>
                                    <form method="post" action="/admin/users" class="inline-form">
                                        <IntentField intent=UsersIntent::RevokeGrant/>
                                        {hidden_email()}
                                        <input type="hidden" name="app" value=app.app_id.clone()/>
                                        {app.name.clone()}
                                        <button type="submit" class="link" aria-label=format!("Withdraw {} from {}", app.name, user.email)>"×"</button>
                                    </form>
                                </li>
                            }).collect_view()}
                        </ul>
                        {(!grantable.is_empty()).then(|| view! {
                            <form method="post" action="/admin/users" class="inline-form" aria-label=format!("Grant an app to {}", user.email)>
                                <IntentField intent=UsersIntent::Grant/>
                                {hidden_email()}
                                <select name="app">
                                    {grantable.into_iter().map(|app| view! { <option value=app.app_id>{app.name}</option> }).collect_view()}
                                </select>
                                <button type="submit">"Grant"</button>
                            </form>
                        })}
                    }.into_any()
                }}
            </td>
            <td>
                <form method="post" action="/admin/users" class="inline-form" aria-label=format!("Reset the password of {}", user.email)>
                    <IntentField intent=UsersIntent::ResetPassword/>
                    {hidden_email()}
                    <input type="password" name="password" required minlength="10" autocomplete="new-password" placeholder="new password" aria-label="New password"/>
                    <button type="submit">"Reset"</button>
                </form>
            </td>
            <td>
                <form method="post" action="/admin/users" class="inline-form" aria-label=format!("Status of {}", user.email)>
                    <IntentField intent=if user.disabled { UsersIntent::EnableUser } else { UsersIntent::DisableUser }/>
                    {hidden_email()}
                    {if user.disabled { "disabled " } else { "active " }}
                    <button type="submit" class:danger=!user.disabled>{if user.disabled { "Enable" } else { "Disable" }}</button>
                </form>
            </td>
        </tr>
    }
    .into_any()
}

/// What a finished action reads like.
fn done(intent: UsersIntent) -> Option<&'static str> {
    Some(match intent {
        UsersIntent::CreateUser => "User created.",
        UsersIntent::SetRole => "Role changed.",
        UsersIntent::Grant => "App granted.",
        UsersIntent::RevokeGrant => "Grant withdrawn.",
        UsersIntent::ResetPassword => "Password reset: the user was signed out everywhere.",
        UsersIntent::DisableUser => "User disabled and signed out everywhere.",
        UsersIntent::EnableUser => "User enabled.",
    })
}
