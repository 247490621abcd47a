//! Fuzz targets for every importer, format detection, gzip input and the
//! CSV `--map` (time-bounded: `threadlens_testkit::fuzz`). Structure-aware:
//! the records of this crate's own fixtures with values replaced by
//! hostile ones, in files with hostile framing; and arbitrary bytes. The
//! contract: never a panic or a hang; a file is read (its bad records
//! rejected, each with a reason) or refused with an error that names it;
//! the counts returned are the counts sent.

use std::io::Write as _;

use proptest::prelude::*;
use threadlens_ingest::{ColumnMap, Format, ImportOptions, Reject, Sink, import_file};
use threadlens_model::Post;
use threadlens_testkit::fuzz::fuzz;
use threadlens_testkit::hostile::{any_bytes, hostile_file};

/// Counts what an import sends, and checks each post as it comes.
#[derive(Default)]
struct Counted {
    posts: u64,
    rejects: u64,
    problem: Option<String>,
}

impl Sink for Counted {
    fn post(&mut self, post: &Post) {
        self.posts += 1;
        if post.post_id.is_empty() && self.problem.is_none() {
            self.problem = Some(format!("a post without an id: {post:?}"));
        }
    }

    fn reject(&mut self, reject: Reject) {
        self.rejects += 1;
        if reject.reason.is_empty() && self.problem.is_none() {
            self.problem = Some(format!("a reject without a reason: {reject:?}"));
        }
    }
}

/// Import `bytes` written to a file named `name`; checks the contract.
fn import_checked(bytes: &[u8], name: &str, options: &ImportOptions) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let mut sink = Counted::default();
    match import_file(&path, options, &mut sink) {
        Ok(done) => {
            prop_assert_eq!(done.posts, sink.posts);
            prop_assert_eq!(done.rejected, sink.rejects);
        }
        Err(e) => {
            let said = e.to_string();
            prop_assert!(!said.is_empty());
        }
    }
    if let Some(problem) = sink.problem {
        return Err(TestCaseError::fail(problem));
    }
    Ok(())
}

/// The records of a fixture: its lines for JSONL, else the whole document.
fn records(fixture: &str, jsonl: bool) -> Vec<String> {
    // Lossy: a fixture may hold a byte that is not UTF-8 on purpose.
    let bytes = std::fs::read(crate::support::data(fixture)).unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    if jsonl {
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect()
    } else {
        vec![text.into_owned()]
    }
}

fn options(format: Format) -> ImportOptions {
    ImportOptions {
        format,
        ..ImportOptions::default()
    }
}

/// One target per format: its fixture's records made hostile.
fn fuzz_format(target: &str, format: Format, fixture: &str, jsonl: bool, name: &str) {
    let seeds = records(fixture, jsonl);
    assert!(!seeds.is_empty(), "{fixture}");
    fuzz(target, hostile_file(seeds), |bytes| {
        import_checked(&bytes, name, &options(format))?;
        // The same bytes told by detection.
        import_checked(&bytes, name, &options(Format::Auto))
    });
}

#[test]
fn fuzz_import_x_v2() {
    fuzz_format(
        "import_x_v2",
        Format::XV2,
        "x_v2_response.json",
        false,
        "page.json",
    );
}

#[test]
fn fuzz_import_twarc2() {
    fuzz_format(
        "import_twarc2",
        Format::Twarc2,
        "twarc2_pages.jsonl",
        true,
        "pages.jsonl",
    );
}

#[test]
fn fuzz_import_x_archive() {
    fuzz_format(
        "import_x_archive",
        Format::XArchive,
        "archive/tweets.js",
        false,
        "tweets.js",
    );
}

#[test]
fn fuzz_import_mastodon() {
    fuzz_format(
        "import_mastodon",
        Format::Mastodon,
        "mastodon_statuses.json",
        false,
        "statuses.json",
    );
}

#[test]
fn fuzz_import_bluesky() {
    fuzz_format(
        "import_bluesky",
        Format::Bluesky,
        "bluesky_search.json",
        false,
        "search.json",
    );
}

#[test]
fn fuzz_import_generic_jsonl() {
    fuzz_format(
        "import_jsonl",
        Format::Jsonl,
        "generic.jsonl",
        true,
        "posts.jsonl",
    );
}

#[test]
fn fuzz_import_csv_with_a_map() {
    let seeds = records("generic.csv", true);
    let options = ImportOptions {
        format: Format::Csv,
        column_map: ColumnMap::parse(
            "id=tweet_id,created_at=posted,author=user,text=body,likes=likes_n,hashtags=tags",
        )
        .unwrap_or_default(),
        ..ImportOptions::default()
    };
    fuzz("import_csv", hostile_file(seeds), |bytes| {
        import_checked(&bytes, "posts.csv", &options)
    });
}

#[test]
fn fuzz_import_arbitrary_bytes_in_every_format() {
    let formats: Vec<Format> = Format::ALL.to_vec();
    let names = ["x.json", "x.jsonl", "x.csv", "tweets.js", "x", "x.gz"];
    fuzz(
        "import_arbitrary_bytes",
        (any_bytes(4_000), 0..formats.len(), 0..names.len()),
        |(bytes, f, n)| import_checked(&bytes, names[n], &options(formats[f])),
    );
}

#[test]
fn fuzz_import_gzip_hostile_and_truncated() {
    let seeds = records("twarc2_pages.jsonl", true);
    fuzz(
        "import_gzip",
        (hostile_file(seeds), any::<Option<u16>>()),
        |(bytes, cut)| {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(&bytes)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut compressed = gz
                .finish()
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            if let Some(cut) = cut {
                compressed.truncate(usize::from(cut) % (compressed.len() + 1));
            }
            import_checked(&compressed, "pages.jsonl.gz", &options(Format::Auto))
        },
    );
}

#[test]
fn fuzz_format_detection() {
    fuzz(
        "format_detection",
        (any_bytes(2_000), "[a-z]{0,5}"),
        |(bytes, extension)| {
            let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
            let path = dir.path().join(format!("input.{extension}"));
            std::fs::write(&path, &bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
            if let Err(e) = Format::detect(&path) {
                prop_assert!(e.to_string().contains(path.to_str().unwrap_or("input")));
            }
            Ok(())
        },
    );
}

#[test]
fn fuzz_csv_map() {
    fuzz("csv_map", any::<String>(), |map| {
        if let Err(e) = ColumnMap::parse(&map) {
            prop_assert!(!e.to_string().is_empty());
        }
        Ok(())
    });
}

/// Regressions the fuzz targets found (`benches/fuzz.sh 9 1`): a Mastodon
/// status or a Bluesky post whose `uri` is empty was imported as a post
/// without an id; each is now a reject naming the field.
#[test]
fn an_empty_uri_is_a_reject_not_a_post_without_an_id() {
    for (fixture, format, name) in [
        ("mastodon_statuses.json", Format::Mastodon, "statuses.json"),
        ("bluesky_search.json", Format::Bluesky, "search.json"),
    ] {
        let text = String::from_utf8_lossy(&std::fs::read(crate::support::data(fixture)).unwrap())
            .into_owned();
        let at = text.find("\"uri\"").unwrap();
        let value_start = at + text[at..].find(": \"").unwrap() + 3;
        let value_end = value_start + text[value_start..].find('"').unwrap();
        let broken = format!("{}{}", &text[..value_start], &text[value_end..]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, &broken).unwrap();
        let mut sink = crate::support::Collected::default();
        import_file(&path, &options(format), &mut sink).unwrap();
        assert!(
            sink.posts.iter().all(|p| !p.post_id.is_empty()),
            "{fixture}"
        );
        assert!(
            sink.rejects.iter().any(|r| r.reason.contains("`uri`")),
            "{fixture}: {:?}",
            sink.rejects
        );
    }
}
