//! How a call ends for each endpoint: feedback (ratings that follow the
//! network, some comments) and user left, after its fabrics terminated.

use rand::Rng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

use super::scenario_call::{Builder, Outcome};
use super::scenario_stats::Quality;

impl Builder<'_> {
    /// Feedback (from two endpoints in three) and user left, after the fabrics ended.
    pub(super) fn endings(&mut self) {
        for who in 0..self.people.len() {
            if who % 3 != 2 {
                let remote = self.fabrics.iter().find(|fabric| fabric.owner == who).map(|fabric| fabric.remote);
                let remote_id = remote.map(|remote| self.remote_id(remote)).unwrap_or_default();
                let feedback = self.feedback(who);
                self.post(
                    self.left_at[who] - 1_000.0,
                    who,
                    "events/feedback",
                    json!({ "remoteID": remote_id, "feedback": feedback }),
                );
            }
            self.post(self.left_at[who], who, "events/user/left", json!({}));
        }
    }

    /// Ratings follow the network: each quality has two neighbouring
    /// ratings, alternated over endpoints and kinds so every value shows up.
    fn feedback(&mut self, who: usize) -> Value {
        let low = match (self.call.outcome, self.call.quality) {
            (Outcome::TotalFailure, _) | (_, Quality::Bad) => 1,
            (_, Quality::Poor) => 2,
            (_, Quality::Fair) => 3,
            (_, Quality::Good) => 4,
        };
        let rating = |kind: usize| low + ((who + kind) % 2) as u8;
        let mut feedback = json!({
            "overallRating": rating(0), "audioQualityRating": rating(1), "videoQualityRating": rating(2),
        });
        if self.call.extras.screen_share && self.call.outcome != Outcome::TotalFailure {
            feedback["screenQualityRating"] = json!(rating(3));
        }
        if self.rng.random_bool(0.6) {
            feedback["comments"] = json!(comment(low, &mut self.rng));
        }
        feedback
    }
}

fn comment(low: u8, rng: &mut StdRng) -> &'static str {
    let comments: &[&str] = match low {
        1 => &["Couldn't hear anyone for a minute", "Video froze, then the call dropped", "Could not connect at all"],
        2 => &["Audio kept cutting out", "Robotic voice now and then", "Screen share was blurry"],
        3 => &["Some lag but usable", "Video a bit choppy at times"],
        _ => &["Crystal clear", "Great call", "すごく良かった", "Всё отлично"],
    };
    comments[rng.random_range(0..comments.len())]
}
