//! User feedback: the ratings and comment of a call, and the feedback
//! summary of its conference instance.

use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::domain::InvalidField;
use crate::server::AppError;
use crate::server::collector::ingest::{EndpointPath, EndpointRequest};
use crate::server::collector::responses::EventResponses;
use crate::server::collector::wire::{Comment, OptionalId, Validate, wire_body};
use crate::server::db::feedback::{self, Feedback};

/// The ratings (1 to 5) and comment of a user's feedback.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Ratings {
    /// Overall rating, 1 (bad) to 5 (excellent).
    pub overall_rating: Option<i64>,
    /// Video quality, 1 to 5.
    pub video_quality_rating: Option<i64>,
    /// Audio quality, 1 to 5.
    pub audio_quality_rating: Option<i64>,
    /// Extension: screen-sharing quality, 1 to 5.
    pub screen_quality_rating: Option<i64>,
    /// Free text (at most 8 KiB).
    pub comments: Option<Comment>,
}

wire_body! {
    /// Body of user feedback (`userFeedbackBody`, plus `screenQualityRating`).
    #[serde(rename_all = "camelCase")]
    pub struct FeedbackBody {
        /// The remote user the feedback is about (may be empty).
        #[serde(rename = "remoteID")]
        pub remote_id: OptionalId,
        /// At least one rating or a comment.
        pub feedback: Option<Ratings>,
    }
}

impl FeedbackBody {
    /// The feedback as stored, or the first broken rule.
    fn checked(&self, submitted_at: DateTime<Utc>) -> Result<Feedback<'_>, InvalidField> {
        let ratings = self.feedback.as_ref().ok_or_else(empty_feedback)?;
        let comment = ratings.comments.as_deref().filter(|comment| !comment.is_empty());
        let feedback = Feedback {
            remote_user_id: &self.remote_id,
            overall: rating("feedback.overallRating", ratings.overall_rating)?,
            audio: rating("feedback.audioQualityRating", ratings.audio_quality_rating)?,
            video: rating("feedback.videoQualityRating", ratings.video_quality_rating)?,
            screen: rating("feedback.screenQualityRating", ratings.screen_quality_rating)?,
            comment,
            submitted_at,
        };
        let given = [feedback.overall, feedback.audio, feedback.video, feedback.screen];
        if given.iter().all(Option::is_none) && comment.is_none() {
            return Err(empty_feedback());
        }
        Ok(feedback)
    }
}

fn empty_feedback() -> InvalidField {
    InvalidField::new("feedback", "give at least one rating (overallRating, audioQualityRating, ...) or comments")
}

fn rating(field: &'static str, value: Option<i64>) -> Result<Option<i16>, InvalidField> {
    let Some(value) = value else { return Ok(None) };
    match i16::try_from(value) {
        Ok(rating @ 1..=5) => Ok(Some(rating)),
        _ => Err(InvalidField::new(field, format!("must be an integer from 1 to 5, got {value}"))),
    }
}

impl Validate for FeedbackBody {
    fn validate(&self) -> Result<(), InvalidField> {
        let at = self.timestamp.to_datetime("timestamp")?;
        self.checked(at).map(drop)
    }
}

/// The user's rating of the call; also updates the feedback summary of the
/// conference instance (count, lowest rating, average overall rating).
#[utoipa::path(
    post, path = "/v1/apps/{appID}/conferences/{confID}/{ucID}/events/feedback", tag = "special events",
    params(EndpointPath), request_body = FeedbackBody, responses(EventResponses),
    security(("bearer" = []))
)]
pub async fn submit_feedback(request: EndpointRequest<FeedbackBody>) -> Result<Response, AppError> {
    let EndpointRequest { mut ingest, endpoint, body, at } = request;
    let feedback = body.checked(at)?;
    if feedback.is_dissatisfied() {
        ingest.note_dissatisfied_feedback();
    }
    feedback::insert(ingest.conn(), endpoint.instance_id, endpoint.id, endpoint.app_id, &feedback).await?;
    ingest.done("feedback").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_are_integers_from_one_to_five() {
        assert_eq!(rating("r", Some(1)), Ok(Some(1)));
        assert_eq!(rating("r", Some(5)), Ok(Some(5)));
        assert_eq!(rating("r", None), Ok(None));
        for bad in [0, 6, -1, i64::MAX] {
            assert_eq!(rating("r", Some(bad)).expect_err("out of range").field, "r");
        }
    }
}
