use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::webhook_form::{WebhookFields, WebhookValues, reason_label, reasons, trigger};
use super::when;
use crate::api::{
    AttemptRow, DELIVERY_LOG_SIZE, DeliveryRow, FormOutcome, WebhookDetail, WebhookIntent, WebhookRow, admin_webhook,
};
use crate::ui::components::{
    AdminNav, DoneNotice, FormErrorNotice, IntentField, PageData, PageTitle, RowAction, SecretOnce, resource_for,
    use_form_outcome, with_outcome,
};
use crate::ui::format;

/// `/admin/apps/{appID}/webhooks/{id}`: one webhook — its settings, its
/// signing secret, and its newest deliveries with their attempts.
#[component]
pub fn AdminWebhookPage() -> impl IntoView {
    let params = use_params_map();
    let ids = Memo::new(move |_| {
        params.with(|p| Some((p.get("app").unwrap_or_default(), p.get("id")?.parse::<i64>().ok()?)))
    });
    let detail = resource_for(move || ids.get(), |(app, id)| admin_webhook(app, id));
    let outcome = use_form_outcome();
    view! {
        <PageData load=move || with_outcome(detail, outcome) error_title="Admin · Webhook" let((detail, outcome))>
            <Webhook detail outcome/>
        </PageData>
    }
    .into_any()
}

#[component]
fn Webhook(detail: WebhookDetail, outcome: FormOutcome) -> impl IntoView {
    let WebhookDetail { app_id, app_name, webhook, deliveries } = detail;
    let action = format!("/admin/apps/{app_id}/webhooks/{}", webhook.id);
    view! {
        <PageTitle text=format!("Admin · Webhook {}", webhook.id)/>
        <AdminNav/>
        <p class="crumbs">
            <a href="/admin">"Apps"</a>" / "<a href=format!("/admin/apps/{app_id}")>{app_name}</a>
            " / Webhook "{webhook.id}
        </p>
        <h1>
            "Webhook "{webhook.id}
            {(!webhook.enabled).then(|| view! { " " <span class="badge failure">"disabled"</span> })}
        </h1>
        <DoneNotice message=done/>
        {outcome.secret.clone().map(|secret| view! { <SecretOnce secret/> })}
        <Settings action=action.clone() webhook outcome=outcome.clone()/>
        <Deliveries action deliveries outcome/>
    }
    .into_any()
}

#[component]
fn Settings(action: String, webhook: WebhookRow, outcome: FormOutcome) -> impl IntoView {
    let intent = WebhookIntent::UpdateWebhook;
    let values = WebhookValues::of(&webhook).refilled(&outcome, intent);
    let period = (webhook.trigger_type == "interval").then(|| {
        view! {
            <p class="hint">
                "The current period ends at "{format::time(webhook.next_evaluation_at)}
                " and is evaluated shortly after; last evaluated: "{when(webhook.last_evaluated_at)}"."
            </p>
        }
    });
    view! {
        <section>
            <h2>"Settings"</h2>
            <p>{trigger(&webhook)}" · "{reasons(&webhook.reasons)}" · since "{format::time(webhook.created_at)}</p>
            {period}
            <form method="post" action=action.clone() class="card admin-form" aria-label="Edit webhook">
                <IntentField intent/>
                <WebhookFields values outcome=outcome.clone() intent/>
                <button type="submit" class="primary">"Save"</button>
            </form>
            <h3>"Signing secret"</h3>
            <form method="post" action=action class="inline-form" aria-label="Rotate secret">
                <IntentField intent=WebhookIntent::RotateWebhookSecret/>
                <button type="submit" class="danger">"Rotate secret"</button>
                <span class="hint">
                    "The old secret stops at once. The current one ends in "<code>"…"{webhook.secret_last4}</code>"."
                </span>
                <FormErrorNotice outcome intent=WebhookIntent::RotateWebhookSecret fields=&[]/>
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn Deliveries(action: String, deliveries: Vec<DeliveryRow>, outcome: FormOutcome) -> impl IntoView {
    view! {
        <section>
            <h2>"Deliveries"</h2>
            <p class="hint">
                "Newest first, the last "{DELIVERY_LOG_SIZE}". A failed attempt is retried later; "
                "replaying sends the same body again as a new delivery."
            </p>
            <FormErrorNotice outcome intent=WebhookIntent::ReplayDelivery fields=&[]/>
            {if deliveries.is_empty() {
                view! { <p class="muted">"No notifications yet."</p> }.into_any()
            } else {
                view! {
                    <table class="data webhook-deliveries">
                        <thead><tr><th>"Id"</th><th>"Reason"</th><th>"Trigger"</th><th>"Status"</th><th>"Created"</th><th>"Attempts"</th><th></th></tr></thead>
                        <tbody>
                            {deliveries.into_iter().map(|delivery| view! { <Delivery action=action.clone() delivery/> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

/// A delivery's row, and under it a row with its body and attempts.
#[component]
fn Delivery(action: String, delivery: DeliveryRow) -> impl IntoView {
    let DeliveryRow {
        id, reason, trigger_type, status, created_at, next_attempt_at, payload, replay_of, attempts, ..
    } = delivery;
    let status = match status.as_str() {
        "delivered" => view! { <span class="badge delivered">"delivered"</span> }.into_any(),
        "failed" => view! { <span class="badge failure">"gave up"</span> }.into_any(),
        "pending" => view! {
            <span class="badge pending">"pending"</span>
            {next_attempt_at.map(|at| view! { " next attempt at "{format::time(at)} })}
        }
        .into_any(),
        other => view! { <span class="badge">{other.to_owned()}</span> }.into_any(),
    };
    let attempt_count = attempts.len();
    let replay = payload.is_some().then(|| {
        view! {
            <RowAction action intent=WebhookIntent::ReplayDelivery field="deliveryID" value=id.to_string()
                label="Replay" aria=format!("Replay delivery {id}") plain=true/>
        }
    });
    view! {
        <tr>
            <td class="number">
                {id}
                {replay_of.map(|original| view! { <div class="hint">"replay of "{original}</div> })}
            </td>
            <td>{reason_label(&reason)}</td>
            <td>{trigger_type}</td>
            <td>{status}</td>
            <td class="nowrap">{format::time(created_at)}</td>
            <td class="number">{attempt_count}</td>
            <td>{replay}</td>
        </tr>
        <tr class="delivery-log">
            <td colspan="7">
                <details>
                    <summary>"Body and attempts"</summary>
                    {match payload {
                        Some(payload) => view! { <pre class="payload">{payload}</pre> }.into_any(),
                        None => view! { <p class="muted">"No body yet: the first attempt renders it."</p> }.into_any(),
                    }}
                    <Attempts attempts/>
                </details>
            </td>
        </tr>
    }
    .into_any()
}

#[component]
fn Attempts(attempts: Vec<AttemptRow>) -> impl IntoView {
    if attempts.is_empty() {
        return view! { <p class="muted">"No attempt yet."</p> }.into_any();
    }
    view! {
        <table class="data webhook-attempts">
            <thead><tr><th>"#"</th><th>"Started"</th><th>"Status code"</th><th>"Latency ms"</th><th>"Error"</th><th>"Response"</th></tr></thead>
            <tbody>
                {attempts.into_iter().map(|attempt| view! {
                    <tr>
                        <td class="number">{attempt.attempt}</td>
                        <td class="nowrap">{format::time(attempt.started_at)}</td>
                        <td class="number">{attempt.status_code.map_or_else(|| "—".to_owned(), |code| code.to_string())}</td>
                        <td class="number">{attempt.latency_ms}</td>
                        <td>{attempt.error.unwrap_or_default()}</td>
                        <td>{(!attempt.response_snippet.is_empty()).then(|| view! { <code class="snippet">{attempt.response_snippet}</code> })}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// What a finished action reads like (a new secret shows itself instead).
fn done(intent: WebhookIntent) -> Option<&'static str> {
    match intent {
        WebhookIntent::UpdateWebhook => Some("Webhook saved."),
        WebhookIntent::ReplayDelivery => Some("Delivery replayed: it is sent again as a new delivery."),
        WebhookIntent::RotateWebhookSecret => None,
    }
}
