//! `db::arrays` decodes what PostgreSQL sends, in the binary form of
//! prepared statements and the text form of simple queries, as sqlx's own
//! decoding does.

use callscope::domain::diagnosis::Limitation;
use callscope::server::db::arrays::{Floats, Instants, Limitations};
use chrono::{DateTime, Utc};
use sqlx::{PgPool, Row};

const ARRAYS: &str = "select array[1.5, null, -2e300, 0.1]::float8[], '{}'::float8[],
                             array['2026-12-07 06:00:00.123456+00', '1999-12-31 23:59:59.999999+00']::timestamptz[],
                             array['cpu', null, 'bandwidth', 'none', 'thermal']::text[]";

#[sqlx::test]
async fn arrays_decode_as_sqlx_decodes_them_in_both_forms(pool: PgPool) {
    let binary = sqlx::query(ARRAYS).fetch_one(&pool).await.expect("prepared");
    let text = sqlx::raw_sql(ARRAYS).fetch_one(&pool).await.expect("simple");
    let floats: Vec<Option<f64>> = binary.get(0);
    let instants: Vec<DateTime<Utc>> = binary.get(2);
    let limitations: Vec<Option<String>> = binary.get(3);
    let limitations: Vec<Option<Limitation>> =
        limitations.iter().map(|text| text.as_deref().map(Limitation::parse)).collect();
    assert_eq!(floats, [Some(1.5), None, Some(-2e300), Some(0.1)]);
    assert_eq!(instants[0].to_rfc3339(), "2026-12-07T06:00:00.123456+00:00");
    for row in [binary, text] {
        assert_eq!(row.get::<Floats, _>(0).0, floats);
        assert_eq!(row.get::<Floats, _>(1).0, []);
        assert_eq!(row.get::<Instants, _>(2).0, instants);
        assert_eq!(row.get::<Limitations, _>(3).0, limitations);
    }
}
