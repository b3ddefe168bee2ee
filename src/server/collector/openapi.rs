//! The OpenAPI 3 document of the collector: the frame (title, tags,
//! security) is here; every path is added from its handler's annotation
//! when the router registers it (see `router` in the module above).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::responses::ErrorResponse;

/// The frame of the collector's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "callscope collector",
        description = "The callstats REST API v1, wire-compatible, plus the extension endpoints of callstats.js. \
                       Every ingestion call carries `Authorization: Bearer <access_token>` from /authenticate and \
                       may carry an `Idempotency-Key` header: a retry with the same key is stored once and answered \
                       as the first time."
    ),
    // The error answers of every path refer to it by name (see `responses`).
    components(schemas(ErrorResponse)),
    modifiers(&BearerAuth),
    tags(
        (name = "Authentication", description = "OAuth2 token request with an HS256 (app secret) or ES256 (keyID) JWT"),
        (name = "User Action Events", description = "Joining and leaving conferences"),
        (name = "User Media Events", description = "Device lists, media actions and media playback of an endpoint"),
        (name = "Fabric Events", description = "A fabric (peer connection) set up, failed or terminated"),
        (name = "ICE Events", description = "ICE connection disruptions, restarts and failures"),
        (name = "special events", description = "Feedback, dominant speaker, transport and state changes, SSRC maps, SDPs"),
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
