use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::components::Form;

use super::AppSelect;
use crate::api::{AppChoice, ReportQuery};

/// The filters of a report page (overview, feedback): a GET form to
/// `action`, so it works without JavaScript and its URL is shareable;
/// hydrated, the router handles the submit and only the data is fetched.
#[component]
pub fn ReportFilters(
    /// The page's path.
    action: &'static str,
    /// The filters being shown.
    query: ReportQuery,
    /// The period shown (filled in when the URL names none).
    days: (NaiveDate, NaiveDate),
    /// Apps the user may pick.
    apps: Vec<AppChoice>,
    /// applicationVersions to pick from; `None` hides the field.
    #[prop(optional)]
    app_versions: Option<Vec<String>>,
) -> impl IntoView {
    let app = query.app.clone().unwrap_or_default();
    let version = query.app_version.clone().unwrap_or_default();
    view! {
        <Form method="GET" action=action>
            <div class="search-form card report-filters">
                <label>
                    "App"
                    <AppSelect apps selected=app any="every app I may see"/>
                </label>
                <label>"From (UTC day)" <input type="date" name="from" value=days.0.to_string()/></label>
                <label>"To (UTC day, included)" <input type="date" name="to" value=days.1.to_string()/></label>
                {app_versions.map(|versions| view! {
                    <label>
                        "App version"
                        <select name="appVersion">
                            <option value="">"every version"</option>
                            {versions.into_iter().map(|v| {
                                let selected = v == version;
                                view! { <option value=v.clone() selected=selected>{v.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                })}
                <div class="actions"><button type="submit" class="primary">"Show"</button></div>
            </div>
        </Form>
    }
}
