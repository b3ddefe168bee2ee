use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{FeedbackReport, ReportQuery, get_feedback_report};
use crate::ui::components::{EmptyState, PageData, PageTitle, ReportFilters};
use crate::ui::format;

/// `/feedback?app=&from=&to=&appVersion=`: what users rated — distributions,
/// the daily trend, the share of 1–2 ratings, and comments with links to
/// their conferences.
#[component]
pub fn FeedbackPage() -> impl IntoView {
    let query_map = use_query_map();
    let query =
        Memo::new(move |_| query_map.with(|map| ReportQuery::from_pairs(map.into_iter().map(|(k, v)| (&**k, v)))));
    let data = Resource::new(move || query.get(), get_feedback_report);
    view! {
        <PageTitle text="Feedback"/>
        <h1>"Feedback"</h1>
        <PageData load=move || data.into_future() loading="Counting…" let:report><Feedback report/></PageData>
    }
}

#[component]
fn Feedback(report: FeedbackReport) -> impl IntoView {
    let filters = view! {
        <ReportFilters action="/feedback" query=report.query.clone() days=report.days apps=report.apps.clone()
            app_versions=report.app_versions.clone()/>
    };
    if report.rated == 0 && report.comments.is_empty() {
        return view! {
            {filters}
            <EmptyState title="No feedback in this period">
                "Ratings sent with sendUserFeedback appear here. Pick a longer period or another app."
            </EmptyState>
        }
        .into_any();
    }
    let share = report.dissatisfied_share().map_or_else(|| "–".to_owned(), |s| format!("{:.1} %", s * 100.0));
    view! {
        {filters}
        <dl class="summary card feedback-figures">
            <div><dt>"Rated feedback"</dt><dd>{report.rated}</dd></div>
            <div><dt>"Dissatisfied (a 1 or 2)"</dt><dd class="dissatisfied">{report.dissatisfied}</dd></div>
            <div><dt>"Share dissatisfied"</dt><dd class="dissatisfied-share">{share}</dd></div>
        </dl>
        <section>
            <h2>"Ratings"</h2>
            <div class="report-grid">
                {report.distributions.into_iter().map(|d| view! {
                    <figure class="chart distribution" data-kind=d.kind.clone()>
                        <div inner_html=d.chart></div>
                        <figcaption class="muted">
                            {format!("{} ratings", d.counts.iter().sum::<i64>())}
                            {d.mean.map(|mean| format!(" · mean {mean:.2}"))}
                        </figcaption>
                    </figure>
                }).collect_view()}
            </div>
        </section>
        <section>
            <h2>"Trend"</h2>
            <figure class="chart trend" inner_html=report.trend_chart></figure>
            <table class="data trend">
                <thead><tr><th>"Day"</th><th class="number">"Mean overall"</th><th class="number">"Rated"</th><th class="number">"Dissatisfied"</th></tr></thead>
                <tbody>
                    {report.trend.into_iter().map(|day| view! {
                        <tr>
                            <td>{day.day.to_string()}</td>
                            <td class="number">{day.mean_overall.map_or_else(|| "–".to_owned(), |m| format!("{m:.2}"))}</td>
                            <td class="number">{day.rated}</td>
                            <td class="number">{day.dissatisfied}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <section>
            <h2>"Comments"</h2>
            {if report.comments.is_empty() {
                view! { <p class="muted">"No comments in this period."</p> }.into_any()
            } else {
                view! {
                    <ul class="comments">
                        {report.comments.into_iter().map(|c| view! {
                            <li>
                                <blockquote>{c.comment}</blockquote>
                                <div class="hint">
                                    {c.overall.map(|rating| format!("rated {rating} · "))}
                                    {format::time(c.submitted_at)} " · "
                                    <a href=format!("/conferences/{}", c.instance_id)>{c.conference_id}</a>
                                </div>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}
