use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{IntegrationStep, IntegrationView, integration_progress};
use crate::ui::components::{AppSelect, EmptyState, ErrorView, PageTitle};
use crate::ui::format;

/// `/integration?app=APPID`: which SDK and collector calls the app has been
/// seen making, when last, and what to do about the missing ones.
#[component]
pub fn IntegrationPage() -> impl IntoView {
    let query = use_query_map();
    let app = Memo::new(move |_| query.with(|q| q.get("app").unwrap_or_default()));
    let view_data = Resource::new(move || app.get(), integration_progress);
    view! {
        <PageTitle text="Integration"/>
        <Suspense>
            {move || Suspend::new(async move {
                match view_data.await {
                    Ok(Some(data)) => view! { <Integration data/> }.into_any(),
                    Ok(None) => view! {
                        <h1>"Integration"</h1>
                        <EmptyState title="No app to show">
                            "No app is shared with you yet. Ask an admin to grant you one."
                        </EmptyState>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Integration(data: IntegrationView) -> impl IntoView {
    let IntegrationView { app, apps, steps } = data;
    let required = steps.iter().filter(|step| step.required).count();
    let done = steps.iter().filter(|step| step.required && step.seen.is_some()).count();
    view! {
        <h1>"Integration of " {app.name.clone()}</h1>
        <form method="get" action="/integration" class="card search-form integration-app" aria-label="Choose an app">
            <label>
                "App"
                <AppSelect apps selected=app.app_id.clone()/>
            </label>
            <div class="actions"><button type="submit" class="primary">"Show"</button></div>
        </form>
        <p class=if done == required { "notice done" } else { "notice" } role="status">
            {format!("{done} of {required} required steps seen.")}
            {(done < required).then_some(" Each missing step says what to do.")}
        </p>
        <table class="data integration">
            <thead><tr><th>"Step"</th><th>"Status"</th><th>"Last seen (UTC)"</th><th>"First seen"</th><th>"What to do"</th></tr></thead>
            <tbody>{steps.into_iter().map(|step| view! { <Step step/> }).collect_view()}</tbody>
        </table>
    }
    .into_any()
}

#[component]
fn Step(step: IntegrationStep) -> impl IntoView {
    let (status, class) = match (&step.seen, step.required) {
        (Some(_), _) => ("seen", "step seen"),
        (None, true) => ("missing", "step missing"),
        (None, false) => ("not yet (optional)", "step optional"),
    };
    let (name, code) = (step.step.clone(), step.step);
    view! {
        <tr class=class data-step=name>
            <td>{step.title}<div class="hint"><code>{code}</code></div></td>
            <td class="status">{status}</td>
            <td class="nowrap">{step.seen.as_ref().map(|seen| format::time(seen.last))}</td>
            <td class="nowrap">{step.seen.as_ref().map(|seen| format::time(seen.first))}</td>
            <td class="hint">{step.seen.is_none().then_some(step.hint)}</td>
        </tr>
    }
}
