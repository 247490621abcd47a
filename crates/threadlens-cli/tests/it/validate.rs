//! `threadlens validate sample|score`: a sample drawn from a store whose
//! strata are known, coded with a known pattern, scored to the precision,
//! recall, F1 and intervals worked out by hand.

use std::collections::HashMap;
use std::path::Path;

use crate::{text, threadlens};

/// A store of 10 posts: 1-4 say "candour" (hits), 5-10 do not.
fn store(dir: &Path) -> String {
    let lines: Vec<String> = (1..=10)
        .map(|i| {
            let text = if i <= 4 {
                format!("post {i} on candour")
            } else {
                format!("post {i} on other things")
            };
            serde_json::json!({"id": i.to_string(), "text": text, "platform": "x",
                "created_at": "2022-06-28T09:00:00Z", "author": "someone"})
            .to_string()
        })
        .collect();
    let input = dir.join("posts.jsonl");
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let store = dir.join("store");
    let output = threadlens(&[
        "import",
        "--data",
        store.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{output:?}");
    std::fs::write(
        dir.join("lexicon.toml"),
        "[lexicon]\nname = \"v\"\nversion = \"1\"\n[[theme]]\nid = \"candour\"\nlabel = \"Candour\"\ndescription = \"Openness\"\nentries = [\"candour\"]\n",
    )
    .unwrap();
    store.display().to_string()
}

fn draw(dir: &Path, store: &str, out: &str) -> String {
    let lexicon = dir.join("lexicon.toml");
    let out = dir.join(out);
    let output = threadlens(&[
        "validate",
        "sample",
        "--data",
        store,
        "--lexicon",
        lexicon.to_str().unwrap(),
        "--per-theme",
        "4",
        "--negatives",
        "6",
        "--seed",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains("candour: 4 of 4 posts with a hit, 6 of 6 without"),
        "{stdout}"
    );
    out.display().to_string()
}

/// Fill `relevant` of a CSV sample from `codes` by post id.
fn code(sample: &str, codes: &HashMap<&str, &str>, to: &Path) {
    let mut reader = csv::Reader::from_path(sample).unwrap();
    let headers = reader.headers().unwrap().clone();
    let post = headers.iter().position(|h| h == "post_id").unwrap();
    let relevant = headers.iter().position(|h| h == "relevant").unwrap();
    let mut writer = csv::Writer::from_path(to).unwrap();
    writer.write_record(&headers).unwrap();
    for record in reader.records() {
        let record = record.unwrap();
        let mut row: Vec<String> = record.iter().map(str::to_owned).collect();
        row[relevant] = codes[record.get(post).unwrap()].to_owned();
        writer.write_record(&row).unwrap();
    }
    writer.flush().unwrap();
}

fn number(row: &HashMap<String, String>, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|_| panic!("{column}: {:?}", row[column]))
}

#[test]
fn a_coded_sample_gives_the_hand_worked_precision_recall_and_intervals() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let sample = draw(dir.path(), &store, "round1.csv");
    // The same seed and store give the same file, byte for byte.
    let again = draw(dir.path(), &store, "again.csv");
    assert_eq!(
        std::fs::read(&sample).unwrap(),
        std::fs::read(&again).unwrap()
    );
    let design: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("round1.json")).unwrap()).unwrap();
    assert_eq!(design["strata"][0]["hit"], 4);
    assert_eq!(design["strata"][0]["no_hit"], 6);
    assert_eq!(design["rows"].as_array().unwrap().len(), 10);
    // Shuffled: the hits are not simply the first rows.
    let order: Vec<&str> = design["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["stratum"].as_str().unwrap())
        .collect();
    assert_ne!(order[..4], ["hit"; 4]);

    // Coder A: hits 1, 2, 3 relevant, 4 not; among the others only 5 is.
    let a: HashMap<&str, &str> = [
        ("1", "yes"),
        ("2", "yes"),
        ("3", "yes"),
        ("4", "no"),
        ("5", "yes"),
        ("6", "no"),
        ("7", "no"),
        ("8", "no"),
        ("9", "no"),
        ("10", "no"),
    ]
    .into();
    // Coder B differs on 3 and 6.
    let mut b = a.clone();
    b.insert("3", "no");
    b.insert("6", "yes");
    let (coded_a, coded_b) = (
        dir.path().join("round1.csv"),
        dir.path().join("round1-b.csv"),
    );
    code(&sample, &a, &coded_a);
    code(&sample, &b, &coded_b);
    std::fs::copy(
        dir.path().join("round1.json"),
        dir.path().join("round1-b.json"),
    )
    .unwrap();
    let out = dir.path().join("scored");
    let output = threadlens(&[
        "validate",
        "score",
        "--sample",
        coded_a.to_str().unwrap(),
        "--second-coder",
        coded_b.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains("| candour | 0.75 (0.30–0.95) | 0.75 (0.22–0.96) | 0.75 (0.24–0.96) |"),
        "{stdout}"
    );
    let mut reader = csv::Reader::from_path(out.join("validation.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let row: HashMap<String, String> = headers
        .iter()
        .map(str::to_owned)
        .zip(
            reader
                .records()
                .next()
                .unwrap()
                .unwrap()
                .iter()
                .map(str::to_owned),
        )
        .collect();
    let close = |column: &str, expected: f64| {
        let got = number(&row, column);
        assert!(
            (got - expected).abs() < 1e-3,
            "{column}: {got}, by hand {expected}"
        );
    };
    // By hand. Precision p = 3/4; its 95% Wilson interval: z² = 3.8415,
    // centre (0.75 + 0.48018)/1.96036 = 0.62753, half 0.32689.
    close("precision", 0.75);
    close("precision_ci_low", 0.3006);
    close("precision_ci_high", 0.9544);
    // q = 1/6 of the 6 posts without a hit are relevant. Recall =
    // 4·p / (4·p + 6·q) = 3 / (3 + 1) = 0.75. At 97.5% (z = 2.2414):
    // p in (0.25903, 0.96261), q in (0.02468, 0.61247), so recall in
    // (4·0.25903 / (1.03612 + 3.67481), 3.85044 / (3.85044 + 0.14810))
    // = (0.21994, 0.96296), and F1 = 2PR/(P+R) in (0.23789, 0.96278).
    close("recall", 0.75);
    close("recall_ci_low", 0.21994);
    close("recall_ci_high", 0.96296);
    close("f1", 0.75);
    close("f1_ci_low", 0.23789);
    close("f1_ci_high", 0.96278);
    // Two coders agree on 8 of 10; each says yes 4 times: chance
    // agreement 0.4·0.4 + 0.6·0.6 = 0.52, kappa (0.8 - 0.52)/0.48.
    close("agreement", 0.8);
    close("kappa", 0.28 / 0.48);
    assert_eq!(row["unsure"], "0");
    // Per entry: `candour` brought the four hits, three relevant.
    let entries = std::fs::read_to_string(out.join("validation_entries.csv")).unwrap();
    assert!(entries.contains("candour,candour,4,3,0.75,"), "{entries}");

    // The report shows the validation beside the tables it validates.
    let report = dir.path().join("report");
    let output = threadlens(&[
        "report",
        "--data",
        &store,
        "--lexicon",
        dir.path().join("lexicon.toml").to_str().unwrap(),
        "--validation",
        out.to_str().unwrap(),
        "--format",
        "csv,html",
        "--out",
        report.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{:?}", text(&output));
    let page = std::fs::read_to_string(report.join("report.html")).unwrap();
    assert!(
        page.contains("Validation by hand coding") && page.contains("0.75"),
        "{page}"
    );
    assert!(report.join("validation.csv").is_file());

    // A coded file whose rows no longer match its design is refused,
    // naming the row.
    let coded = std::fs::read_to_string(&coded_a).unwrap();
    let moved = coded.replacen(",candour,", ",coproduction,", 1);
    std::fs::write(&coded_a, moved).unwrap();
    let output = threadlens(&[
        "validate",
        "score",
        "--sample",
        coded_a.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains("does not match its design") && stderr.contains("row 2: sample_id 1"),
        "{stderr}"
    );
}

/// The workbook: one sheet with a drop-down on `relevant`, the header
/// frozen, the same bytes for the same seed; read back, it is all uncoded.
#[test]
fn the_xlsx_sample_has_a_drop_down_and_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let sample = draw(dir.path(), &store, "round1.xlsx");
    let again = draw(dir.path(), &store, "again.xlsx");
    assert_eq!(
        std::fs::read(&sample).unwrap(),
        std::fs::read(&again).unwrap()
    );
    let file = std::fs::File::open(&sample).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut sheet,
    )
    .unwrap();
    assert!(sheet.contains("<dataValidation type=\"list\""), "{sheet}");
    assert!(sheet.contains("\"yes,no,unsure\""), "{sheet}");
    assert!(sheet.contains("state=\"frozen\""));
    let output = threadlens(&[
        "validate",
        "score",
        "--sample",
        &sample,
        "--out",
        dir.path().join("o").to_str().unwrap(),
    ]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("no row is coded yes or no yet"), "{stderr}");
}
