use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::retention::RetentionSection;
use super::webhook_form::{WebhookFields, WebhookValues, reasons, trigger};
use super::when;
use crate::api::{AppDetail, AppIntent, FormOutcome, KeyRow, OriginRow, SecretRow, WebhookRow, admin_app};
use crate::ui::components::{
    AdminNav, DoneNotice, FieldError, FormErrorNotice, IntentField, PageData, PageTitle, RowAction, SecretOnce,
    use_form_outcome, with_outcome,
};
use crate::ui::format;

/// `/admin/apps/{appID}`: one app — name and status, secrets, whitelisted
/// origins, public keys, webhooks, and who may see it.
#[component]
pub fn AdminAppPage() -> impl IntoView {
    let params = use_params_map();
    let detail = Resource::new(move || params.with(|p| p.get("app").unwrap_or_default()), admin_app);
    let outcome = use_form_outcome();
    view! {
        <PageData load=move || with_outcome(detail, outcome) error_title="Admin · App" let((detail, outcome))>
            <App detail outcome/>
        </PageData>
    }
    .into_any()
}

#[component]
fn App(detail: AppDetail, outcome: FormOutcome) -> impl IntoView {
    let AppDetail { app, secrets, keys, origins, grantees, webhooks, retention } = detail;
    let action = format!("/admin/apps/{}", app.app_id);
    view! {
        <PageTitle text=format!("Admin · {}", app.name)/>
        <AdminNav/>
        <p class="crumbs"><a href="/admin">"Apps"</a>" / "{app.name.clone()}</p>
        <h1>
            {app.name.clone()} " " <code>{app.app_id.clone()}</code>
            {app.disabled.then(|| view! { " " <span class="badge failure">"disabled"</span> })}
        </h1>
        <DoneNotice message=done/>
        {outcome.secret.clone().map(|secret| view! { <SecretOnce secret/> })}
        <section>
            <h2>"App"</h2>
            <div class="admin-row">
                <form method="post" action=action.clone() class="inline-form" aria-label="Rename">
                    <IntentField intent=AppIntent::Rename/>
                    <label>
                        "Name"
                        <input name="name" required maxlength="200" value={
                            let typed = outcome.value(AppIntent::Rename, "name");
                            if typed.is_empty() { app.name.clone() } else { typed }
                        }/>
                        <FieldError outcome=outcome.clone() intent=AppIntent::Rename field="name"/>
                    </label>
                    <button type="submit">"Rename"</button>
                </form>
                <form method="post" action=action.clone() class="inline-form" aria-label="Status">
                    <IntentField intent=if app.disabled { AppIntent::Enable } else { AppIntent::Disable }/>
                    <button type="submit" class:danger=!app.disabled>
                        {if app.disabled { "Enable app" } else { "Disable app" }}
                    </button>
                    <span class="hint">
                        {if app.disabled {
                            "Disabled: no tokens are issued and issued ones are refused."
                        } else {
                            "Disabling stops its tokens at once; data is kept."
                        }}
                    </span>
                </form>
            </div>
        </section>
        <Secrets action=action.clone() secrets outcome=outcome.clone()/>
        <Origins action=action.clone() origins outcome=outcome.clone()/>
        <Keys action=action.clone() keys outcome=outcome.clone()/>
        <Webhooks action=action.clone() webhooks outcome=outcome.clone()/>
        <RetentionSection action retention outcome/>
        <section>
            <h2>"Who can see it"</h2>
            <p class="hint">"Admins see every app. Support and engineer users see the apps granted to them on the "<a href="/admin/users">"users page"</a>"."</p>
            {if grantees.is_empty() {
                view! { <p class="muted">"No support or engineer user is granted this app."</p> }.into_any()
            } else {
                view! {
                    <ul class="grantees">
                        {grantees.into_iter().map(|g| view! { <li>{g.email}" · "{g.role.as_str()}</li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn Secrets(action: String, secrets: Vec<SecretRow>, outcome: FormOutcome) -> impl IntoView {
    view! {
        <section>
            <h2>"Secrets"</h2>
            <p class="hint">
                "An app has at most two active secrets. To rotate, create a new one, move your clients to it, "
                "then revoke the old one: both work until then, and a revoked secret stops at once."
            </p>
            <FormErrorNotice outcome=outcome.clone() intent=AppIntent::RevokeSecret fields=&[]/>
            <table class="data admin-secrets">
                <thead><tr><th>"Id"</th><th>"Label"</th><th>"Ends in"</th><th>"Created"</th><th>"Last token"</th><th>"Status"</th><th></th></tr></thead>
                <tbody>
                    {secrets.into_iter().map(|secret| {
                        let revoked = secret.revoked_at.is_some();
                        view! {
                            <tr class:revoked=revoked>
                                <td class="number">{secret.id}</td>
                                <td>{secret.label}</td>
                                <td><code>"…"{secret.last4}</code></td>
                                <td class="nowrap">{format::time(secret.created_at)}</td>
                                <td class="nowrap">{when(secret.last_used_at)}</td>
                                <td>{status(secret.revoked_at)}</td>
                                <td>{(!revoked).then(|| view! {
                                    <RowAction action=action.clone() intent=AppIntent::RevokeSecret field="secretID" value=secret.id.to_string()
                                        label="Revoke" aria=format!("Revoke secret {}", secret.id)/>
                                })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <form method="post" action=action class="inline-form" aria-label="New secret">
                <IntentField intent=AppIntent::RotateSecret/>
                <label>
                    "Label"
                    <input name="label" required maxlength="100" placeholder="e.g. production 2026" value=outcome.value(AppIntent::RotateSecret, "label")/>
                    <FieldError outcome=outcome.clone() intent=AppIntent::RotateSecret field="label"/>
                </label>
                <button type="submit">"Create a new secret"</button>
                <FormErrorNotice outcome intent=AppIntent::RotateSecret fields=&["label"]/>
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn Origins(action: String, origins: Vec<OriginRow>, outcome: FormOutcome) -> impl IntoView {
    view! {
        <section>
            <h2>"Whitelisted origins"</h2>
            <p class="hint">
                "When the list is not empty, /authenticate refuses pages from any other origin. "
                "Enter scheme://host[:port]; it is stored as browsers send it."
            </p>
            <FormErrorNotice outcome=outcome.clone() intent=AppIntent::RemoveOrigin fields=&[]/>
            {if origins.is_empty() {
                view! { <p class="muted">"No whitelist: pages from any origin may authenticate."</p> }.into_any()
            } else {
                view! {
                    <table class="data admin-origins">
                        <thead><tr><th>"Origin"</th><th>"Added"</th><th></th></tr></thead>
                        <tbody>
                            {origins.into_iter().map(|origin| view! {
                                <tr>
                                    <td><code>{origin.origin.clone()}</code></td>
                                    <td class="nowrap">{format::time(origin.created_at)}</td>
                                    <td>
                                        <RowAction action=action.clone() intent=AppIntent::RemoveOrigin field="origin" value=origin.origin.clone()
                                            label="Remove" aria=format!("Remove {}", origin.origin)/>
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <form method="post" action=action class="inline-form" aria-label="Add an origin">
                <IntentField intent=AppIntent::AddOrigin/>
                <label>
                    "Origin"
                    <input name="origin" required placeholder="https://meet.example.com" value=outcome.value(AppIntent::AddOrigin, "origin")/>
                    <FieldError outcome=outcome.clone() intent=AppIntent::AddOrigin field="origin"/>
                </label>
                <button type="submit">"Add origin"</button>
                <FormErrorNotice outcome intent=AppIntent::AddOrigin fields=&["origin"]/>
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn Keys(action: String, keys: Vec<KeyRow>, outcome: FormOutcome) -> impl IntoView {
    view! {
        <section>
            <h2>"Public keys (ES256)"</h2>
            <p class="hint">
                "Your server signs tokens with its EC P-256 private key and names the key with the keyID claim; "
                "callscope verifies them with the public key added here. Compare fingerprints with "
                <code>"openssl pkey -pubin -outform der | sha256sum"</code>"."
            </p>
            <FormErrorNotice outcome=outcome.clone() intent=AppIntent::RevokeKey fields=&[]/>
            {(!keys.is_empty()).then(|| view! {
                <table class="data admin-keys">
                    <thead><tr><th>"keyID"</th><th>"SHA-256 fingerprint"</th><th>"Added"</th><th>"Last token"</th><th>"Status"</th><th></th></tr></thead>
                    <tbody>
                        {keys.into_iter().map(|key| {
                            let revoked = key.revoked_at.is_some();
                            view! {
                                <tr class:revoked=revoked>
                                    <td><code>{key.key_id.clone()}</code></td>
                                    <td><code class="fingerprint">{key.fingerprint}</code></td>
                                    <td class="nowrap">{format::time(key.created_at)}</td>
                                    <td class="nowrap">{when(key.last_used_at)}</td>
                                    <td>{status(key.revoked_at)}</td>
                                    <td>{(!revoked).then(|| view! {
                                        <RowAction action=action.clone() intent=AppIntent::RevokeKey field="keyID" value=key.key_id.clone()
                                            label="Revoke" aria=format!("Revoke key {}", key.key_id)/>
                                    })}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <form method="post" action=action class="card admin-form" aria-label="Add a public key">
                <IntentField intent=AppIntent::AddKey/>
                <FormErrorNotice outcome=outcome.clone() intent=AppIntent::AddKey fields=&["keyID", "pem"]/>
                <label>
                    "keyID"
                    <input name="keyID" required maxlength="256" value=outcome.value(AppIntent::AddKey, "keyID")/>
                    <FieldError outcome=outcome.clone() intent=AppIntent::AddKey field="keyID"/>
                </label>
                <label>
                    "Public key (PEM)"
                    <textarea name="pem" required rows="5" spellcheck="false" placeholder="-----BEGIN PUBLIC KEY-----">
                        {outcome.value(AppIntent::AddKey, "pem")}
                    </textarea>
                    <FieldError outcome intent=AppIntent::AddKey field="pem"/>
                </label>
                <button type="submit" class="primary">"Add key"</button>
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn Webhooks(action: String, webhooks: Vec<WebhookRow>, outcome: FormOutcome) -> impl IntoView {
    let intent = AppIntent::AddWebhook;
    let values = WebhookValues::new_webhook().refilled(&outcome, intent);
    view! {
        <section>
            <h2>"Webhooks"</h2>
            <p class="hint">
                "callscope POSTs a JSON notification to each enabled webhook, signed with the webhook's own "
                "secret. Open one to change it, rotate its secret, or see and replay its deliveries."
            </p>
            <FormErrorNotice outcome=outcome.clone() intent=AppIntent::RemoveWebhook fields=&[]/>
            {if webhooks.is_empty() {
                view! { <p class="muted">"No webhooks: nothing is notified."</p> }.into_any()
            } else {
                view! {
                    <table class="data admin-webhooks">
                        <thead><tr><th>"URL"</th><th>"Reasons"</th><th>"Trigger"</th><th>"Status"</th><th>"Secret"</th><th>"Pending"</th><th>"Given up"</th><th></th></tr></thead>
                        <tbody>
                            {webhooks.into_iter().map(|webhook| view! {
                                <tr class:disabled=!webhook.enabled>
                                    <td class="url"><a href=format!("{action}/webhooks/{}", webhook.id)>{webhook.url.clone()}</a></td>
                                    <td>{reasons(&webhook.reasons)}</td>
                                    <td>{trigger(&webhook)}</td>
                                    <td>{if webhook.enabled { "enabled" } else { "disabled" }}</td>
                                    <td><code>"…"{webhook.secret_last4.clone()}</code></td>
                                    <td class="number">{webhook.pending}</td>
                                    <td class="number">{webhook.failed}</td>
                                    <td>
                                        <RowAction action=action.clone() intent=AppIntent::RemoveWebhook field="webhookID" value=webhook.id.to_string()
                                            label="Remove" aria=format!("Remove webhook {}", webhook.id)/>
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <form method="post" action=action class="card admin-form" aria-label="Add a webhook">
                <IntentField intent/>
                <WebhookFields values outcome intent/>
                <button type="submit" class="primary">"Add webhook"</button>
            </form>
        </section>
    }
    .into_any()
}

/// "active", or when it was revoked.
fn status(revoked_at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    revoked_at.map_or_else(|| "active".to_owned(), |at| format!("revoked {}", format::time(at)))
}

/// What a finished action reads like (a new secret shows itself instead).
fn done(intent: AppIntent) -> Option<&'static str> {
    Some(match intent {
        AppIntent::Rename => "Renamed.",
        AppIntent::Disable => "App disabled: its tokens stopped working now.",
        AppIntent::Enable => "App enabled.",
        AppIntent::Retention => "Retention saved: the retention job applies it at its next run.",
        AppIntent::RevokeSecret => "Secret revoked: it stopped working now.",
        AppIntent::AddOrigin => "Origin whitelisted.",
        AppIntent::RemoveOrigin => "Origin removed from the whitelist.",
        AppIntent::AddKey => "Public key added.",
        AppIntent::RevokeKey => "Public key revoked: tokens signed with it stopped working now.",
        AppIntent::RemoveWebhook => "Webhook removed: it notifies nothing more.",
        AppIntent::RotateSecret | AppIntent::AddWebhook => return None,
    })
}
