//! `threadlens kwic`: matches in context, on the contract's examples.

use crate::{CONTRACT_LEXICON, contract_store, lexicon_file, text, threadlens};

#[test]
fn csv_lines_are_the_chosen_matches_with_their_context() {
    let dir = tempfile::tempdir().unwrap();
    let store = contract_store(&dir);
    let lexicon = lexicon_file(&dir, CONTRACT_LEXICON);
    let output = threadlens(&[
        "kwic",
        "--data",
        &store,
        "--lexicon",
        &lexicon,
        "--theme",
        "candour",
        "--format",
        "csv",
    ]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    // By hand from §9: row 3 has `honest` and the hashtag entry (which
    // covers `candour` inside it); row 5's hearts lose their variation
    // selectors in the normalised text; the repost (id 7) is left out.
    assert_eq!(
        stdout,
        "\
post_id,theme,entry,left,match,right
3,candour,honest,,Honest,\", candid conversations #DutyOfCandour\"
3,candour,#dutyofcandour,\"Honest, candid conversations \",#DutyOfCandour,
5,candour,candour,❤ ,candour, ❤ jane.doe@nhs.net
"
    );
}

#[test]
fn the_table_view_aligns_matches_and_filters_by_entry() {
    let dir = tempfile::tempdir().unwrap();
    let store = contract_store(&dir);
    let lexicon = lexicon_file(&dir, CONTRACT_LEXICON);
    let output = threadlens(&[
        "kwic",
        "--data",
        &store,
        "--lexicon",
        &lexicon,
        "--entry",
        "involv*",
        "--window",
        "12",
    ]);
    let (stdout, _) = text(&output);
    assert!(output.status.success());
    assert_eq!(
        stdout,
        format!(
            "coproduction  rtners were involved{}  2  (involv*)\n",
            " ".repeat(12)
        ),
        "12 characters each side, the left one right-aligned, the right one padded"
    );
    let all = threadlens(&[
        "kwic",
        "--data",
        &store,
        "--lexicon",
        &lexicon,
        "--window",
        "12",
    ]);
    let lines: Vec<String> = text(&all).0.lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 8, "{lines:#?}");
    let column = |l: &String| l.find("conversations").or(l.find("honesty"));
    assert!(lines.iter().all(|l| l.len() > 30), "{lines:#?}");
    assert!(column(&lines[0]).is_some());
    let limited = threadlens(&[
        "kwic",
        "--data",
        &store,
        "--lexicon",
        &lexicon,
        "--limit",
        "3",
    ]);
    assert_eq!(text(&limited).0.lines().count(), 3);
}

#[test]
fn unknown_themes_and_entries_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let store = contract_store(&dir);
    let lexicon = lexicon_file(&dir, CONTRACT_LEXICON);
    let output = threadlens(&[
        "kwic",
        "--data",
        &store,
        "--lexicon",
        &lexicon,
        "--theme",
        "nope",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output).1.contains(
            "not in lexicon contract-examples (themes: coproduction, candour):\n  --theme: unknown theme `nope` (known: coproduction, candour)"
        ),
        "{output:?}"
    );
    // A near miss is named, and both mistakes are reported at once.
    let output = threadlens(&[
        "kwic",
        "--data",
        &store,
        "--lexicon",
        &lexicon,
        "--theme",
        "canduor",
        "--entry",
        "honset",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output).1;
    assert!(
        stderr.contains("\n  --theme: unknown theme `canduor`; did you mean `candour`?")
            && stderr.contains(
                "\n  --entry: no entry \"honset\" in the chosen themes; did you mean \"honest\"?"
            ),
        "{stderr}"
    );
    let output = threadlens(&[
        "kwic",
        "--data",
        &store,
        "--lexicon",
        &lexicon,
        "--theme",
        "coproduction",
        "--entry",
        "honest",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output)
            .1
            .contains("--entry: no entry \"honest\" in the chosen themes"),
        "{output:?}"
    );
}
