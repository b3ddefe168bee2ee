use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::when;
use crate::api::{FormOutcome, SubjectIntent, SubjectPerson, SubjectView, admin_subject};
use crate::domain::subject::SUBJECT_KEYS;
use crate::ui::components::{
    AdminNav, DoneNotice, FieldError, FormErrorNotice, IntentField, PageData, PageTitle, use_form_outcome, with_outcome,
};

/// `/admin/apps/{appID}/subject?by=userID&value=…`: one person's data in
/// an app — find them by userID, real name or login, download what is
/// stored about them, or erase them (docs/privacy.md).
#[component]
pub fn AdminSubjectPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    // A refused export or erase comes back on the posted URL, which has no
    // query: the lookup is in what was posted.
    let posted = use_context::<FormOutcome>().unwrap_or_default();
    let lookup = Memo::new(move |_| {
        let app = params.with(|p| p.get("app").unwrap_or_default());
        let field = |name: &str| query.with(|q| q.get(name)).or_else(|| posted.values.get(name).cloned());
        (app, field("by").unwrap_or_else(|| "userID".to_owned()), field("value").unwrap_or_default())
    });
    let view = Resource::new(move || lookup.get(), |(app, by, value)| admin_subject(app, by, value));
    let outcome = use_form_outcome();
    view! {
        <PageData load=move || with_outcome(view, outcome) error_title="Admin · People's data" let((view, outcome))>
            <Subject view outcome/>
        </PageData>
    }
    .into_any()
}

#[component]
fn Subject(view: SubjectView, outcome: FormOutcome) -> impl IntoView {
    let SubjectView { app_id, app_name, by, value, people } = view;
    let action = format!("/admin/apps/{app_id}/subject");
    let chosen = by.clone().unwrap_or_else(|| "userID".to_owned());
    let typed = value.clone().unwrap_or_default();
    let found = match (by, value) {
        (Some(by), Some(_)) if people.is_empty() => {
            view! { <p class="muted subject-none">"No one in this app has this "{by}"."</p> }.into_any()
        }
        (Some(by), Some(value)) => view! { <Found action=action.clone() by value people outcome/> }.into_any(),
        _ => ().into_any(),
    };
    view! {
        <PageTitle text=format!("Admin · {app_name} · People's data")/>
        <AdminNav/>
        <p class="crumbs">
            <a href="/admin">"Apps"</a>" / "<a href=format!("/admin/apps/{app_id}")>{app_name.clone()}</a>
            " / People's data"
        </p>
        <h1>"People's data"</h1>
        <DoneNotice message=done/>
        <p class="hint">
            "Find a person of this app by the identifier you have, exactly as the app sent it; then download "
            "everything stored about them, or erase them."
        </p>
        <form method="get" action=action class="inline-form" aria-label="Find a person">
            <label>
                "Look up by"
                <select name="by">
                    {SUBJECT_KEYS.iter().map(|(key, label)| {
                        view! { <option value=*key selected=chosen == *key>{*label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>
                "Identifier"
                <input name="value" required autocomplete="off" value=typed/>
            </label>
            <button type="submit">"Find"</button>
        </form>
        {found}
    }
    .into_any()
}

#[component]
fn Found(action: String, by: String, value: String, people: Vec<SubjectPerson>, outcome: FormOutcome) -> impl IntoView {
    let hidden = move |intent: SubjectIntent| {
        view! {
            <IntentField intent/>
            <input type="hidden" name="by" value=by.clone()/>
            <input type="hidden" name="value" value=value.clone()/>
        }
    };
    view! {
        <section>
            <h2>"Found"</h2>
            <table class="data subject-people">
                <thead><tr>
                    <th>"userID"</th><th>"Real name"</th><th>"loginID"</th><th>"Joins"</th><th>"Conferences"</th>
                    <th>"First seen"</th><th>"Last seen"</th>
                </tr></thead>
                <tbody>
                    {people.into_iter().map(|person| view! {
                        <tr>
                            <td><code>{person.user_id}</code></td>
                            <td>{person.user_name.unwrap_or_default()}</td>
                            <td>{person.login_id.unwrap_or_default()}</td>
                            <td>{person.endpoints}</td>
                            <td>{person.conferences}</td>
                            <td>{when(Some(person.first_seen))}</td>
                            <td>{when(Some(person.last_seen))}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <section>
            <h2>"Export"</h2>
            <form method="post" action=action.clone() class="inline-form" aria-label="Export">
                {hidden(SubjectIntent::ExportSubject)}
                <button type="submit">"Download export (JSON)"</button>
                <span class="hint">"Everything stored about them. Recorded in the audit log (without the identifier)."</span>
                <FormErrorNotice outcome=outcome.clone() intent=SubjectIntent::ExportSubject fields=&[]/>
            </form>
        </section>
        <section>
            <h2>"Erase"</h2>
            <form method="post" action=action class="card admin-form" aria-label="Erase">
                {hidden(SubjectIntent::EraseSubject)}
                <p class="hint">
                    "Each userID above becomes a random pseudonym everywhere; their real names, logins, device IDs, "
                    "IP addresses, device labels and comments are removed from every conference they were in — "
                    "columns, event payloads, SDPs, logs and stats included. Conferences, participant counts, "
                    "failures and ratings stay. This cannot be undone."
                </p>
                <label>
                    "Type the identifier again to confirm"
                    <input name="confirm" required autocomplete="off"/>
                    <FieldError outcome=outcome.clone() intent=SubjectIntent::EraseSubject field="confirm"/>
                </label>
                <button type="submit" class="danger">"Erase this person"</button>
                <FormErrorNotice outcome intent=SubjectIntent::EraseSubject fields=&["confirm"]/>
            </form>
        </section>
    }
    .into_any()
}

/// What a finished action reads like (an export is a download instead).
fn done(intent: SubjectIntent) -> Option<&'static str> {
    match intent {
        SubjectIntent::EraseSubject => Some(
            "Erased: their userIDs are pseudonyms now; their names, logins, addresses, device labels and comments \
             are gone. The audit log says how many rows changed.",
        ),
        SubjectIntent::ExportSubject => None,
    }
}
