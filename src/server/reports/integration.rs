//! Integration progress: which calls of the SDK and the collector an app
//! has been seen making successfully, with what to do about the others.

use sqlx::PgPool;

use crate::api::{AppChoice, CurrentUser, IntegrationStep, IntegrationView, StepSeen};
use crate::server::AppError;
use crate::server::db::{dashboard, progress};

/// One step of an integration.
struct Step {
    /// The name it is recorded under.
    name: &'static str,
    /// What it is, in words.
    title: &'static str,
    /// Whether every integration needs it.
    required: bool,
    /// What to do when it was never seen.
    hint: &'static str,
}

/// The steps shown, in the order an integration makes them.
const STEPS: [Step; 13] = [
    Step {
        name: "authenticate",
        title: "Authenticate",
        required: true,
        hint: "No token was issued yet. Call callstats.initialize(appID, appSecret or tokenGenerator, userID) and check the appID, the secret (or the ES256 keyID) and the origin whitelist.",
    },
    Step {
        name: "userJoined",
        title: "Join a conference",
        required: true,
        hint: "No endpoint joined a conference. The SDK joins when addNewFabric is first called for a conferenceID.",
    },
    Step {
        name: "addNewFabric",
        title: "Add a connection (addNewFabric)",
        required: true,
        hint: "Call callstats.addNewFabric(pc, remoteUserID, fabricUsage, conferenceID) for every RTCPeerConnection, right after creating it.",
    },
    Step {
        name: "fabricSetup",
        title: "Connection set up",
        required: true,
        hint: "No connection was reported set up. The SDK reports it when ICE connects; if only failures arrive, check STUN and TURN (the pre-call test shows what a browser can reach).",
    },
    Step {
        name: "stats",
        title: "Send stats",
        required: true,
        hint: "No getStats() report arrived. The SDK sends one every 10 s for each fabric; check that the page stays open and that nothing blocks requests to this server.",
    },
    Step {
        name: "sendFabricEvent",
        title: "Media events (sendFabricEvent)",
        required: false,
        hint: "Call sendFabricEvent(pc, fabricEvent, conferenceID) for mute, unmute, hold, resume and screen share, so timelines show them.",
    },
    Step {
        name: "ssrcMap",
        title: "Map streams to people",
        required: false,
        hint: "Call associateMstWithUserID(pc, userID, conferenceID, ssrc, usageLabel, videoTag) so charts name whose stream they show.",
    },
    Step {
        name: "reportError",
        title: "Report errors",
        required: false,
        hint: "No error was reported, which is fine if none happened. Wrap getUserMedia, createOffer, setLocalDescription and the like with reportError(pc, conferenceID, wrtcFuncName, domError).",
    },
    Step {
        name: "feedback",
        title: "User feedback",
        required: false,
        hint: "Call sendUserFeedback(conferenceID, {overall: 1..5}) after a call to see ratings on the feedback page.",
    },
    Step {
        name: "userLeft",
        title: "Leave",
        required: false,
        hint: "No endpoint left a conference explicitly. The SDK leaves on page unload; conferences also end 30 s after their last activity.",
    },
    Step {
        name: "precallTest",
        title: "Pre-call test",
        required: false,
        hint: "No pre-call test result arrived. It runs unless configParams.disablePrecalltest is set; give it TURN servers with configParams.precallTest.iceServers.",
    },
    Step {
        name: "timeToFirstMedia",
        title: "Time to first media",
        required: false,
        hint: "Pass the video element to associateMstWithUserID to measure the time to the first frame.",
    },
    Step {
        name: "sendCallDetails",
        title: "Call details",
        required: false,
        hint: "Optional: sendCallDetails(pc, conferenceID, {role, contactID, …}) adds your own details to a conference.",
    },
];

/// The integration progress of `app` (appID; empty for the user's first
/// app, `None` when they may see none); `NotFound` for an app they may not see.
pub async fn integration(pool: &PgPool, user: &CurrentUser, app: &str) -> Result<Option<IntegrationView>, AppError> {
    let visible = dashboard::visible_apps(pool, user.id, user.role.is_admin()).await?;
    let chosen = if app.is_empty() {
        match visible.first() {
            Some(first) => first.clone(),
            None => return Ok(None),
        }
    } else {
        visible.iter().find(|v| v.public_id == app).ok_or(AppError::NotFound)?.clone()
    };
    let seen = progress::list(pool, chosen.id).await?;
    let steps = STEPS
        .into_iter()
        .map(|Step { name, title, required, hint }| IntegrationStep {
            step: name.to_owned(),
            title: title.to_owned(),
            required,
            seen: seen.iter().find(|row| row.step == name).map(|row| StepSeen {
                first: row.first_seen_at,
                last: row.last_seen_at,
                count: row.seen_count,
            }),
            hint: hint.to_owned(),
        })
        .collect();
    let apps = visible.into_iter().map(AppChoice::from).collect();
    Ok(Some(IntegrationView { app: chosen.into(), apps, steps }))
}
