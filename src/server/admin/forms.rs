//! One handler per admin page, naming the actions its forms may ask for.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use secrecy::ExposeSecret;

use super::posted::Posted;
use super::render;
use crate::api::{
    AppIntent, AppsIntent, CurrentUser, FormError, FormOutcome, SecretKind, ShownSecret, SubjectIntent, UsersIntent,
    WebhookIntent,
};
use crate::domain::subject::SubjectKey;
use crate::domain::{InvalidField, Role};
use crate::server::apps::NewSecret;
use crate::server::audit::Actor;
use crate::server::webhooks::{self, NewWebhookSecret};
use crate::server::{AppError, AppState, Pages, accounts, apps, subject};

/// What a done action leaves to show.
enum Done {
    /// Only that it was done.
    Plain,
    /// A secret, shown once.
    Secret(ShownSecret),
    /// A JSON document to download as `filename`.
    Download {
        /// The name the browser saves it under.
        filename: String,
        /// The document.
        body: Vec<u8>,
    },
}

impl Done {
    fn secret(app_id: &str, label: &str, secret: NewSecret) -> Self {
        Done::Secret(ShownSecret {
            kind: SecretKind::App,
            app_id: app_id.to_owned(),
            secret_id: secret.secret_id,
            label: label.trim().to_owned(),
            value: secret.secret.expose_secret().to_owned(),
        })
    }

    fn webhook_secret(app_id: &str, secret: NewWebhookSecret) -> Self {
        Done::Secret(ShownSecret {
            kind: SecretKind::Webhook,
            app_id: app_id.to_owned(),
            secret_id: secret.webhook_id,
            label: format!("webhook {}", secret.webhook_id),
            value: secret.secret.expose_secret().to_owned(),
        })
    }
}

/// `POST /admin`: create an app.
pub async fn apps(
    State(state): State<AppState>,
    Extension(pages): Extension<Pages>,
    parts: Parts,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    submit(state, pages, parts, Posted::new(pairs), async |state, actor, posted| {
        match posted.intent::<AppsIntent>()? {
            AppsIntent::CreateApp => {
                let (app, secret) = apps::create(&state.pool, actor, &state.master_key, posted.get("name")).await?;
                Ok(Done::secret(&app.public_id, apps::FIRST_SECRET_LABEL, secret))
            }
        }
    })
    .await
}

/// `POST /admin/apps/{app}`: change one app and its credentials.
pub async fn app(
    State(state): State<AppState>,
    Extension(pages): Extension<Pages>,
    Path(app): Path<String>,
    parts: Parts,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    submit(state, pages, parts, Posted::new(pairs), async move |state, actor, posted| {
        let pool = &state.pool;
        match posted.intent::<AppIntent>()? {
            AppIntent::Rename => apps::rename(pool, actor, &app, posted.get("name")).await.map(|_| Done::Plain),
            AppIntent::Disable => apps::set_disabled(pool, actor, &app, true).await.map(|_| Done::Plain),
            AppIntent::Retention => {
                let defaults = state.config.retention;
                apps::retention::set(pool, actor, &app, posted.retention()?, defaults).await.map(|_| Done::Plain)
            }
            AppIntent::Enable => apps::set_disabled(pool, actor, &app, false).await.map(|_| Done::Plain),
            AppIntent::RotateSecret => {
                let label = posted.get("label");
                let secret = apps::rotate_secret(pool, actor, &state.master_key, &app, label).await?;
                Ok(Done::secret(&app, label, secret))
            }
            AppIntent::RevokeSecret => {
                apps::revoke_secret(pool, actor, &app, posted.id("secretID")?).await.map(|()| Done::Plain)
            }
            AppIntent::AddOrigin => {
                apps::add_origin(pool, actor, &app, posted.get("origin")).await.map(|_| Done::Plain)
            }
            AppIntent::RemoveOrigin => {
                apps::remove_origin(pool, actor, &app, posted.get("origin")).await.map(|_| Done::Plain)
            }
            AppIntent::AddKey => {
                apps::add_key(pool, actor, &app, posted.get("keyID"), posted.get("pem")).await.map(|_| Done::Plain)
            }
            AppIntent::RevokeKey => {
                apps::revoke_key(pool, actor, &app, posted.get("keyID")).await.map(|()| Done::Plain)
            }
            AppIntent::AddWebhook => {
                let targets = webhooks::TargetPolicy::new(&state.config.webhook_allow_networks);
                let secret =
                    webhooks::create(pool, actor, &state.master_key, &targets, &app, posted.webhook()?).await?;
                Ok(Done::webhook_secret(&app, secret))
            }
            AppIntent::RemoveWebhook => {
                webhooks::remove(pool, actor, &app, posted.id("webhookID")?).await.map(|()| Done::Plain)
            }
        }
    })
    .await
}

/// `POST /admin/apps/{app}/webhooks/{id}`: change one webhook, replay a delivery.
pub async fn webhook(
    State(state): State<AppState>,
    Extension(pages): Extension<Pages>,
    Path((app, id)): Path<(String, i64)>,
    parts: Parts,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    submit(state, pages, parts, Posted::new(pairs), async move |state, actor, posted| {
        let pool = &state.pool;
        match posted.intent::<WebhookIntent>()? {
            WebhookIntent::UpdateWebhook => {
                let targets = webhooks::TargetPolicy::new(&state.config.webhook_allow_networks);
                webhooks::update(pool, actor, &targets, &app, id, posted.webhook()?).await.map(|()| Done::Plain)
            }
            WebhookIntent::RotateWebhookSecret => {
                let secret = webhooks::rotate_secret(pool, actor, &state.master_key, &app, id).await?;
                Ok(Done::webhook_secret(&app, secret))
            }
            WebhookIntent::ReplayDelivery => {
                webhooks::replay(pool, actor, &app, id, posted.id("deliveryID")?).await.map(|_| Done::Plain)
            }
        }
    })
    .await
}

/// `POST /admin/apps/{app}/subject`: export or erase one person's data.
/// Both name the person by the lookup the page made (`by`, `value`); the
/// erase also needs the identifier typed again (`confirm`).
pub async fn subject(
    State(state): State<AppState>,
    Extension(pages): Extension<Pages>,
    Path(app): Path<String>,
    parts: Parts,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    submit(state, pages, parts, Posted::new(pairs), async move |state, actor, posted| {
        let key = SubjectKey::parse(posted.get("by"), posted.get("value"))?;
        match posted.intent::<SubjectIntent>()? {
            SubjectIntent::ExportSubject => {
                let document = subject::export(&state.pool, actor, &app, &key).await?;
                let body = serde_json::to_vec_pretty(&document).map_err(anyhow::Error::from)?;
                let filename = format!("callscope-{app}-subject-{}.json", chrono::Utc::now().format("%Y%m%dT%H%M%SZ"));
                Ok(Done::Download { filename, body })
            }
            SubjectIntent::EraseSubject => {
                if posted.get("confirm") != key.value() {
                    let message = format!("type the {} exactly as above to confirm", key.by());
                    return Err(InvalidField::new("confirm", message).into());
                }
                subject::erase(&state.pool, actor, &app, &key).await.map(|_| Done::Plain)
            }
        }
    })
    .await
}

/// `POST /admin/users`: manage dashboard users.
pub async fn users(
    State(state): State<AppState>,
    Extension(pages): Extension<Pages>,
    parts: Parts,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    submit(state, pages, parts, Posted::new(pairs), async |state, actor, posted| {
        let pool = &state.pool;
        let done = match posted.intent::<UsersIntent>()? {
            UsersIntent::CreateUser => {
                let (email, role) = (posted.email()?, posted.role()?);
                accounts::create(pool, actor, &email, role, posted.password()).await.map(drop)
            }
            UsersIntent::SetRole => accounts::set_role(pool, actor, &posted.email()?, posted.role()?).await.map(drop),
            UsersIntent::Grant => {
                accounts::set_grant(pool, actor, &posted.email()?, posted.get("app"), true).await.map(drop)
            }
            UsersIntent::RevokeGrant => {
                accounts::set_grant(pool, actor, &posted.email()?, posted.get("app"), false).await.map(drop)
            }
            UsersIntent::ResetPassword => {
                accounts::reset_password(pool, actor, &posted.email()?, posted.password()).await
            }
            UsersIntent::DisableUser => accounts::set_disabled(pool, actor, &posted.email()?, true).await.map(drop),
            UsersIntent::EnableUser => accounts::set_disabled(pool, actor, &posted.email()?, false).await.map(drop),
        };
        done.map(|()| Done::Plain)
    })
    .await
}

/// Checks the role, does `act` as the signed-in admin, and answers.
async fn submit(
    state: AppState,
    pages: Pages,
    parts: Parts,
    posted: Posted,
    act: impl AsyncFnOnce(&AppState, &Actor, &Posted) -> Result<Done, AppError>,
) -> Response {
    let user = parts.extensions.get::<CurrentUser>().cloned();
    let Some(CurrentUser { id, email, role: Role::Admin }) = user else {
        // Nothing is done; the page explains (sign in, or not allowed).
        let status = if user.is_some() { StatusCode::FORBIDDEN } else { StatusCode::UNAUTHORIZED };
        tracing::warn!(path = parts.uri.path(), intent = posted.intent, "refused an admin form post");
        return render::page(&state, pages, parts, None, status).await;
    };
    let actor = Actor::User { id, email };
    match act(&state, &actor, &posted).await {
        Ok(Done::Plain) => Redirect::to(&format!("{}?done={}", parts.uri.path(), posted.intent)).into_response(),
        Ok(Done::Download { filename, body }) => (
            [
                (CONTENT_TYPE, "application/json".to_owned()),
                (CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
                (CACHE_CONTROL, "no-store".to_owned()),
            ],
            body,
        )
            .into_response(),
        Ok(Done::Secret(secret)) => {
            let outcome = FormOutcome { intent: posted.intent, secret: Some(secret), ..FormOutcome::default() };
            render::page(&state, pages, parts, Some(outcome), StatusCode::OK).await
        }
        Err(error) => {
            let status = error.status();
            let outcome = FormOutcome {
                values: posted.values(),
                intent: posted.intent,
                error: Some(form_error(error)),
                secret: None,
            };
            render::page(&state, pages, parts, Some(outcome), status).await
        }
    }
}

/// The error as the form shows it, beside the field it names.
fn form_error(error: AppError) -> FormError {
    let (field, message) = match error {
        AppError::Validation { field, message } => (field, message),
        AppError::Conflict(message) | AppError::BadRequest(message) => (String::new(), message),
        AppError::NotFound => (String::new(), "Not found: it was removed or revoked already.".to_owned()),
        other => {
            other.log_if_internal();
            (String::new(), crate::api::ApiError::Internal.to_string())
        }
    };
    FormError { field, message }
}
