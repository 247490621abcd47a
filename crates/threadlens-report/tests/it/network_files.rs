//! The graph files of a small conversation, written to
//! `target/e2e/network/` beside its two tables as CSV, for `.ci/run` to
//! read with NetworkX (`tests/networkx_check.py`: the same nodes, edges,
//! weights and attributes in GraphML, GEXF and the tables). Here: the
//! files are written and say what the network holds.

use threadlens_model::{Platform, Post, PostKind, parse_timestamp};
use threadlens_network::NetworkBuilder;
use threadlens_report::{
    GEXF_FILE, GRAPHML_FILE, TableFormat, gexf, graphml, network_tables, write_graph_file,
    write_tables,
};

fn post(id: &str, author: &str, minute: u32, kind: PostKind) -> Post {
    let at = parse_timestamp(&format!("2022-06-28T09:{minute:02}:00Z")).unwrap();
    let mut p = Post::minimal(Platform::Mastodon, id, at);
    p.author_handle = author.into();
    p.kind = kind;
    p
}

#[test]
fn graph_files_for_networkx() {
    use PostKind::*;
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

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e/network");
    std::fs::create_dir_all(&dir).unwrap();
    write_graph_file(&dir.join(GRAPHML_FILE), &graphml(&network)).unwrap();
    write_graph_file(&dir.join(GEXF_FILE), &gexf(&network)).unwrap();
    let tables = network_tables(&network).unwrap();
    let written = write_tables(&dir, &tables, &[TableFormat::Csv], None).unwrap();
    assert_eq!(written.len(), 2);
}
