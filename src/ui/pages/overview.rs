use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{ClientShare, IssueTrend, OverviewView, ReportQuery, SearchQuery, get_overview};
use crate::ui::components::{EmptyState, PageData, PageTitle, ReportFilters};
use crate::ui::format;

/// `/overview?app=&from=&to=`: conferences, failures with their reasons,
/// setup delay percentiles, quality, clients and top issues for an app and
/// period.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let query_map = use_query_map();
    let query =
        Memo::new(move |_| query_map.with(|map| ReportQuery::from_pairs(map.into_iter().map(|(k, v)| (&**k, v)))));
    let data = Resource::new(move || query.get(), get_overview);
    view! {
        <PageTitle text="Overview"/>
        <h1>"Overview"</h1>
        <PageData load=move || data.into_future() loading="Counting…" let:view><Overview view/></PageData>
    }
}

/// `12.5 %`.
fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "–".to_owned(), |share| format!("{:.1} %", share * 100.0))
}

#[component]
fn Overview(view: OverviewView) -> impl IntoView {
    let failure_rate = percent(view.failure_rate());
    let filters =
        view! { <ReportFilters action="/overview" query=view.query.clone() days=view.days apps=view.apps.clone()/> };
    if view.conferences == 0 {
        return view! {
            {filters}
            <EmptyState title="No conferences in this period">
                "Pick a longer period or another app. Conferences are counted by the day they started."
            </EmptyState>
        }
        .into_any();
    }
    let delay = view.setup_delay.clone();
    let (first, last) = view.days;
    let period = SearchQuery {
        app: view.query.app.clone(),
        from: first.and_hms_opt(0, 0, 0).map(|start| start.and_utc()),
        to: last.succ_opt().and_then(|next| next.and_hms_opt(0, 0, 0)).map(|end| end.and_utc()),
        ..SearchQuery::default()
    };
    view! {
        {filters}
        <dl class="summary card overview-figures">
            <div><dt>"Conferences"</dt><dd>{view.conferences}</dd></div>
            <div><dt>"Ended and summarised"</dt><dd>{view.summarized}</dd></div>
            <div><dt>"Participants"</dt><dd>{view.participants}</dd></div>
            <div><dt>"Failure rate"</dt><dd class="failure-rate">{failure_rate}</dd></div>
            <div><dt>"Total failures"</dt><dd>{view.total_failures}</dd></div>
            <div><dt>"Partial failures"</dt><dd>{view.partial_failures}</dd></div>
            <div><dt>"Median quality"</dt><dd class=format!("score {}", format::score_class(view.median_quality))>{format::score(view.median_quality)}</dd></div>
        </dl>
        <div class="report-grid">
            <section>
                <h2>"Failures by WebRTC function"</h2>
                {if view.failures_by_function.is_empty() {
                    view! { <p class="muted">"No errors were reported."</p> }.into_any()
                } else {
                    view! { <Counts rows=view.failures_by_function.clone() heading="wrtcFuncName" class="failures"/> }.into_any()
                }}
            </section>
            <section>
                <h2>"Setup delay"</h2>
                {match delay {
                    Some(d) => view! {
                        <table class="data delays">
                            <thead><tr><th>"Connections"</th><th>"Min"</th><th>"Median"</th><th>"90th"</th><th>"95th"</th><th>"99th"</th><th>"Max"</th></tr></thead>
                            <tbody><tr>
                                <td class="number">{d.count}</td>
                                <td class="number">{format!("{} ms", d.min)}</td>
                                <td class="number">{format!("{:.0} ms", d.p50)}</td>
                                <td class="number">{format!("{:.0} ms", d.p90)}</td>
                                <td class="number">{format!("{:.0} ms", d.p95)}</td>
                                <td class="number">{format!("{:.0} ms", d.p99)}</td>
                                <td class="number">{format!("{} ms", d.max)}</td>
                            </tr></tbody>
                        </table>
                    }.into_any(),
                    None => view! { <p class="muted">"No connection was set up."</p> }.into_any(),
                }}
            </section>
            <TopIssues issues=view.top_issues.clone() summarized=view.summarized period/>
            <section>
                <h2>"Quality"</h2>
                <figure class="chart" inner_html=view.quality_chart.clone()></figure>
            </section>
            <section>
                <h2>"Browsers"</h2>
                <Counts rows=view.browsers.clone() heading="browser" class="browsers"/>
                <h2>"App versions"</h2>
                <Counts rows=view.app_versions.clone() heading="applicationVersion" class="versions"/>
            </section>
        </div>
    }
    .into_any()
}

/// The kinds of issue most conferences had, each linking to them in search.
#[component]
fn TopIssues(issues: Vec<IssueTrend>, summarized: i64, period: SearchQuery) -> impl IntoView {
    if issues.is_empty() {
        return view! {
            <section class="top-issues">
                <h2>"Top issues"</h2>
                <p class="muted">"The detectors found no issue in this period's conferences."</p>
            </section>
        }
        .into_any();
    }
    let rows = issues
        .into_iter()
        .map(|issue| {
            let href =
                format!("/search?{}", SearchQuery { issue: Some(issue.kind), ..period.clone() }.to_query_string());
            let share = (summarized > 0).then(|| issue.conferences as f64 / summarized as f64);
            view! {
                <tr>
                    <td><a href=href>{issue.kind.label()}</a></td>
                    <td class="number">{issue.conferences}" ("{percent(share)}")"</td>
                    <td class="number trend">{trend(issue.conferences, issue.previous)}</td>
                    <td><Shares shares=issue.app_versions/></td>
                    <td><Shares shares=issue.browsers/></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="top-issues">
            <h2>"Top issues"</h2>
            <table class="data top-issues">
                <thead><tr>
                    <th>"Issue"</th><th class="number">"Conferences"</th><th class="number">"Period before"</th>
                    <th>"Most affected app versions"</th><th>"Most affected browsers"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
    .into_any()
}

/// `↑ from 3`, `↓ from 9`, `= 5`, `new`: the count against the period before.
fn trend(now: i64, before: i64) -> String {
    match now.cmp(&before) {
        _ if before == 0 => "new".to_owned(),
        std::cmp::Ordering::Greater => format!("↑ from {before}"),
        std::cmp::Ordering::Less => format!("↓ from {before}"),
        std::cmp::Ordering::Equal => format!("= {before}"),
    }
}

/// Clients and their share of affected connections: `2.1 50 % (10 of 20)`.
#[component]
fn Shares(shares: Vec<ClientShare>) -> impl IntoView {
    view! {
        <ul class="shares">
            {shares.into_iter().map(|share| {
                let figures = format!(" {} ({} of {})", percent(Some(share.share())), share.affected, share.connections);
                view! { <li><code>{share.client}</code>{figures}</li> }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn Counts(rows: Vec<(String, i64)>, heading: &'static str, class: &'static str) -> impl IntoView {
    view! {
        <table class=format!("data counts {class}")>
            <thead><tr><th>{heading}</th><th class="number">"Count"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|(name, count)| view! {
                    <tr><td><code>{name}</code></td><td class="number">{count}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
