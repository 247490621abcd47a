//! The SQL functions give what the scorer core gives, for every string
//! type, and NULL for NULL.

use std::sync::Arc;

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::UInt32Type;
use datafusion::logical_expr::ScalarUDF;
use proptest::prelude::*;
use threadlens_process::{analyze, normalize, score_text};
use threadlens_sql::functions::{SCORING, functions};
use threadlens_sql::tables::TableSource;
use threadlens_sql::{Engine, Query, run_query};

use crate::fixture::{contract_lexicon, texts, tricky_text, write_posts};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Run `sql` over `texts` as `posts`, in process, with the contract lexicon.
fn query(texts: &[String], sql: &str) -> Vec<RecordBatch> {
    let dir = tempfile::tempdir().unwrap();
    let path = write_posts(dir.path(), texts);
    let query = Query {
        sql: sql.to_owned(),
        engine: Engine::Local,
        data: None,
        tables: vec![TableSource {
            name: "posts".into(),
            location: path.to_string_lossy().into_owned(),
        }],
        lexicon: Some(contract_lexicon()),
    };
    runtime().block_on(run_query(&query)).unwrap().1
}

/// Check every function's column against the core, row by row (rows in
/// `post_id` order, which is the order of `texts`).
fn check(texts: &[String], cast: &str) {
    let lexicon = contract_lexicon();
    let sql = format!(
        "SELECT tl_score(CAST(text AS {cast})) AS s, tl_themes(CAST(text AS {cast})) AS t, \
         tl_normalize(CAST(text AS {cast})) AS n, tl_tokens(CAST(text AS {cast})) AS k \
         FROM posts ORDER BY post_id"
    );
    let mut row = 0;
    for batch in query(texts, &sql) {
        let score = batch.column(0).as_struct();
        let themes = batch.column(1).as_list::<i32>();
        let normalized = batch.column(2).as_string::<i32>();
        let tokens = batch.column(3).as_list::<i32>();
        for r in 0..batch.num_rows() {
            let text = &texts[row];
            let want = score_text(lexicon.lexicon(), text);
            let field = |name: &str| {
                score
                    .column_by_name(name)
                    .unwrap()
                    .as_primitive::<UInt32Type>()
                    .value(r) as usize
            };
            assert_eq!(field("word_count"), want.word_count, "{text:?}");
            assert_eq!(field("emoji_count"), want.emoji_count, "{text:?}");
            let mut want_themes = Vec::new();
            for (theme, result) in lexicon.lexicon().themes.iter().zip(&want.themes) {
                assert_eq!(
                    field(&format!("{}_hits", theme.id)),
                    result.hits,
                    "{text:?} {}",
                    theme.id
                );
                if result.hits > 0 {
                    want_themes.push(theme.id.clone());
                }
            }
            let got_themes: Vec<String> = themes
                .value(r)
                .as_string::<i32>()
                .iter()
                .map(|t| t.unwrap().to_owned())
                .collect();
            assert_eq!(got_themes, want_themes, "{text:?}");
            assert_eq!(normalized.value(r), normalize(text), "{text:?}");
            let want_tokens: Vec<String> =
                analyze(text).units.into_iter().map(|u| u.form).collect();
            let got_tokens: Vec<String> = tokens
                .value(r)
                .as_string::<i32>()
                .iter()
                .map(|t| t.unwrap().to_owned())
                .collect();
            assert_eq!(got_tokens, want_tokens, "{text:?}");
            row += 1;
        }
    }
    assert_eq!(row, texts.len());
}

#[test]
fn the_functions_agree_with_the_core_on_every_string_type() {
    let texts = texts();
    for cast in ["VARCHAR", "TEXT", "STRING"] {
        check(&texts, cast);
    }
    // DataFusion's names for Utf8View and LargeUtf8 are not SQL types;
    // arrow_cast reaches them.
    for arrow_type in ["Utf8View", "LargeUtf8"] {
        let sql = format!(
            "SELECT tl_score(arrow_cast(text, '{arrow_type}'))['word_count'] AS w, \
             tl_normalize(arrow_cast(text, '{arrow_type}')) AS n FROM posts ORDER BY post_id"
        );
        let batches = query(&texts, &sql);
        let mut row = 0;
        for batch in batches {
            let words = batch.column(0).as_primitive::<UInt32Type>();
            let normalized = batch.column(1).as_string::<i32>();
            for r in 0..batch.num_rows() {
                assert_eq!(
                    words.value(r) as usize,
                    analyze(&texts[row]).word_count(),
                    "{arrow_type}"
                );
                assert_eq!(normalized.value(r), normalize(&texts[row]), "{arrow_type}");
                row += 1;
            }
        }
        assert_eq!(row, texts.len(), "{arrow_type}");
    }
}

#[test]
fn null_text_gives_null() {
    let batches = query(
        &texts()[..2],
        "SELECT tl_score(CASE WHEN post_id = 'p00000' THEN NULL ELSE text END) AS s, \
         tl_themes(CASE WHEN post_id = 'p00000' THEN NULL ELSE text END) AS t, \
         tl_normalize(NULL) AS n, tl_tokens(CAST(NULL AS VARCHAR)) AS k FROM posts ORDER BY post_id",
    );
    let batch = &batches[0];
    assert!(batch.column(0).is_null(0) && !batch.column(0).is_null(1));
    assert!(batch.column(1).is_null(0) && !batch.column(1).is_null(1));
    assert!(batch.column(2).is_null(0) && batch.column(3).is_null(1));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn the_functions_agree_with_the_core_on_tricky_text(texts in proptest::collection::vec(tricky_text(), 1..40)) {
        check(&texts, "VARCHAR");
    }
}

#[test]
fn themes_need_a_lexicon_and_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_posts(dir.path(), &texts());
    let query = Query {
        sql: "SELECT tl_themes(text) FROM posts".into(),
        engine: Engine::Local,
        data: None,
        tables: vec![TableSource {
            name: "posts".into(),
            location: path.to_string_lossy().into_owned(),
        }],
        lexicon: None,
    };
    let err = runtime()
        .block_on(run_query(&query))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("tl_themes needs a lexicon: give --lexicon FILE"),
        "{err}"
    );
    // Without a lexicon tl_score still counts.
    let query = Query {
        sql: "SELECT tl_score(text)['word_count'] FROM posts".into(),
        ..query
    };
    let batches = runtime().block_on(run_query(&query)).unwrap().1;
    assert_eq!(
        batches.iter().map(RecordBatch::num_rows).sum::<usize>(),
        texts().len()
    );
}

#[test]
fn functions_with_different_lexicons_are_never_the_same_function() {
    let contract = contract_lexicon();
    let other = Arc::new(
        threadlens_sql::ShippedLexicon::from_bytes(
            "other.toml".into(),
            b"[lexicon]\nname = \"o\"\nversion = \"1\"\nlanguage = \"english\"\n\n[[theme]]\nid = \"candour\"\nentries = [\"candour\"]\n".to_vec(),
            Default::default(),
        )
        .unwrap(),
    );
    let with = |l: Option<Arc<threadlens_sql::ShippedLexicon>>| -> Vec<ScalarUDF> { functions(l) };
    let (a, b, c, none) = (
        with(Some(contract.clone())),
        with(Some(contract)),
        with(Some(other)),
        with(None),
    );
    let hash = |udf: &ScalarUDF| {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        udf.hash(&mut h);
        h.finish()
    };
    for i in 0..a.len() {
        assert_eq!(a[i], b[i], "the same lexicon: the same function");
        assert_eq!(hash(&a[i]), hash(&b[i]));
        if SCORING.contains(&a[i].name()) {
            assert_ne!(
                a[i],
                c[i],
                "{}: another lexicon, another function",
                a[i].name()
            );
            assert_ne!(a[i], none[i]);
            assert_ne!(hash(&a[i]), hash(&c[i]));
        } else {
            assert_eq!(
                a[i],
                c[i],
                "{} does not score: one function whatever the lexicon",
                a[i].name()
            );
        }
    }
    let scoring = a.iter().filter(|f| SCORING.contains(&f.name())).count();
    assert_eq!(scoring, 3, "tl_score, tl_themes and tl_matches score");
}
