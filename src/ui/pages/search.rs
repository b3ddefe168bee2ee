use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{ApiError, SearchQuery, list_search_apps, search_conferences};
use crate::ui::components::{ConferenceTable, EmptyState, PageData, PageTitle, SearchForm};

/// `/search`: find a conference by the IDs a customer gives. The query
/// string is the whole state, so a search can be shared as a link.
#[component]
pub fn SearchPage() -> impl IntoView {
    let query_map = use_query_map();
    let query = Memo::new(move |_| {
        query_map.with(|map| SearchQuery::from_pairs(map.into_iter().map(|(key, value)| (key.as_ref(), value))))
    });
    let apps = Resource::new(|| (), |_| list_search_apps());
    let results = Resource::new(
        move || query.get(),
        |query| async move {
            match query {
                Ok(query) => search_conferences(query.clone()).await.map(|results| (query, results)),
                Err(invalid) => Err(ApiError::Validation { field: invalid.field.to_owned(), message: invalid.message }),
            }
        },
    );

    view! {
        <PageTitle text="Search"/>
        <h1>"Search conferences"</h1>
        <Transition>
            {move || {
                // Read outside the async block, so the fields follow the URL.
                let shown = query.get().unwrap_or_default().first_page();
                Suspend::new(async move {
                let apps = apps.await.unwrap_or_default();
                view! { <SearchForm query=shown apps/> }
            })}}
        </Transition>
        <PageData load=move || results.into_future() loading="Searching…" let((query, results))>
            <Results query results/>
        </PageData>
    }
}

#[component]
fn Results(query: SearchQuery, results: crate::api::SearchResults) -> impl IntoView {
    if results.rows.is_empty() {
        return if query.is_empty() {
            view! {
                <EmptyState title="No conferences recorded yet">
                    "Conferences appear here once the collector has received calls. "
                    "Load "<code>"/callstats.js"</code>" in your WebRTC app and point it at this server, "
                    "or run "<code>"callscope demo"</code>" to load sample conferences."
                </EmptyState>
            }
            .into_any()
        } else if query.before.is_some() {
            view! {
                <EmptyState title="No older conferences">
                    <a href=format!("/search?{}", query.first_page().to_query_string())>"Back to the newest"</a>
                </EmptyState>
            }
            .into_any()
        } else {
            view! {
                <EmptyState title="No conference matches this search">
                    "Conference and user IDs must match exactly, including upper and lower case. "
                    "Choose “starts with” to find IDs by their beginning, or widen the time range."
                </EmptyState>
            }
            .into_any()
        };
    }
    let first = query.before.is_some().then(|| format!("/search?{}", query.first_page().to_query_string()));
    let older = results.next.map(|cursor| {
        let next = SearchQuery { before: Some(cursor), ..query.clone() };
        format!("/search?{}", next.to_query_string())
    });
    view! {
        <ConferenceTable rows=results.rows/>
        <nav class="pager" aria-label="Pages">
            {first.map(|href| view! { <a href=href rel="first">"← Newest"</a> })}
            {older.map(|href| view! { <a href=href rel="next">"Older conferences →"</a> })}
        </nav>
    }
    .into_any()
}
