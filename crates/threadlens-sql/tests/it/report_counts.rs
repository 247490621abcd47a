//! The counts `report --engine` reads: `totals` is summed from the
//! per-period counts, so it is checked here against each total taken
//! directly over the posts, with several periods, with every post a repost
//! (no period at all), and with reposts included.

use datafusion::arrow::array::{Array, Int64Array};
use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use threadlens_model::Period;
use threadlens_sql::report_counts::{CountOptions, write_report_counts};
use threadlens_sql::tables::{TableSource, register};
use threadlens_sql::{Engine, session};

use crate::fixture::{contract_lexicon, texts, write_posts};

/// Every column of `out/<name>.parquet`'s single row, by name.
fn one_row(out: &std::path::Path, name: &str) -> Vec<(String, i64)> {
    let file = std::fs::File::open(out.join(format!("{name}.parquet"))).unwrap();
    let batches: Vec<_> = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap()
        .map(|b| b.unwrap())
        .collect();
    let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
    assert_eq!(
        rows,
        1,
        "{name}: {}",
        pretty_format_batches(&batches).unwrap()
    );
    let batch = &batches[0];
    batch
        .schema()
        .fields()
        .iter()
        .zip(batch.columns())
        .map(|(field, column)| {
            let values = column.as_any().downcast_ref::<Int64Array>().unwrap();
            assert!(!values.is_null(0), "{}", field.name());
            (field.name().clone(), values.value(0))
        })
        .collect()
}

/// The totals, each counted directly over the posts by its own query.
async fn direct_totals(
    ctx: &datafusion::prelude::SessionContext,
    themes: &[String],
    include_reposts: bool,
) -> Vec<(String, i64)> {
    let filter = if include_reposts {
        ""
    } else {
        "WHERE kind <> 'repost'"
    };
    let mut asked = vec![
        ("stored".to_owned(), "SELECT count(*) FROM posts".to_owned()),
        (
            "posts".into(),
            format!("SELECT count(*) FROM posts {filter}"),
        ),
        (
            "words".into(),
            format!("SELECT coalesce(sum(tl_score(text)['word_count']), 0) FROM posts {filter}"),
        ),
    ];
    let and = if include_reposts { "WHERE" } else { "AND" };
    for (i, id) in themes.iter().enumerate() {
        asked.push((
            format!("with_hit_{i}"),
            format!("SELECT count(*) FROM posts {filter} {and} tl_score(text)['{id}_hits'] > 0"),
        ));
        asked.push((
            format!("hits_{i}"),
            format!("SELECT coalesce(sum(tl_score(text)['{id}_hits']), 0) FROM posts {filter}"),
        ));
    }
    for (i, a) in themes.iter().enumerate() {
        for (j, b) in themes.iter().enumerate() {
            asked.push((
                format!("co_{i}_{j}"),
                format!(
                    "SELECT count(*) FROM posts {filter} {and} tl_score(text)['{a}_hits'] > 0 AND tl_score(text)['{b}_hits'] > 0"
                ),
            ));
        }
    }
    let mut totals = Vec::new();
    for (name, sql) in asked {
        let batches = ctx.sql(&sql).await.unwrap().collect().await.unwrap();
        let column = batches[0].column(0);
        let value = datafusion::arrow::compute::cast(
            column,
            &datafusion::arrow::datatypes::DataType::Int64,
        )
        .unwrap();
        let value = value
            .as_any()
            .downcast_ref::<Int64Array>()
            .unwrap()
            .value(0);
        totals.push((name, value));
    }
    totals
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn totals_are_the_posts_counted_directly() {
    let lexicon = contract_lexicon();
    let themes: Vec<String> = lexicon
        .lexicon()
        .themes
        .iter()
        .map(|t| t.id.clone())
        .collect();
    let mut many = texts();
    for i in 0..30 {
        many.extend(texts().into_iter().map(|t| format!("{t} {i}")));
    }
    // One post a minute: several hours, so several periods.
    let all_reposts: Vec<String> = texts();
    for (case, posts, include_reposts) in [
        ("several periods", &many, false),
        ("reposts included", &many, true),
        ("no period", &all_reposts, false),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut path = write_posts(dir.path(), posts);
        if case == "no period" {
            path = only_reposts(dir.path(), &path).await;
        }
        let ctx = session(&Engine::Local, Some(lexicon.clone()))
            .await
            .unwrap();
        let table = TableSource {
            name: "posts".into(),
            location: path.to_string_lossy().into_owned(),
        };
        register(&ctx, &table).await.unwrap();
        let options = CountOptions {
            period: Period::Hour,
            timezone: "Europe/London".into(),
            include_reposts,
            top: 3,
        };
        let out = dir.path().join("counts");
        write_report_counts(&ctx, lexicon.lexicon(), &options, &out)
            .await
            .unwrap();
        let totals = one_row(&out, "totals");
        assert_eq!(
            totals,
            direct_totals(&ctx, &themes, include_reposts).await,
            "{case}"
        );
        let posts = totals.iter().find(|(n, _)| n == "posts").unwrap().1;
        if case == "no period" {
            assert_eq!(posts, 0, "{case}");
        } else {
            assert!(posts > 100, "{case}: {totals:?}");
        }
    }
}

/// A copy of the posts at `path` in which every post is a repost.
async fn only_reposts(dir: &std::path::Path, path: &std::path::Path) -> std::path::PathBuf {
    let ctx = datafusion::prelude::SessionContext::new();
    ctx.register_parquet("p", path.to_str().unwrap(), Default::default())
        .await
        .unwrap();
    let frame = ctx
        .sql("SELECT platform, post_id, created_at, text, 'repost' AS kind, author_handle FROM p")
        .await
        .unwrap();
    let out = dir.join("reposts.parquet");
    frame
        .write_parquet(out.to_str().unwrap(), Default::default(), None)
        .await
        .unwrap();
    out
}
