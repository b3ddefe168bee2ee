//! Looking for strings in every column of every table that can hold text,
//! read from the catalog at test time: a table or column added later is
//! scanned without a change here.

use sqlx::PgPool;

/// Every (table, column) of the public schema whose type holds text:
/// text, varchar, char, json, jsonb, inet, cidr and arrays of them.
/// Partitions are scanned through their parent.
pub async fn text_columns(pool: &PgPool) -> Vec<(String, String)> {
    sqlx::query_as(
        "select c.relname::text, a.attname::text
           from pg_class c
           join pg_namespace n on n.oid = c.relnamespace
           join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
           join pg_type t on t.oid = a.atttypid
           left join pg_type e on e.oid = t.typelem and t.typcategory = 'A'
          where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition
            and coalesce(e.typname, t.typname) in ('text', 'varchar', 'bpchar', 'json', 'jsonb', 'inet', 'cidr', 'name')
          order by 1, 2",
    )
    .fetch_all(pool)
    .await
    .expect("catalog")
}

/// Where each of `needles` occurs (any case): `table.column: needle`.
pub async fn find(pool: &PgPool, needles: &[&str]) -> Vec<String> {
    let columns = text_columns(pool).await;
    assert!(columns.len() > 50, "the catalog query found too few columns: {columns:?}");
    let mut hits = Vec::new();
    for (table, column) in columns {
        let sql = format!(
            r#"select n from unnest($1::text[]) as n
                where exists (select 1 from "{table}" where strpos(lower("{column}"::text), lower(n)) > 0)"#
        );
        let found: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(needles)
            .fetch_all(pool)
            .await
            .unwrap_or_else(|error| panic!("scanning {table}.{column}: {error}"));
        hits.extend(found.into_iter().map(|needle| format!("{table}.{column}: {needle}")));
    }
    hits
}
