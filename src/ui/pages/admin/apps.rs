use leptos::prelude::*;

use super::when;
use crate::api::{AppSummary, AppsIntent, FormOutcome, admin_apps};
use crate::ui::components::{
    AdminNav, FieldError, FormErrorNotice, IntentField, PageData, PageTitle, SecretOnce, use_form_outcome, with_outcome,
};
use crate::ui::format;

/// `/admin`: every app, and the form that creates one (its first secret is
/// shown here, once).
#[component]
pub fn AdminAppsPage() -> impl IntoView {
    let apps = Resource::new(|| (), |()| admin_apps());
    let outcome = use_form_outcome();
    view! {
        <PageTitle text="Admin · Apps"/>
        <PageData load=move || with_outcome(apps, outcome) let((apps, outcome))>
            <AdminNav/>
            <h1>"Apps"</h1>
            {outcome.secret.clone().map(|secret| view! { <SecretOnce secret/> })}
            <CreateApp outcome/>
            <AppList apps/>
        </PageData>
    }
    .into_any()
}

#[component]
fn CreateApp(outcome: FormOutcome) -> impl IntoView {
    view! {
        <form method="post" action="/admin" class="card admin-form" aria-label="Create an app">
            <IntentField intent=AppsIntent::CreateApp/>
            <FormErrorNotice outcome=outcome.clone() intent=AppsIntent::CreateApp fields=&["name"]/>
            <label>
                "New app's name"
                <input name="name" required maxlength="200" value=outcome.value(AppsIntent::CreateApp, "name")/>
                <FieldError outcome intent=AppsIntent::CreateApp field="name"/>
            </label>
            <button type="submit" class="primary">"Create app"</button>
        </form>
    }
    .into_any()
}

#[component]
fn AppList(apps: Vec<AppSummary>) -> impl IntoView {
    if apps.is_empty() {
        return view! { <p class="muted">"No apps yet. Create one to get an appID and a secret for the SDK."</p> }
            .into_any();
    }
    view! {
        <table class="data admin-apps">
            <thead><tr>
                <th>"Name"</th><th>"appID"</th><th>"Status"</th><th class="number">"Secrets"</th>
                <th>"Last token"</th><th class="number">"Origins"</th><th class="number">"Keys"</th><th>"Created"</th>
            </tr></thead>
            <tbody>
                {apps.into_iter().map(|app| view! {
                    <tr>
                        <td><a href=format!("/admin/apps/{}", app.app_id)>{app.name}</a></td>
                        <td><code>{app.app_id}</code></td>
                        <td>{if app.disabled { "disabled" } else { "active" }}</td>
                        <td class="number">{app.active_secrets}</td>
                        <td class="nowrap">{when(app.last_used_at)}</td>
                        <td class="number">{app.origins}</td>
                        <td class="number">{app.active_keys}</td>
                        <td class="nowrap">{format::time(app.created_at)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
