use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::fabric::moment_anchor;
use crate::api::{
    ConferenceSummary, ConferenceView, DiagnosisLine, FabricRow, FeedbackRow, InstanceLink, Participant, get_conference,
};
use crate::ui::components::{
    EmptyState, ErrorList, LiveRefresh, PageData, PageTitle, ParticipantsOverview, resource_for,
};
use crate::ui::format;

/// `/conferences/{id}`: one conference instance — summary, participants,
/// connections, errors and feedback.
#[component]
pub fn ConferencePage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok())));
    let view_data = resource_for(move || id.get(), get_conference);
    view! {
        <PageData load=move || view_data.into_future() loading="Loading the conference…" error_title="Conference" let:data>
            <Conference data refresh=view_data/>
        </PageData>
    }
}

#[component]
fn Conference(data: ConferenceView, refresh: Resource<Result<ConferenceView, crate::api::ApiError>>) -> impl IntoView {
    let ConferenceView { summary, instances, participants, fabrics, errors, errors_total, feedback, diagnosis } = data;
    let live = summary.live();
    let end = summary.ended_at.unwrap_or(summary.last_activity_at);
    let range = (summary.started_at, end.max(summary.started_at + chrono::Duration::seconds(1)));
    view! {
        <PageTitle text=format!("Conference {}", summary.conference_id)/>
        <p class="crumbs"><a href="/search">"Search"</a>" / "{summary.app_name.clone()}</p>
        <h1 class="conference-id">{summary.conference_id.clone()} {live.then(|| view! { " " <LiveRefresh refetch=Callback::new(move |()| refresh.refetch())/> })}</h1>
        {live.then(|| view! {
            <p class="notice">"This conference is still running: figures are provisional until it ends, and this page refreshes on its own."</p>
        })}
        <Summary summary=summary.clone()/>
        <Instances current=summary.id instances/>
        <section>
            <h2>"Diagnosis"</h2>
            <Diagnosis conference=summary.id lines=diagnosis ended=summary.ended_at.is_some()/>
        </section>
        <section>
            <h2>"Participants"</h2>
            <ParticipantsOverview range participants=participants.clone() fabrics=fabrics.clone()/>
            <Participants participants/>
        </section>
        <section>
            <h2>"Connections"</h2>
            <Fabrics conference=summary.id fabrics/>
        </section>
        <section>
            <h2>"Errors"</h2>
            <ErrorList conference=summary.id errors total=errors_total/>
        </section>
        <section>
            <h2>"Feedback"</h2>
            <Feedback feedback/>
        </section>
    }
}

#[component]
fn Summary(summary: ConferenceSummary) -> impl IntoView {
    let ended = match (&summary.ended_at, &summary.end_reason) {
        (Some(at), Some(reason)) => format!("{} ({reason})", format::time(*at)),
        (Some(at), None) => format::time(*at),
        _ => "still running".to_owned(),
    };
    let setup = summary
        .setup_delay_ms
        .map(|(min, median, max)| format!("{min} / {median} / {max} ms"))
        .unwrap_or_else(|| "–".to_owned());
    let feedback = match (summary.feedback_avg, summary.feedback_min) {
        (Some(avg), Some(min)) => format!("avg {avg:.1}, lowest {min}"),
        (None, Some(min)) => format!("lowest {min}"),
        _ => "none".to_owned(),
    };
    view! {
        <dl class="summary card">
            <div><dt>"App"</dt><dd>{summary.app_name} " (" {summary.app_id} ")"</dd></div>
            <div><dt>"Started (UTC)"</dt><dd>{format::time(summary.started_at)}</dd></div>
            <div><dt>"Ended"</dt><dd>{ended}</dd></div>
            <div><dt>"Duration"</dt><dd>{format::duration_ms(summary.duration_ms)}</dd></div>
            <div><dt>"Failure"</dt><dd>{summary.failure_group.map_or("none", |g| g.as_str())}</dd></div>
            <div><dt>"Worst quality"</dt><dd class=format!("score {}", format::score_class(summary.worst_quality))>{format::score(summary.worst_quality)}</dd></div>
            <div><dt>"Setup delay min / median / max"</dt><dd>{setup}</dd></div>
            <div><dt>"Errors"</dt><dd>{summary.error_count}</dd></div>
            <div><dt>"Feedback"</dt><dd>{feedback}</dd></div>
        </dl>
    }
}

/// The other calls that used the same conferenceID, so they are not mixed up.
#[component]
fn Instances(current: i64, instances: Vec<InstanceLink>) -> impl IntoView {
    (instances.len() > 1).then(|| {
        view! {
            <nav class="instances" aria-label="Instances of this conference ID">
                <span>{format!("This conference ID was used for {} separate calls:", instances.len())}</span>
                {instances.into_iter().map(|instance| {
                    let label = format!("{} – {}", format::time(instance.started_at),
                        instance.ended_at.map_or("live".to_owned(), format::clock));
                    if instance.id == current {
                        view! { <strong aria-current="page">{label}</strong> }.into_any()
                    } else {
                        view! { <a href=format!("/conferences/{}", instance.id)>{label}</a> }.into_any()
                    }
                }).collect_view()}
            </nav>
        }
    })
}

/// What went wrong, one sentence per problem, worst first, each linking
/// to the connection that shows it.
#[component]
fn Diagnosis(conference: i64, lines: Vec<DiagnosisLine>, ended: bool) -> impl IntoView {
    if lines.is_empty() {
        let note = if ended {
            "No issue was detected in this call."
        } else {
            "No issue has been detected so far; a running call is checked once a minute."
        };
        return view! { <p class="muted">{note}</p> }.into_any();
    }
    view! {
        <ol class="diagnosis">
            {lines.into_iter().map(|line| {
                let class = format!("issue {}", line.severity);
                view! {
                    <li class=class>
                        <span class="severity">{line.severity}</span>" "
                        {line.sentence}" "
                        {line.fabric_id.map(|fabric| view! {
                            <a href=format!(
                                "/conferences/{conference}/fabrics/{fabric}#{}",
                                moment_anchor(line.at)
                            )>"See the moment"</a>
                        })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn Participants(participants: Vec<Participant>) -> impl IntoView {
    if participants.is_empty() {
        return view! { <p class="muted">"Nobody has joined yet."</p> }.into_any();
    }
    view! {
        <table class="data">
            <thead><tr><th>"Participant"</th><th>"Browser"</th><th>"OS"</th><th>"App version"</th><th>"Pre-call test"</th><th>"Joined"</th><th>"Left"</th></tr></thead>
            <tbody>
                {participants.into_iter().map(|p| view! {
                    <tr>
                        <td class="person">{p.person.label()}</td>
                        <td>{p.browser}</td>
                        <td>{p.os}</td>
                        <td>{p.app_version.unwrap_or_default()}</td>
                        <td class="precall">{p.precall.as_ref().map(format::precall)}</td>
                        <td class="nowrap">{format::clock(p.joined_at)}</td>
                        <td class="nowrap">{p.left_at.map(|at| format!("{} ({})", format::clock(at), p.left_reason.unwrap_or_default()))}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn Fabrics(conference: i64, fabrics: Vec<FabricRow>) -> impl IntoView {
    if fabrics.is_empty() {
        return view! { <p class="muted">"No connection has been reported yet (the app calls addNewFabric for each)."</p> }.into_any();
    }
    view! {
        <table class="data">
            <thead><tr><th>"Connection"</th><th>"From → to"</th><th>"Usage"</th><th>"Direction"</th><th>"State"</th><th>"Setup delay"</th><th>"Relay"</th><th>"Quality"</th></tr></thead>
            <tbody>
                {fabrics.into_iter().map(|f| {
                    let state = match (&f.failure_reason, f.failure_delay_ms) {
                        (Some(reason), _) => format!("{} ({reason})", f.state),
                        (None, Some(ms)) => format!("{} after {ms} ms", f.state),
                        _ => f.state.clone(),
                    };
                    view! {
                        <tr class=format!("state-{}", f.state)>
                            <td><a href=format!("/conferences/{conference}/fabrics/{}", f.id)>{f.connection_id}</a></td>
                            <td class="person">{f.local.label()}" → "{f.remote.label()}</td>
                            <td>{f.usage}</td>
                            <td>{f.direction}</td>
                            <td>{state}</td>
                            <td class="number">{format::ms(f.setup_delay_ms)}</td>
                            <td>{format::relay(f.relay_type.as_deref())}</td>
                            <td class=format!("number score {}", format::score_class(f.quality_score))>{format::score(f.quality_score)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn Feedback(feedback: Vec<FeedbackRow>) -> impl IntoView {
    if feedback.is_empty() {
        return view! { <EmptyState title="No feedback for this conference">"Ratings appear here when the app calls "<code>"sendUserFeedback"</code>"."</EmptyState> }.into_any();
    }
    let rating = |value: Option<i16>| value.map_or("–".to_owned(), |v| v.to_string());
    view! {
        <table class="data">
            <thead><tr><th>"When"</th><th>"From"</th><th>"About"</th><th>"Overall"</th><th>"Audio"</th><th>"Video"</th><th>"Screen"</th><th>"Comment"</th></tr></thead>
            <tbody>
                {feedback.into_iter().map(|f| view! {
                    <tr>
                        <td class="nowrap">{format::clock(f.at)}</td>
                        <td class="person">{f.person.label()}</td>
                        <td>{f.remote_user_id.unwrap_or_default()}</td>
                        <td class="number">{rating(f.overall)}</td>
                        <td class="number">{rating(f.audio)}</td>
                        <td class="number">{rating(f.video)}</td>
                        <td class="number">{rating(f.screen)}</td>
                        <td>{f.comment.unwrap_or_default()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
