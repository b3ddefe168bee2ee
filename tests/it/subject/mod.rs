//! Export and erase of one person (docs/privacy.md), over a call sent
//! through the real collector with their identifiers planted everywhere it
//! stores them.

mod cli;
mod page;
mod plant;
mod scan;

use callscope::api::{CurrentUser, OverviewView, ReportQuery};
use callscope::domain::Role;
use callscope::domain::subject::SubjectKey;
use callscope::server::audit::Actor;
use callscope::server::db::dashboard::ReadPool;
use callscope::server::{reports, subject};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgPool;

use crate::collector::Collector;
use plant::{ALIAS, COMMENT, DEVICE, IP, LABEL, LOGIN, NAME, OTHER, OTHER_IP, OTHER_NAME, PLANTED, SUBJECT};

const PASSWORD: &str = "a long enough password";

/// Where planting must have reached before the erase, so that finding
/// nothing after it means something.
const PLANTED_IN: [&str; 27] = [
    "endpoints.user_id: zq-subject-uid-4411",
    "endpoints.user_name: Zelda Quixote-Planted",
    "endpoints.alias_name: zq-alias-7788",
    "endpoints.login_id: zelda.q@planted.example",
    "endpoints.device_id: zq-device-9931",
    "endpoints.config_params: zelda.q@planted.example",
    "fabrics.remote_user_id: zq-subject-uid-4411",
    "fabrics.remote_user_name: Zelda Quixote-Planted",
    "fabrics.remote_login_id: zelda.q@planted.example",
    "ssrc_maps.user_name: Zelda Quixote-Planted",
    "ice_candidates.local_address: 203.0.113.77",
    "ice_candidates.remote_address: 203.0.113.77",
    "sdps.local_sdp: 203.0.113.77",
    "sdps.remote_sdp: 203.0.113.77",
    "reported_errors.message: Zelda Quixote-Planted",
    "reported_errors.message: zq-subject-uid-4411",
    "reported_errors.dom_error: Zelda Plantedcam 3000",
    "reported_errors.local_sdp: 203.0.113.77",
    "fabric_events.payload: Zelda Plantedcam 3000",
    "fabric_events.payload: zq-subject-uid-4411",
    "feedback.comment: zq comment: the echo was awful 5521",
    "feedback.remote_user_id: zq-subject-uid-4411",
    "system_status_samples.raw: Zelda Plantedcam 3000",
    "precall_tests.message: 203.0.113.77",
    "call_details.attributes: Zelda Quixote-Planted",
    "used_jwt_ids.client_user_id: zq-subject-uid-4411",
    "fabric_issues.who: zq-subject-uid-4411",
];

/// The call planted, and its conference's real names viewed by support.
async fn planted(pool: PgPool) -> (Collector, i64) {
    let collector = Collector::spawn(pool).await;
    plant::call(&collector).await;
    let server = &collector.server;
    let instance: i64 = sqlx::query_scalar("select id from conference_instances where conference_id = $1")
        .bind(plant::ROOM)
        .fetch_one(&server.pool)
        .await
        .expect("instance");
    // An issue on the subject's side, as the detectors write them.
    sqlx::query(
        "insert into fabric_issues (instance_id, fabric_id, kind, severity, started_at, ended_at, side, who, peer)
         select instance_id, id, 'relayed', 'minor', added_at, added_at, 'between', $1, $2
           from fabrics where connection_id = 'z-b'",
    )
    .bind(SUBJECT)
    .bind(OTHER)
    .execute(&server.pool)
    .await
    .expect("issue");
    server.create_user("sup@example.com", Role::Support, PASSWORD).await;
    sqlx::query(
        "insert into user_app_grants (user_id, app_id) select id, $1 from users where email = 'sup@example.com'",
    )
    .bind(collector.app_pk)
    .execute(&server.pool)
    .await
    .expect("grant");
    let support = server.new_client();
    server.sign_in(&support, "sup@example.com", PASSWORD).await;
    let page = server.page(&support, &format!("/conferences/{instance}")).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("page").contains(NAME), "support sees the real name");
    (collector, instance)
}

async fn overview(pool: &PgPool, app_id: &str, now: DateTime<Utc>) -> OverviewView {
    let admin = CurrentUser { id: 1, email: "boss@example.com".into(), role: Role::Admin };
    let query = ReportQuery { app: Some(app_id.to_owned()), ..ReportQuery::default() };
    reports::overview(&ReadPool::primary(pool.clone()), &admin, query, now).await.expect("overview")
}

/// Conferences, participants, endpoints, failures and feedback of the store.
async fn counts(pool: &PgPool) -> Vec<i64> {
    let row: (i64, i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from conference_instances),
                (select coalesce(sum(participant_count), 0) from conference_instances),
                (select count(distinct user_id) from endpoints), (select count(*) from endpoints),
                (select count(*) from conference_instances where failure_group is not null),
                (select count(*) from feedback), (select coalesce(sum(overall_rating), 0) from feedback),
                (select count(*) from reported_errors)",
    )
    .fetch_one(pool)
    .await
    .expect("counts");
    vec![row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7]
}

#[sqlx::test]
async fn erasing_a_person_leaves_no_identifier_of_theirs_in_any_column_and_every_count_as_it_was(pool: PgPool) {
    let (collector, instance) = planted(pool).await;
    let pool = &collector.server.pool;
    let before = scan::find(pool, &PLANTED).await;
    for place in PLANTED_IN {
        assert!(before.iter().any(|hit| hit == place), "planting missed {place}; found {before:#?}");
    }
    let views = "select count(*) from audit_log where action = 'conference.view_names' and target_id = $1";
    let viewed: i64 = sqlx::query_scalar(views).bind(instance.to_string()).fetch_one(pool).await.expect("views");
    assert_eq!(viewed, 1, "support's view of the names is recorded");
    let now = Utc::now();
    let (overview_before, counts_before) = (overview(pool, &collector.app_id, now).await, counts(pool).await);

    let key = SubjectKey::UserId(SUBJECT.to_owned());
    let erased = subject::erase(pool, &Actor::Cli, &collector.app_id, &key).await.expect("erase");
    assert_eq!((erased.user_ids, erased.endpoints, erased.conferences), (1, 1, 1));

    let left = scan::find(pool, &PLANTED).await;
    assert!(left.is_empty(), "found after the erase: {left:#?}");
    assert_eq!(overview(pool, &collector.app_id, now).await, overview_before, "the overview is unchanged");
    assert_eq!(counts(pool).await, counts_before, "conferences, participants, failures, feedback unchanged");

    // The other person is as they were; their connection to the subject
    // now names the subject's pseudonym, the same one as the subject's endpoint.
    let other: (String, Option<String>) = sqlx::query_as("select user_id, user_name from endpoints where user_id = $1")
        .bind(OTHER)
        .fetch_one(pool)
        .await
        .expect("bob");
    assert_eq!(other, (OTHER.to_owned(), Some(OTHER_NAME.to_owned())));
    let still = scan::find(pool, &[OTHER, OTHER_NAME, OTHER_IP]).await;
    for place in ["ice_candidates.local_address: 198.51.100.23", "endpoints.user_name: Bob Keeper-Untouched"] {
        assert!(still.iter().any(|hit| hit == place), "{place} was touched: {still:#?}");
    }
    let pseudonyms: Vec<String> = sqlx::query_scalar(
        "select user_id from endpoints where user_id <> $1
         union select remote_user_id from fabrics where connection_id = 'b-z'
         union select remote_user_id from feedback where remote_user_id <> $1",
    )
    .bind(OTHER)
    .fetch_all(pool)
    .await
    .expect("pseudonyms");
    assert_eq!(pseudonyms.len(), 1, "one pseudonym everywhere: {pseudonyms:?}");
    assert!(pseudonyms[0].starts_with("erased-"), "{pseudonyms:?}");
    let ratings: Vec<(Option<i16>, Option<String>)> =
        sqlx::query_as("select overall_rating, comment from feedback order by overall_rating")
            .fetch_all(pool)
            .await
            .expect("feedback");
    assert_eq!(ratings[0], (Some(2), None), "the subject's rating stays, their comment goes");
    assert_eq!(ratings[1].1.as_deref(), Some("[erased] was clear"), "the other's comment loses the subject's name");

    let audit: Value = sqlx::query_scalar("select details from audit_log where action = 'subject.erase'")
        .fetch_one(pool)
        .await
        .expect("erase audited");
    assert_eq!(audit["by"], "userID");
    assert!(audit["changed"]["endpoints"].as_u64() == Some(1), "{audit}");
    assert_eq!(
        subject::erase(pool, &Actor::Cli, &collector.app_id, &key).await.map(|_| ()).map_err(|e| e.status().as_u16()),
        Err(422),
        "erased: no one has the userID any more"
    );
}

#[sqlx::test]
async fn the_export_holds_every_planted_item_and_no_one_elses_name(pool: PgPool) {
    let (collector, instance) = planted(pool).await;
    let pool = &collector.server.pool;
    let by_id = subject::export(pool, &Actor::Cli, &collector.app_id, &SubjectKey::UserId(SUBJECT.to_owned()))
        .await
        .expect("export");
    let text = by_id.to_string();
    for item in PLANTED {
        assert!(text.contains(item), "the export lacks {item}");
    }
    assert!(!text.contains(OTHER_NAME), "the export names no one else");
    for kind in [
        "endpoints",
        "conferences",
        "fabrics",
        "events",
        "errors",
        "feedback",
        "statsSamples",
        "sdps",
        "iceCandidates",
        "ssrcMaps",
        "systemStatus",
        "precallTests",
        "callDetails",
        "feedbackAboutThem",
        "issues",
        "tokens",
    ] {
        let rows = by_id[kind].as_array().unwrap_or_else(|| panic!("{kind} is not a list"));
        assert!(!rows.is_empty(), "{kind} is empty");
    }
    assert_eq!(by_id["nameViews"][0]["instance_id"], instance.to_string(), "the view of their name");
    assert_eq!(by_id["statsSamplesTruncated"], false);
    for (key, _) in [(SubjectKey::UserName(NAME.to_owned()), 0), (SubjectKey::LoginId(LOGIN.to_owned()), 1)] {
        let other = subject::export(pool, &Actor::Cli, &collector.app_id, &key).await.expect("export");
        assert_eq!(other["userIDs"], serde_json::json!([SUBJECT]), "{key:?} finds the same person");
    }
    let details: Vec<Value> = sqlx::query_scalar("select details from audit_log where action = 'subject.export'")
        .fetch_all(pool)
        .await
        .expect("exports audited");
    assert_eq!(details.len(), 3);
    let recorded = serde_json::to_string(&details).expect("json");
    for item in [SUBJECT, NAME, ALIAS, LOGIN, DEVICE, IP, LABEL, COMMENT] {
        assert!(!recorded.contains(item), "the audit record holds {item}");
    }
}

#[sqlx::test]
async fn a_short_user_id_repeated_in_a_long_log_is_erased_and_the_log_still_fits_its_column(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    let short = collector.join("short-room", "q7z").await;
    let log = "q7z ".repeat(5_000);
    let body = crate::collector::with(
        crate::collector::header("q7z"),
        serde_json::json!({ "wrtcFuncName": "applicationLog", "message": log }),
    );
    assert_eq!(collector.send(&short, "events/error", &body).await.status(), 200);
    let key = SubjectKey::UserId("q7z".to_owned());
    subject::erase(&collector.server.pool, &Actor::Cli, &collector.app_id, &key).await.expect("erase");
    let (bytes, mentions): (i32, bool) =
        sqlx::query_as("select octet_length(message), strpos(message, 'q7z') > 0 from reported_errors")
            .fetch_one(&collector.server.pool)
            .await
            .expect("log");
    assert!(bytes <= 20_480 && bytes > 19_000, "the log was cut to its limit, no more: {bytes} bytes");
    assert!(!mentions, "the userID is gone from the log");
}
