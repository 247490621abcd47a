//! The network of a tiny conversation worked out by hand: a reply chain, a
//! reply whose leading mention is the account it answers, a self-reply, a
//! quote with a mention, a repost whose mention is the original's, a reply
//! to a post never collected, a mention twice, and handles in any case.
//! Every account and edge is checked, in both arrival orders.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic

use threadlens_model::{Platform, Post, PostKind, parse_timestamp};
use threadlens_network::{
    BetweennessMethod, EdgeKind, MeasureOptions, Network, NetworkBuilder, measure,
};

fn post(id: &str, author: &str, author_id: &str, minute: u32, kind: PostKind) -> Post {
    let at = parse_timestamp(&format!("2022-06-28T09:{minute:02}:00Z")).unwrap();
    let mut p = Post::minimal(Platform::X, id, at);
    p.author_handle = author.into();
    p.author_id = author_id.into();
    p.kind = kind;
    p
}

fn conversation() -> Vec<Post> {
    use PostKind::*;
    let p1 = {
        let mut p = post("1", "Alice", "a", 0, Original);
        p.mentions = vec!["bob".into()];
        p.author_followers = Some(10);
        p
    };
    let p2 = {
        let mut p = post("2", "bob", "b", 1, Reply);
        p.reply_to_post_id = Some("1".into());
        p.reply_to_author_id = Some("a".into());
        p.mentions = vec!["alice".into()]; // who it answers: the reply edge
        p
    };
    let p3 = {
        let mut p = post("3", "carol", "c", 2, Reply);
        p.reply_to_post_id = Some("2".into());
        p
    };
    let p4 = {
        // Alice replies to herself; her handle in capitals, more followers.
        let mut p = post("4", "ALICE", "a", 3, Reply);
        p.reply_to_post_id = Some("1".into());
        p.author_followers = Some(12);
        p.mentions = vec!["Bob".into()];
        p
    };
    let p5 = {
        let mut p = post("5", "dave", "d", 4, Quote);
        p.referenced_post_id = Some("1".into());
        p.mentions = vec!["@Erin".into(), "erin".into()]; // once per post
        p
    };
    let p6 = {
        let mut p = post("6", "erin", "e", 5, Repost);
        p.referenced_post_id = Some("3".into());
        p.mentions = vec!["carol".into()]; // the original's text: no edge
        p
    };
    let p7 = {
        let mut p = post("7", "frank", "f", 6, Reply);
        p.reply_to_post_id = Some("999".into()); // never collected
        p
    };
    let p8 = {
        // Answers Alice by her id only (the post replied to is missing).
        let mut p = post("8", "carol", "c", 7, Reply);
        p.reply_to_author_id = Some("a".into());
        p
    };
    vec![p1, p2, p3, p4, p5, p6, p7, p8]
}

fn build<'a>(posts: impl Iterator<Item = &'a Post>) -> Network {
    let mut builder = NetworkBuilder::new();
    for post in posts {
        builder.add(post);
    }
    builder.finish()
}

/// An account as checked: key, handle, posts, replies sent and received,
/// followers.
type AccountRow<'a> = (&'a str, &'a str, u64, u64, u64, Option<u64>);

/// An edge as checked: source, target, kind, weight, first and last minute.
type EdgeRow = (String, String, &'static str, u64, u32, u32);

/// The edges by handle.
fn edges(network: &Network) -> Vec<EdgeRow> {
    use chrono::Timelike;
    network
        .edges
        .iter()
        .map(|e| {
            (
                network.accounts[e.source].key.clone(),
                network.accounts[e.target].key.clone(),
                e.kind.name(),
                e.weight,
                e.first.minute(),
                e.last.minute(),
            )
        })
        .collect()
}

#[test]
fn every_account_and_edge_of_a_tiny_conversation() {
    let posts = conversation();
    let network = build(posts.iter());

    let accounts: Vec<AccountRow<'_>> = network
        .accounts
        .iter()
        .map(|a| {
            (
                a.key.as_str(),
                a.handle.as_str(),
                a.posts,
                a.replies_sent,
                a.replies_received,
                a.followers,
            )
        })
        .collect();
    assert_eq!(
        accounts,
        [
            // Alice: posts 1 and 4; replies received from bob (2), herself
            // (4) and carol by id (8); handle as on her earliest post.
            ("alice", "Alice", 2, 1, 3, Some(12)),
            ("bob", "bob", 1, 1, 1, None),
            ("carol", "carol", 2, 2, 0, None),
            ("dave", "dave", 1, 0, 0, None),
            ("erin", "erin", 1, 0, 0, None),
            ("frank", "frank", 1, 1, 0, None),
        ]
    );
    let alice = &network.accounts[0];
    assert_eq!(
        alice.active.map(|(a, b)| (a.to_rfc3339(), b.to_rfc3339())),
        Some((
            "2022-06-28T09:00:00+00:00".into(),
            "2022-06-28T09:03:00+00:00".into()
        ))
    );

    let s = |x: &str| x.to_owned();
    assert_eq!(
        edges(&network),
        [
            // Alice replies to herself (a self-loop) and mentions bob in
            // posts 1 and 4.
            (s("alice"), s("alice"), "reply", 1, 3, 3),
            (s("alice"), s("bob"), "mention", 2, 0, 3),
            // Bob's reply; his mention of alice is that reply, not an edge.
            (s("bob"), s("alice"), "reply", 1, 1, 1),
            // Carol replies to alice by id (post 8), to bob by post (3).
            (s("carol"), s("alice"), "reply", 1, 7, 7),
            (s("carol"), s("bob"), "reply", 1, 2, 2),
            // Dave quotes alice and mentions erin once.
            (s("dave"), s("alice"), "quote", 1, 4, 4),
            (s("dave"), s("erin"), "mention", 1, 4, 4),
            // Erin reposts carol; the repost's mention makes no edge.
            (s("erin"), s("carol"), "repost", 1, 5, 5),
        ]
    );
    assert!(network.edges[0].is_self_loop());
    assert!(!network.edges[1].is_self_loop());
    // Frank's parent was never collected.
    assert_eq!(
        network.unresolved.iter().collect::<Vec<_>>(),
        [(&EdgeKind::Reply, &1)]
    );

    // The same network whatever order the posts come in.
    assert_eq!(build(posts.iter().rev()), network);
}

#[test]
fn an_account_only_mentioned_is_a_node_without_posts() {
    let mut p = post("1", "alice", "a", 0, PostKind::Original);
    p.mentions = vec!["@Nobody".into()];
    let network = build([p].iter());
    let nobody = &network.accounts[1];
    assert_eq!((nobody.key.as_str(), nobody.posts), ("nobody", 0));
    assert_eq!(nobody.active, None);
    assert_eq!(network.edges.len(), 1);
    assert!(build(std::iter::empty()).accounts.is_empty());
}

#[test]
fn only_the_kinds_asked_for() {
    let posts = conversation();
    let mut builder = NetworkBuilder::only(&[EdgeKind::Reply]);
    for post in &posts {
        builder.add(post);
    }
    let network = builder.finish();
    assert!(network.edges.iter().all(|e| e.kind == EdgeKind::Reply));
    assert_eq!(
        network.edges.len(),
        4,
        "alice→alice, bob→alice, carol→alice, carol→bob"
    );
    // Erin is still an author; nobody else is added.
    assert_eq!(network.accounts.len(), 6);
}

/// The measures of the tiny conversation, worked by hand. Ties (self-loop
/// left out, kinds summed): alice→bob 2, bob→alice 1, carol→alice 1,
/// carol→bob 1, dave→alice 1, dave→erin 1, erin→carol 1; frank has none.
#[test]
fn measures_of_the_tiny_conversation_by_hand() {
    let posts = conversation();
    let mut builder = NetworkBuilder::new();
    for (i, post) in posts.iter().enumerate() {
        // Two themes: post i has i hits of the first, one of the second.
        builder.add_scored(post, &[i as u32, 1]);
    }
    let mut network = builder.finish();
    network.mark_hosts(["@Carol"]);
    let host: Vec<bool> = network.accounts.iter().map(|a| a.host).collect();
    assert_eq!(host, [false, false, true, false, false, false]);
    // Alice wrote posts 0 and 3, carol 2 and 7.
    assert_eq!(network.accounts[0].hits, [3, 2]);
    assert_eq!(network.accounts[2].hits, [9, 2]);

    let m = measure(&network, &MeasureOptions::default());
    let weights: Vec<(u64, u64)> = m
        .accounts
        .iter()
        .map(|a| (a.in_weight, a.out_weight))
        .collect();
    assert_eq!(weights, [(3, 2), (3, 1), (1, 2), (0, 2), (1, 1), (0, 0)]);

    // Clustering, on the undirected ties: alice's contacts bob, carol,
    // dave have one tie among their 3 pairs (bob–carol); bob's two
    // contacts are tied; carol: alice–bob of 3 pairs; dave, erin: none.
    let clustering: Vec<f64> = m.accounts.iter().map(|a| a.clustering).collect();
    assert_eq!(clustering, [1.0 / 3.0, 1.0, 1.0 / 3.0, 0.0, 0.0, 0.0]);

    // Betweenness over the 5 × 4 = 20 ordered pairs: dave→bob runs
    // through alice, dave→carol through erin, erin→alice and erin→bob
    // through carol.
    let betweenness: Vec<f64> = m.accounts.iter().map(|a| a.betweenness).collect();
    let expected = [0.05, 0.0, 0.1, 0.0, 0.05, 0.0];
    for (b, e) in betweenness.iter().zip(expected) {
        assert!((b - e).abs() < 1e-12, "{betweenness:?}");
    }
    assert_eq!(m.betweenness, BetweennessMethod::Exact);

    // PageRank sums to 1; dave and frank, whom nobody points to, get
    // only the jump share and are equal.
    let pagerank: Vec<f64> = m.accounts.iter().map(|a| a.pagerank).collect();
    assert!((pagerank.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert_eq!(pagerank[3], pagerank[5]);
    assert!(
        pagerank[0] > pagerank[2] && pagerank[2] > pagerank[3],
        "{pagerank:?}"
    );

    // Communities: {alice, bob, carol} (inside 5 of m = 8, degrees 12),
    // {dave, erin} (inside 1, degrees 4), frank alone:
    // Q = 5/8 − (12/16)² + 1/8 − (4/16)² = 0.125, the best split.
    let community: Vec<usize> = m.accounts.iter().map(|a| a.community).collect();
    assert_eq!(community, [1, 1, 1, 2, 2, 3]);
    assert!((m.modularity - 0.125).abs() < 1e-12, "{}", m.modularity);
    let first = &m.communities[0];
    assert_eq!((first.id, first.posts, first.inside_weight), (1, 5, 5));
    let mut members = first.members.clone();
    members.sort_unstable();
    assert_eq!(members, [0, 1, 2]);
    // Alice 3+2, bob 1+1, carol 9+2 hits.
    assert_eq!(first.hits, [13, 5]);
    assert_eq!(
        (m.communities[1].posts, m.communities[1].inside_weight),
        (2, 1)
    );
    assert_eq!(m.communities[2].members, [5]);

    // Ties into another community: alice (dave), carol (erin), dave
    // (alice), erin (carol). Bridges by betweenness, then reach, then
    // order: carol, alice, erin, dave.
    let reached: Vec<usize> = m.accounts.iter().map(|a| a.communities_reached).collect();
    assert_eq!(reached, [1, 0, 1, 1, 1, 0]);
    assert_eq!(m.bridges(10), [2, 0, 4, 3]);
    assert_eq!(m.bridges(1), [2]);

    // The same measures whatever order the posts come in.
    let mut reversed = NetworkBuilder::new();
    for (i, post) in posts.iter().enumerate().rev() {
        reversed.add_scored(post, &[i as u32, 1]);
    }
    let mut reversed = reversed.finish();
    reversed.mark_hosts(["carol"]);
    assert_eq!(reversed, network);
    assert_eq!(measure(&reversed, &MeasureOptions::default()), m);
}

#[test]
fn measures_of_nothing_and_of_lone_accounts() {
    let m = measure(&build(std::iter::empty()), &MeasureOptions::default());
    assert!(m.accounts.is_empty() && m.communities.is_empty());
    assert_eq!(m.modularity, 0.0);
    let alone = build([post("1", "alice", "a", 0, PostKind::Original)].iter());
    let m = measure(&alone, &MeasureOptions::default());
    assert_eq!(m.accounts[0].pagerank, 1.0);
    assert_eq!((m.accounts[0].community, m.communities.len()), (1, 1));
}

#[test]
fn betweenness_is_sampled_above_the_limit_with_the_seed() {
    let posts = conversation();
    let network = build(posts.iter());
    let options = MeasureOptions {
        exact_max_nodes: 3,
        sampled_sources: 6,
        seed: 4,
        ..MeasureOptions::default()
    };
    let m = measure(&network, &options);
    assert_eq!(
        m.betweenness,
        BetweennessMethod::Sampled {
            sources: 6,
            seed: 4
        }
    );
    assert_eq!(m.betweenness.describe(), "sampled: 6 sources, seed 4");
    // Every source sampled: the exact values.
    let exact = measure(&network, &MeasureOptions::default());
    for (a, b) in m.accounts.iter().zip(&exact.accounts) {
        assert!((a.betweenness - b.betweenness).abs() < 1e-12);
    }
}
