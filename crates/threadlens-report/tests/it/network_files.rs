//! The graph files of a small conversation, and of a seeded random
//! conversation of three groups, written to `target/e2e/network/` and
//! `target/e2e/network-groups/` beside their tables as CSV, for `.ci/run`
//! to read with NetworkX (`tests/networkx_check.py`: the same nodes,
//! edges, weights and attributes in GraphML, GEXF and the tables, and the
//! same PageRank, betweenness and clustering within 1e-6, modularity
//! within 0.02 of NetworkX's Louvain). Here: the files are written and say
//! what the network holds.

use threadlens_model::SplitMix64;
use threadlens_model::{Platform, Post, PostKind, parse_timestamp};
use threadlens_network::{MeasureOptions, Network, NetworkBuilder, measure};
use threadlens_report::{
    GEXF_FILE, GRAPHML_FILE, MeasuredNetwork, TableFormat, gexf, graphml, network_tables,
    write_graph_file, write_tables,
};

/// Write `network`'s graph files and tables into `target/e2e/<name>`.
fn write_for_networkx(name: &str, network: &Network, themes: &[String]) {
    let measures = measure(network, &MeasureOptions::default());
    let m = MeasuredNetwork {
        network,
        measures: &measures,
        themes,
        first_slot: None,
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/e2e")
        .join(name);
    std::fs::create_dir_all(&dir).unwrap();
    write_graph_file(&dir.join(GRAPHML_FILE), &graphml(&m)).unwrap();
    write_graph_file(&dir.join(GEXF_FILE), &gexf(&m)).unwrap();
    let tables = network_tables(&m).unwrap();
    let written = write_tables(&dir, &tables, &[TableFormat::Csv], None).unwrap();
    assert_eq!(written.len(), 3);
}

use PostKind::*;

fn post(id: &str, author: &str, minute: u32, kind: PostKind) -> Post {
    let at = parse_timestamp(&format!("2022-06-28T09:{minute:02}:00Z")).unwrap();
    let mut p = Post::minimal(Platform::Mastodon, id, at);
    p.author_handle = author.into();
    p.kind = kind;
    p
}

#[test]
fn graph_files_for_networkx() {
    let mut posts = vec![
        post("1", "Host", 0, Original),
        post("2", "ann", 1, Reply),
        post("3", "host", 2, Reply),
        post("4", "ben", 3, Quote),
        post("5", "cat", 4, Repost),
        post("6", "ann", 5, Original),
        post("7", "host", 6, Reply),
    ];
    posts[0].mentions = vec!["ann".into(), "ben".into()];
    posts[0].author_followers = Some(1200);
    posts[1].reply_to_post_id = Some("1".into());
    posts[2].reply_to_post_id = Some("2".into());
    posts[2].mentions = vec!["ann".into(), "cat".into()];
    posts[3].referenced_post_id = Some("1".into());
    posts[4].referenced_post_id = Some("2".into());
    posts[5].mentions = vec!["host".into()];
    posts[6].reply_to_post_id = Some("3".into()); // a self-reply
    let mut builder = NetworkBuilder::new();
    for p in &posts {
        builder.add(p);
    }
    let network = builder.finish();
    // host→ann (mention in 1, reply in 3), host→ben (mention), host→cat
    // (mention), host→host (reply), ann→host (reply, mention),
    // ben→host (quote), cat→ann (repost).
    assert_eq!(network.accounts.len(), 4);
    assert_eq!(network.edges.len(), 9);
    assert_eq!(network.edges.iter().filter(|e| e.is_self_loop()).count(), 1);

    write_for_networkx("network", &network, &[]);
}

/// 90 accounts in three groups of 30; each writes 6 posts replying to or
/// mentioning a random account, of its own group 9 times in 10.
#[test]
fn a_conversation_of_three_groups_for_networkx() {
    let mut rng = SplitMix64::new(17);
    let mut builder = NetworkBuilder::new();
    let mut id = 0;
    for author in 0..90u64 {
        for _ in 0..6 {
            let group = if rng.below(10) < 9 {
                author / 30
            } else {
                rng.below(3)
            };
            let target = group * 30 + rng.below(30);
            id += 1;
            let mut p = post(&id.to_string(), &format!("user{author}"), 0, Original);
            p.mentions = vec![format!("user{target}")];
            let theme = group as u32;
            builder.add_scored(&p, &[u32::from(theme == 0), u32::from(theme == 1), 1]);
        }
    }
    let network = builder.finish();
    assert_eq!(network.accounts.len(), 90);
    let themes = ["care".to_owned(), "voice".to_owned(), "all".to_owned()];
    write_for_networkx("network-groups", &network, &themes);
    // The three groups come out as the three largest communities.
    let measures = measure(&network, &MeasureOptions::default());
    assert!(measures.modularity > 0.4, "{}", measures.modularity);
    let biggest: usize = measures
        .communities
        .iter()
        .take(3)
        .map(|c| c.members.len())
        .sum();
    assert!(
        biggest >= 80,
        "{:?}",
        measures
            .communities
            .iter()
            .map(|c| c.members.len())
            .collect::<Vec<_>>()
    );
}
