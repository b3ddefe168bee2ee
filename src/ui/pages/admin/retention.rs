//! The retention section of an app's admin page: how long each kind of its
//! data is kept (its own setting, or the default), and what the retention
//! job last removed.

use leptos::prelude::*;

use crate::api::{AppIntent, AppRetention, FormOutcome};
use crate::domain::retention::{MAX_DAYS, MIN_DAYS, Removed, RetentionRun};
use crate::ui::components::{FieldError, FormErrorNotice, IntentField};
use crate::ui::format;

const INTENT: AppIntent = AppIntent::Retention;

#[component]
pub fn RetentionSection(action: String, retention: AppRetention, outcome: FormOutcome) -> impl IntoView {
    let AppRetention { set, applied, defaults, last_run } = retention;
    let action_base = action.clone();
    let fields = [
        ("statsDays", "Stats samples", set.stats_days, applied.stats_days, defaults.stats_days),
        ("detailDays", "Conference detail", set.detail_days, applied.detail_days, defaults.detail_days),
        ("webhookDays", "Webhook deliveries", set.webhook_days, applied.webhook_days, defaults.webhook_days),
    ];
    view! {
        <section>
            <h2>"Retention"</h2>
            <p class="hint">
                "Days each kind of this app's data is kept. Conference detail (events, errors and logs, SDPs, ICE "
                "candidates, SSRC maps) counts from the conference's end; the conference itself, its participants "
                "and its summary stay. Stats samples are never kept longer than the detail. Empty: the default."
            </p>
            <form method="post" action=action class="inline-form" aria-label="Retention">
                <IntentField intent=INTENT/>
                {fields.into_iter().map(|(name, label, own, kept, default)| {
                    let typed = outcome.value(INTENT, name);
                    let value = if typed.is_empty() { own.map(|days| days.to_string()).unwrap_or_default() } else { typed };
                    view! {
                        <label>
                            {label} " (days)"
                            <input name=name type="number" min=MIN_DAYS max=MAX_DAYS value=value
                                placeholder=format!("{default} (default)")/>
                            <span class="hint">{format!("kept {kept} days")}</span>
                            <FieldError outcome=outcome.clone() intent=INTENT field=name/>
                        </label>
                    }
                }).collect_view()}
                <button type="submit">"Save retention"</button>
                <FormErrorNotice outcome=outcome.clone() intent=INTENT fields=&["statsDays", "detailDays", "webhookDays"]/>
            </form>
            <p class="retention-run">{last_run.map_or_else(|| "The retention job has not run yet.".to_owned(), run)}</p>
            <p>
                "One person's data (by userID, real name or login): "
                <a href=format!("{action_base}/subject")>"export or erase it"</a>"."
            </p>
        </section>
    }
}

/// The job's last run in a sentence.
fn run(run: RetentionRun) -> String {
    let Some(finished) = run.finished_at else {
        return format!("The retention job started at {} and has not finished.", format::time(run.started_at));
    };
    if let Some(error) = run.error {
        return format!("The retention job failed at {}: {error}", format::time(finished));
    }
    let Removed {
        stats_partitions,
        stats_rows,
        detail_conferences,
        detail_rows,
        webhook_deliveries,
        audit_records,
        incomplete,
    } = run.removed;
    format!(
        "The retention job last ran at {} (over every app) and removed {stats_partitions} daily stats partitions, \
         {stats_rows} stats rows, the detail of {detail_conferences} conferences ({detail_rows} rows), \
         {webhook_deliveries} webhook deliveries and {audit_records} audit records{}.",
        format::time(finished),
        if incomplete { "; it stopped at its limit and goes on at its next run" } else { "" },
    )
}
