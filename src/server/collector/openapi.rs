//! The OpenAPI 3 document of the collector, generated from the handlers'
//! annotations and the body types themselves.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{authenticate, stats, user};

/// Every collector endpoint, v1 and extensions.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "callscope collector",
        description = "The callstats REST API v1, wire-compatible, plus the extension endpoints of callstats.js. \
                       Every ingestion call carries `Authorization: Bearer <access_token>` from /authenticate and \
                       may carry an `Idempotency-Key` header: a retry with the same key is stored once and answered \
                       as the first time."
    ),
    paths(
        authenticate::authenticate,
        user::joined,
        user::alive,
        user::left,
        user::user_details,
        stats::submit,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "Authentication", description = "OAuth2 token request with an HS256 (app secret) or ES256 (keyID) JWT"),
        (name = "User Action Events", description = "Joining and leaving conferences"),
        (name = "Stats submission", description = "getStats() results of one fabric"),
        (name = "callstats.js extensions", description = "What callstats.js sends that REST API v1 lacks"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

/// `GET /v1/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
