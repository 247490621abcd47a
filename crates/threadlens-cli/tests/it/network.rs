//! `threadlens network` on the hand-built fixture day
//! (`crates/threadlens-report/tests/data/fixture-day/posts.jsonl`): its 22
//! posts make 10 edges (9 replies, 1 repost; one reply's parent was never
//! collected), read here from the file of replies and reposts by hand.

use crate::{text, threadlens};

/// The fixture day imported into `dir/store`; the store's path.
fn store(dir: &tempfile::TempDir) -> String {
    crate::fixture_day_store(dir.path()).display().to_string()
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

/// With the fixture day's schedule and lexicon. Worked by hand from §4:
/// welcome holds conversations 1 and 2 and Zoe's repost (08:02), equity
/// conversation 8 and Erin's post, spread conversation 15 and Bob's reply
/// to a thread never collected (09:30, by its time).
#[test]
fn the_fixture_days_slots_hosts_and_themes() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    let day = crate::repo("crates/threadlens-report/tests/data/fixture-day");
    let out = dir.path().join("net");
    let output = threadlens(&[
        "network",
        "--data",
        &store,
        "--out",
        out.to_str().unwrap(),
        "--schedule",
        day.join("schedule.toml").to_str().unwrap(),
        "--lexicon",
        day.join("lexicon.toml").to_str().unwrap(),
        "--format",
        "csv",
    ]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains("betweenness exact"), "{stdout}");

    let slots = std::fs::read_to_string(out.join("network_slots.csv")).unwrap();
    let rows: Vec<Vec<&str>> = slots.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(
        rows[0][..8],
        [
            "slot",
            "title",
            "accounts",
            "authors",
            "participants",
            "new_participants",
            "returning_participants",
            "edges"
        ]
    );
    // welcome: the account, host_a, alice, bob, carol, zoe; participants
    // all but the two staff, all new; alice→account (2 replies),
    // bob→alice, host_a→bob, carol→host_a, zoe→account (repost).
    assert_eq!(
        rows[1][..8],
        ["welcome", "Welcome", "6", "6", "4", "4", "0", "5"]
    );
    // equity: host_b, alice, dave, the account, erin; alice returns;
    // alice→host_b, dave→host_b, account→alice.
    assert_eq!(
        rows[2][..8],
        ["equity", "Health equity", "5", "5", "3", "2", "1", "3"]
    );
    // spread: host_c, frank (his 09:05 post was in no slot: new), gina,
    // bob (returning); frank→host_c, gina→frank; bob's parent is missing.
    assert_eq!(
        rows[3][..8],
        [
            "spread",
            "Spread and improvement",
            "4",
            "4",
            "3",
            "2",
            "1",
            "2"
        ]
    );

    let accounts = std::fs::read_to_string(out.join("network_accounts.csv")).unwrap();
    let header: Vec<&str> = accounts.lines().next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let row = |key: &str| -> Vec<String> {
        accounts
            .lines()
            .find(|l| l.starts_with(&format!("x:{key},")))
            .unwrap()
            .split(',')
            .map(str::to_owned)
            .collect()
    };
    for (key, host, first_slot) in [
        ("horizonsnhs", "true", "welcome"),
        ("host_b", "true", "equity"),
        ("alice", "false", "welcome"),
        ("frank", "false", "spread"),
        ("mallory", "false", ""),
    ] {
        let r = row(key);
        assert_eq!(r[column("host")], host, "{key}");
        assert_eq!(r[column("first_slot")], first_slot, "{key}");
    }
    // Alice's posts 3, 7 and 9 hit the lexicon's themes.
    let alice = row("alice");
    let hits: u64 = header
        .iter()
        .enumerate()
        .filter(|(_, h)| h.ends_with("_hits"))
        .map(|(i, _)| alice[i].parse::<u64>().unwrap())
        .sum();
    assert!(hits >= 2, "{alice:?}");
    let communities = std::fs::read_to_string(out.join("network_communities.csv")).unwrap();
    assert!(
        communities.starts_with(
            "community,accounts,hosts,posts,inside_weight,top_accounts,dominant_themes,"
        ),
        "{communities}"
    );
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("\"betweenness\": \"exact\""),
        "{manifest}"
    );
    assert!(manifest.contains("\"seed\": 1"), "{manifest}");
    // Each table's rows: 14 accounts, three slots.
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let rows = |stem: &str| {
        manifest["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| {
                o["path"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!("{stem}.csv"))
            })
            .map(|o| o["rows"].as_u64().unwrap())
    };
    assert_eq!(
        (rows("network_accounts"), rows("network_slots")),
        (Some(14), Some(3))
    );

    // One slot's network.
    let output = threadlens(&[
        "network",
        "--data",
        &store,
        "--out",
        dir.path().join("equity").to_str().unwrap(),
        "--schedule",
        day.join("schedule.toml").to_str().unwrap(),
        "--slot",
        "equity",
        "--format",
        "csv",
    ]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.starts_with("network of 5 posts attributed to slot equity: 5 accounts, 3 edges (reply 3, mention 0, quote 0, repost 0), 0 self-loops\n"),
        "{stdout}"
    );
    let manifest = std::fs::read_to_string(dir.path().join("equity/manifest.json")).unwrap();
    assert!(manifest.contains("\"slot\": \"equity\""), "{manifest}");

    // A slot that is not there, and a slot without a schedule.
    let output = threadlens(&[
        "network",
        "--data",
        &store,
        "--schedule",
        day.join("schedule.toml").to_str().unwrap(),
        "--slot",
        "equality",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output)
            .1
            .contains("its slots are welcome, equity, spread"),
        "{output:?}"
    );
    let output = threadlens(&["network", "--data", &store, "--slot", "equity"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
}

#[test]
fn the_same_seed_gives_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    let run = |name: &str, seed: &str| {
        let out = dir.path().join(name);
        let output = threadlens(&[
            "network",
            "--data",
            &store,
            "--out",
            out.to_str().unwrap(),
            "--seed",
            seed,
            "--format",
            "csv,graphml,gexf",
        ]);
        assert!(output.status.success(), "{output:?}");
        [
            "network_accounts.csv",
            "network_communities.csv",
            "network.graphml",
            "network.gexf",
        ]
        .map(|f| std::fs::read(out.join(f)).unwrap())
    };
    assert_eq!(run("a", "7"), run("b", "7"));
}
