use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{ApiError, AppChoice, AuditPage, AuditQuery, AuditRow, admin_audit, list_search_apps};
use crate::ui::components::{AdminNav, AppSelect, EmptyState, PageData, PageTitle};
use crate::ui::format;

/// The action filters offered, as (prefix, label).
const ACTIONS: [(&str, &str); 8] = [
    ("app.", "apps: any change"),
    ("app.secret", "app secrets"),
    ("app.key", "public keys"),
    ("app.origin", "origins"),
    ("user.", "users"),
    ("conference.view_names", "views of real names"),
    ("subject.", "people's data: exports and erases"),
    ("webhook.", "webhooks"),
];

/// `/admin/audit`: who did which admin action when, and who was shown
/// which conference's real names; filtered by app, actor and action, with
/// the filters in the URL (a plain GET form, with or without JavaScript).
#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(|q| AuditQuery::from_pairs(q.into_iter().map(|(k, v)| (&**k, v)))));
    let page = Resource::new(move || filters.get(), admin_audit);
    // Admins may search every app: the app filter's choices, by name.
    let apps = Resource::new(|| (), |()| list_search_apps());
    view! {
        <PageTitle text="Admin · Audit log"/>
        <PageData load=move || loaded(filters.get(), page, apps) let((filters, page, apps))>
            <AdminNav/>
            <h1>"Audit log"</h1>
            <Filters filters=filters.clone() apps/>
            <Records page filters/>
        </PageData>
    }
}

/// The filters shown, and the page's data once both resources are there.
async fn loaded(
    filters: AuditQuery,
    page: Resource<Result<AuditPage, ApiError>>,
    apps: Resource<Result<Vec<AppChoice>, ApiError>>,
) -> Result<(AuditQuery, AuditPage, Vec<AppChoice>), ApiError> {
    let (page, apps) = (page.await, apps.await);
    Ok((filters, page?, apps?))
}

#[component]
fn Filters(filters: AuditQuery, apps: Vec<AppChoice>) -> impl IntoView {
    let app = filters.app.unwrap_or_default();
    let action = filters.action.unwrap_or_default();
    view! {
        <form method="get" action="/admin/audit" class="card search-form audit-filters" aria-label="Filter the audit log">
            <label>
                "App"
                <AppSelect apps selected=app any="every app"/>
            </label>
            <label>
                "Actor"
                <input name="actor" placeholder="email or cli@host" value=filters.actor.unwrap_or_default()/>
            </label>
            <label>
                "Action"
                <select name="action">
                    <option value="">"every action"</option>
                    {ACTIONS.into_iter().map(|(prefix, label)| view! {
                        <option value=prefix selected=prefix == action>{label}</option>
                    }).collect_view()}
                </select>
            </label>
            <div class="actions">
                <button type="submit" class="primary">"Filter"</button>
                <a href="/admin/audit">"Clear"</a>
            </div>
        </form>
    }
}

#[component]
fn Records(page: AuditPage, filters: AuditQuery) -> impl IntoView {
    if page.rows.is_empty() {
        return view! {
            <EmptyState title="No records">
                "Nothing matches these filters."
            </EmptyState>
        }
        .into_any();
    }
    let older = page.older.map(|before| AuditQuery { before: Some(before), ..filters }.to_url());
    view! {
        <table class="data audit">
            <thead><tr><th>"When (UTC)"</th><th>"Who"</th><th>"Action"</th><th>"App"</th><th>"On"</th><th>"Details"</th></tr></thead>
            <tbody>
                {page.rows.into_iter().map(|row| view! { <Record row/> }).collect_view()}
            </tbody>
        </table>
        <nav class="pager" aria-label="Pages">
            {older.map(|href| view! { <a href=href rel="next">"Older records →"</a> })}
        </nav>
    }
    .into_any()
}

#[component]
fn Record(row: AuditRow) -> impl IntoView {
    let target = match (row.target_type.as_deref(), row.target_id.clone()) {
        (Some("conference"), Some(id)) => {
            view! { <a href=format!("/conferences/{id}")>"conference "{id.clone()}</a> }.into_any()
        }
        (Some(kind), Some(id)) => view! { <span>{kind.replace('_', " ")}" "<code>{id}</code></span> }.into_any(),
        _ => ().into_any(),
    };
    let details = match &row.details {
        serde_json::Value::Object(map) if map.is_empty() => String::new(),
        other => other.to_string(),
    };
    view! {
        <tr>
            <td class="nowrap">{format::time(row.occurred_at)}</td>
            <td>{row.actor_label}</td>
            <td><code>{row.action}</code></td>
            <td>{row.app_public_id.map(|app| view! { <a href=format!("/admin/apps/{app}")>{app.clone()}</a> })}</td>
            <td>{target}</td>
            <td class="details"><code>{details}</code></td>
        </tr>
    }
}
