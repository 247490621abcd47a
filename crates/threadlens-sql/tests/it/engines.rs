//! The same queries give the same rows in process and on Ballista's
//! standalone mode (a scheduler and an executor in this process, the plan
//! crossing the codecs as on a cluster).

use datafusion::arrow::util::pretty::pretty_format_batches;
use threadlens_sql::tables::TableSource;
use threadlens_sql::{Engine, Query, run_query};

use crate::fixture::{contract_lexicon, texts, write_posts};

/// Queries exercising every function, grouping and joins; each ordered, so
/// rows compare one for one.
pub const QUERIES: &[&str] = &[
    "SELECT post_id, tl_score(text) AS s, tl_themes(text) AS t, tl_normalize(text) AS n, tl_tokens(text) AS k FROM posts ORDER BY post_id",
    "SELECT platform, count(*) AS posts, sum(tl_score(text)['word_count']) AS words, \
     sum(tl_score(text)['candour_hits']) AS candour FROM posts GROUP BY platform ORDER BY platform",
    "SELECT theme, count(*) AS posts FROM (SELECT unnest(tl_themes(text)) AS theme FROM posts WHERE kind <> 'repost') \
     GROUP BY theme ORDER BY posts DESC, theme",
    "SELECT token, count(*) AS n FROM (SELECT unnest(tl_tokens(text)) AS token FROM posts) GROUP BY token ORDER BY n DESC, token LIMIT 25",
    "SELECT a.post_id, b.post_id AS other FROM posts a JOIN posts b ON tl_normalize(a.text) = tl_normalize(b.text) \
     AND a.post_id < b.post_id ORDER BY 1, 2",
];

/// `sql` on `engine` over `posts`, as a printed table.
pub async fn table(engine: Engine, posts: &TableSource, sql: &str) -> String {
    let query = Query {
        sql: sql.to_owned(),
        engine,
        data: None,
        tables: vec![posts.clone()],
        lexicon: Some(contract_lexicon()),
    };
    let (_, batches) = run_query(&query)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    pretty_format_batches(&batches).unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standalone_ballista_gives_the_rows_datafusion_gives() {
    let dir = tempfile::tempdir().unwrap();
    let mut many = texts();
    // Enough rows for several batches and partitions.
    for i in 0..40 {
        many.extend(texts().into_iter().map(|t| format!("{t} {i}")));
    }
    let posts = TableSource {
        name: "posts".into(),
        location: write_posts(dir.path(), &many)
            .to_string_lossy()
            .into_owned(),
    };
    for sql in QUERIES {
        let local = table(Engine::Local, &posts, sql).await;
        let standalone = table(Engine::Standalone, &posts, sql).await;
        assert!(local.lines().count() > 4, "{sql} found nothing:\n{local}");
        assert_eq!(standalone, local, "{sql}");
    }
}
