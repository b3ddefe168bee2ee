use leptos::prelude::*;
use leptos_router::components::Form;

use crate::api::{AppChoice, FailureGroup, Person, SearchQuery, suggest_people};
use crate::domain::diagnosis::IssueKind;
use crate::ui::format::datetime_local;

/// The search form: a plain GET form to `/search`, so that it works without
/// JavaScript and its URL is the shareable search. Hydrated, the router
/// handles the submit and only the results are fetched again.
#[component]
pub fn SearchForm(
    /// The search being shown, to fill the fields.
    query: SearchQuery,
    /// Apps the user may search.
    apps: Vec<AppChoice>,
) -> impl IntoView {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let group = query.failure_group;
    let issue = query.issue;
    let selected_app = query.app.clone();
    // Suggestions for the userID field, fetched in the browser as the user
    // types; the server decides whose real names may be among them. (A
    // signal, not a resource: the server render must not wait for it.)
    let people = RwSignal::new(Vec::<Person>::new());
    let asked = StoredValue::new(0_u64);
    let suggest = move |prefix: String| {
        let ticket = asked.get_value() + 1;
        asked.set_value(ticket);
        leptos::task::spawn_local(async move {
            let found = if prefix.chars().count() < 2 { Ok(Vec::new()) } else { suggest_people(prefix).await };
            // Only the answer to the latest keystroke counts.
            if let (Ok(found), true) = (found, asked.get_value() == ticket) {
                people.set(found);
            }
        });
    };
    view! {
        <Form method="GET" action="/search">
            <div class="search-form card">
                <label class="wide">
                    "Conference ID"
                    <input type="search" name="conferenceID" value=text(&query.conference_id)
                        placeholder="exactly as your app sent it (case-sensitive)" autocomplete="off"/>
                </label>
                <label>
                    "Match"
                    <select name="match">
                        <option value="exact" selected=!query.prefix>"exact"</option>
                        <option value="prefix" selected=query.prefix>"starts with"</option>
                    </select>
                </label>
                <label>
                    "User ID"
                    <input type="search" name="userID" value=text(&query.user_id) placeholder="userID or alias"
                        autocomplete="off" list="people" on:input=move |ev| suggest(event_target_value(&ev))/>
                    <datalist id="people">
                        {move || people.get().into_iter().map(|person| {
                            view! { <option value=person.user_id.clone()>{person.label()}</option> }
                        }).collect_view()}
                    </datalist>
                </label>
                <label>
                    "From (UTC)"
                    <input type="datetime-local" step="1" name="from" value=query.from.map(datetime_local).unwrap_or_default()/>
                </label>
                <label>
                    "To (UTC)"
                    <input type="datetime-local" step="1" name="to" value=query.to.map(datetime_local).unwrap_or_default()/>
                </label>
                <label>
                    "Failure"
                    <select name="failureGroup">
                        <option value="" selected=group.is_none()>"any"</option>
                        <option value="totalFailure" selected=group == Some(FailureGroup::Total)>"total failure"</option>
                        <option value="partialFailure" selected=group == Some(FailureGroup::Partial)>"partial failure"</option>
                    </select>
                </label>
                <label>
                    "Issue"
                    <select name="issue">
                        <option value="" selected=issue.is_none()>"any"</option>
                        {IssueKind::ALL.into_iter().map(|kind| view! {
                            <option value=kind.as_str() selected=issue == Some(kind)>{kind.label()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>
                    "App"
                    <select name="app">
                        <option value="" selected=selected_app.is_none()>"all apps"</option>
                        {apps.into_iter().map(|app| {
                            let selected = selected_app.as_deref() == Some(app.app_id.as_str());
                            view! { <option value=app.app_id.clone() selected=selected>{app.name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="check">
                    <input type="checkbox" name="feedback12" value="1" checked=query.feedback12/>
                    "rated 1 or 2"
                </label>
                <div class="actions">
                    <button type="submit" class="primary">"Search"</button>
                    <a href="/search">"Clear"</a>
                </div>
            </div>
        </Form>
    }
}
