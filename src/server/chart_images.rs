//! `GET /conferences/{id}/fabrics/{fabric}/charts/{figure}`: one quality
//! chart of a fabric page, as an SVG image (see `reports::fabric_chart`).
//! Guarded like the page: a session, and an app the user may see.

use axum::Extension;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;

use super::{AppError, AppState, reports};
use crate::api::CurrentUser;

/// The chart images' route.
pub fn router() -> Router<AppState> {
    Router::new().route("/conferences/{conference}/fabrics/{fabric}/charts/{figure}", get(chart))
}

async fn chart(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    Path((conference, fabric, figure)): Path<(String, String, String)>,
) -> Result<impl IntoResponse, AppError> {
    let Extension(user) = user.ok_or(AppError::Unauthorized)?;
    // Ids that are not numbers name nothing, as on the page.
    let id = |text: &str| text.parse::<i64>().map_err(|_| AppError::NotFound);
    let (conference, fabric) = (id(&conference)?, id(&fabric)?);
    let svg =
        reports::fabric_chart(&state.dashboard_pool, &state.read_pool, &user, conference, fabric, &figure).await?;
    Ok(([(CONTENT_TYPE, "image/svg+xml")], svg))
}
