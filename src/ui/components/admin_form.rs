use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{ApiError, FormIntent, FormOutcome, SecretKind, ShownSecret};

/// What the last form post on this page came to: provided by the server
/// when it answers a post with the page (an error, or a new secret); empty
/// otherwise. Read through a resource so that hydration gets the server's
/// value, and a later navigation starts empty.
pub fn use_form_outcome() -> Resource<FormOutcome> {
    let outcome = use_context::<FormOutcome>().unwrap_or_default();
    Resource::new(|| (), move |()| std::future::ready(outcome.clone()))
}

/// An admin page's data with the form outcome, for [`PageData`](super::PageData).
pub async fn with_outcome<T>(
    data: Resource<Result<T, ApiError>>,
    outcome: Resource<FormOutcome>,
) -> Result<(T, FormOutcome), ApiError>
where
    T: Clone + Send + Sync + 'static,
{
    let outcome = outcome.await;
    data.await.map(|data| (data, outcome))
}

/// The admin pages' navigation.
#[component]
pub fn AdminNav() -> impl IntoView {
    view! {
        <nav class="admin-nav" aria-label="Admin">
            <a href="/admin">"Apps"</a>
            <a href="/admin/users">"Users"</a>
            <a href="/admin/audit">"Audit log"</a>
        </nav>
    }
}

/// "Done" after a form post redirected back here (`?done=<intent>`), in
/// the words of the page's `message` for that action.
#[component]
pub fn DoneNotice<I: FormIntent>(message: fn(I) -> Option<&'static str>) -> impl IntoView {
    let query = use_query_map();
    move || {
        query.with(|q| q.get("done")).and_then(|intent| I::parse(&intent)).and_then(message).map(|message| {
            view! { <p class="notice done" role="status">{message}</p> }
        })
    }
}

/// The hidden field naming the action a form asks for.
#[component]
pub fn IntentField<I: FormIntent>(intent: I) -> impl IntoView {
    view! { <input type="hidden" name="intent" value=intent.as_str()/> }
}

/// A field's error from the last post of `intent`'s form, if any.
#[component]
pub fn FieldError<I: FormIntent>(outcome: FormOutcome, intent: I, field: &'static str) -> impl IntoView {
    outcome.field_error(intent, field).map(|message| {
        view! { <span class="field-error" role="alert" data-field=field>{message}</span> }
    })
}

/// An error of `intent`'s form that names none of its visible `fields`.
#[component]
pub fn FormErrorNotice<I: FormIntent>(
    outcome: FormOutcome,
    intent: I,
    fields: &'static [&'static str],
) -> impl IntoView {
    outcome.form_error(intent, fields).map(|message| view! { <p class="form-error" role="alert">{message}</p> })
}

/// A secret just created, shown this once, with a copy button once the
/// page runs JavaScript (without it, the field is there to select). Worded
/// for what the secret is for: an app, or a webhook's signatures.
#[component]
pub fn SecretOnce(secret: ShownSecret) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let copied = RwSignal::new(None::<bool>);
    let value = secret.value.clone();
    let label = move || match copied.get() {
        None => "Copy",
        Some(true) => "Copied",
        Some(false) => "Copy failed: select and copy by hand",
    };
    let (heading, about, field_label, hint) = match secret.kind {
        SecretKind::App => (
            format!("New secret for app {}", secret.app_id),
            view! {
                <p>
                    "Copy it now: it is shown only this once. Keep it on your server, where your "
                    "token generator or the SDK's initialize call can read it."
                </p>
            }
            .into_any(),
            "New app secret",
            format!("Secret {} · {}", secret.secret_id, secret.label),
        ),
        SecretKind::Webhook => (
            format!("New signing secret for webhook {}", secret.secret_id),
            view! {
                <p>
                    "Copy it now: it is shown only this once. Your receiver verifies the "
                    <code>"X-Callscope-Signature"</code>" header with it (see docs/webhooks.md)."
                </p>
            }
            .into_any(),
            "New webhook secret",
            format!("Webhook {} of app {}", secret.secret_id, secret.app_id),
        ),
    };
    view! {
        <section class="secret-once" role="status">
            <h2>{heading}</h2>
            {about}
            <div class="secret-field">
                <input id="new-secret" type="text" readonly value=secret.value aria-label=field_label spellcheck="false"/>
                <Show when=move || hydrated.get()>
                    <button type="button" class="copy" on:click={
                        let value = value.clone();
                        move |_| copy_to_clipboard(value.clone(), copied)
                    }>{label}</button>
                </Show>
            </div>
            <p class="hint">{hint}</p>
        </section>
    }
}

/// A one-button form acting on one row: `intent` with `field` = `value`.
#[component]
pub fn RowAction<I: FormIntent>(
    /// Where the form posts: the page's own URL.
    action: String,
    /// The action asked for.
    intent: I,
    /// The field naming the row.
    field: &'static str,
    /// The row's value of that field.
    value: String,
    /// The button's text.
    label: &'static str,
    /// The button's accessible name, naming the row.
    aria: String,
    /// A harmless action: the button is not marked as dangerous.
    #[prop(optional)]
    plain: bool,
) -> impl IntoView {
    view! {
        <form method="post" action=action class="inline-form">
            <IntentField intent/>
            <input type="hidden" name=field value=value/>
            <button type="submit" class:danger=!plain aria-label=aria>{label}</button>
        </form>
    }
}

#[cfg(feature = "hydrate")]
fn copy_to_clipboard(text: String, copied: RwSignal<Option<bool>>) {
    let promise = window().navigator().clipboard().write_text(&text);
    leptos::task::spawn_local(async move {
        copied.set(Some(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()));
    });
}

#[cfg(not(feature = "hydrate"))]
fn copy_to_clipboard(_text: String, _copied: RwSignal<Option<bool>>) {}
