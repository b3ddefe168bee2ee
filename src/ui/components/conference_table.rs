use leptos::prelude::*;

use crate::api::ConferenceRow;
use crate::ui::format;

/// Search results: one conference instance per row, newest first.
#[component]
pub fn ConferenceTable(rows: Vec<ConferenceRow>) -> impl IntoView {
    view! {
        <table class="data conferences">
            <thead>
                <tr>
                    <th>"Started (UTC)"</th>
                    <th>"Conference ID"</th>
                    <th>"App"</th>
                    <th>"Duration"</th>
                    <th>"Participants"</th>
                    <th>"Failure"</th>
                    <th>"Worst quality"</th>
                    <th>"Feedback"</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|row| {
                    let live = row.ended_at.is_none();
                    let feedback = match (row.feedback_min, row.feedback_avg) {
                        (Some(min), Some(avg)) => format!("avg {avg:.1}, lowest {min} ({})", row.feedback_count),
                        (Some(min), None) => format!("lowest {min} ({})", row.feedback_count),
                        _ => "–".to_owned(),
                    };
                    view! {
                        <tr>
                            <td class="nowrap">{format::time(row.started_at)}</td>
                            <td class="conference-id">
                                <a href=format!("/conferences/{}", row.id)>{row.conference_id}</a>
                                {live.then(|| view! { " " <span class="badge live">"live"</span> })}
                            </td>
                            <td class="app">{row.app_name}</td>
                            <td class="nowrap">{format::duration_ms(row.duration_ms)}</td>
                            <td class="number">{row.participants}</td>
                            <td>{row.failure_group.map(|g| view! { <span class="badge failure">{g.as_str()}</span> })}</td>
                            <td class=format!("number score {}", format::score_class(row.worst_quality))>
                                {format::score(row.worst_quality)}
                            </td>
                            <td class=if row.feedback_min.is_some_and(|m| m <= 2) { "dissatisfied" } else { "" }>{feedback}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
