//! `threadlens network` on the hand-built fixture day
//! (`crates/threadlens-report/tests/data/fixture-day/posts.jsonl`): its 22
//! posts make 10 edges (9 replies, 1 repost; one reply's parent was never
//! collected), read here from the file of replies and reposts by hand.

use crate::{text, threadlens};

/// The fixture day imported into `dir/store`; the store's path.
fn store(dir: &tempfile::TempDir) -> String {
    let store = dir.path().join("store");
    let posts = crate::repo("crates/threadlens-report/tests/data/fixture-day/posts.jsonl");
    let output = threadlens(&[
        "import",
        "--format",
        "jsonl",
        "--data",
        store.to_str().unwrap(),
        posts.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{output:?}");
    store.display().to_string()
}

#[test]
fn the_fixture_days_network_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    let out = dir.path().join("net");
    let output = threadlens(&[
        "network",
        "--data",
        &store,
        "--out",
        out.to_str().unwrap(),
        "--format",
        "csv,parquet,graphml,gexf",
    ]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.starts_with(
            "network of 22 posts: 14 accounts, 10 edges (reply 9, mention 0, quote 0, repost 1), 0 self-loops\n  targets not in the store (posts never collected): reply 1\n"
        ),
        "{stdout}"
    );
    for file in [
        "network_accounts.csv",
        "network_edges.csv",
        "network_accounts.parquet",
        "network_edges.parquet",
        "network.graphml",
        "network.gexf",
    ] {
        assert!(out.join(file).is_file(), "{file}");
    }
    let edges = std::fs::read_to_string(out.join("network_edges.csv")).unwrap();
    assert_eq!(edges.lines().count(), 11, "a header and ten edges");
    // Alice replied to the account twice (08:07 and 09:40 UTC).
    assert!(
        edges.contains(
            "x:alice,x:horizonsnhs,reply,2,2022-06-28T08:07:00Z,2022-06-28T09:40:00Z,false"
        )
    );
    assert!(edges.contains("x:zoe,x:horizonsnhs,repost,1,"));
    let graphml = std::fs::read_to_string(out.join("network.graphml")).unwrap();
    assert_eq!(graphml.matches("<node ").count(), 14);
    assert_eq!(graphml.matches("<edge ").count(), 10);
}

#[test]
fn edges_and_times_narrow_the_network() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    let out = dir.path().join("net");
    let out = out.to_str().unwrap();
    let output = threadlens(&[
        "network", "--data", &store, "--out", out, "--edges", "repost", "--format", "csv",
    ]);
    assert!(output.status.success(), "{output:?}");
    let edges = std::fs::read_to_string(dir.path().join("net/network_edges.csv")).unwrap();
    assert_eq!(
        edges.lines().skip(1).collect::<Vec<_>>().len(),
        1,
        "{edges}"
    );
    assert!(text(&output).0.contains("1 edges (repost 1)"));

    // Posts before 09:00 UTC only: Alice's 09:40 reply is left out.
    let output = threadlens(&[
        "network",
        "--data",
        &store,
        "--out",
        out,
        "--until",
        "2022-06-28T09:00:00Z",
        "--format",
        "csv",
    ]);
    assert!(output.status.success(), "{output:?}");
    let edges = std::fs::read_to_string(dir.path().join("net/network_edges.csv")).unwrap();
    assert!(
        edges.contains("x:alice,x:horizonsnhs,reply,1,2022-06-28T08:07:00Z,2022-06-28T08:07:00Z"),
        "{edges}"
    );

    let output = threadlens(&["network", "--data", &store, "--since", "yesterday"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output)
            .1
            .contains("--since \"yesterday\" is not a time"),
        "{output:?}"
    );
}
