use leptos::prelude::*;

use crate::api::AppChoice;

/// `<select name="app">` of `apps`, each as "Name (appID)", with the appID
/// `selected` chosen; `any` labels a first, empty option (every app).
#[component]
pub fn AppSelect(
    /// The apps to offer.
    apps: Vec<AppChoice>,
    /// The appID chosen.
    selected: String,
    /// Label of the empty option, when there is one.
    #[prop(optional)]
    any: Option<&'static str>,
) -> impl IntoView {
    view! {
        <select name="app">
            {any.map(|label| view! { <option value="">{label}</option> })}
            {apps.into_iter().map(|choice| {
                let chosen = choice.app_id == selected;
                let label = format!("{} ({})", choice.name, choice.app_id);
                view! { <option value=choice.app_id selected=chosen>{label}</option> }
            }).collect_view()}
        </select>
    }
}
