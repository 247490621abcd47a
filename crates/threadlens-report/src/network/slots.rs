//! Networks per takeover slot: the posts attributed to a slot (formats.md
//! §4; reposts, which §4 leaves out, by their time), their accounts and
//! edges, and who was new to the day.

use std::collections::HashSet;

use polars::prelude::*;
use threadlens_model::{Post, PostKind, handle_key};
use threadlens_network::{EdgeKind, MeasureOptions, Measures, Network, NetworkBuilder, measure};

use crate::schedule::Schedule;
use crate::takeover::{Attribution, TakeoverPost, takeover};

/// Which slot each post belongs to: §4's attribution for every post but
/// reposts, and the slot a repost was made in for reposts.
pub fn attribute_posts(schedule: &Schedule, posts: &[Post]) -> Vec<Attribution> {
    let kept: Vec<usize> = (0..posts.len())
        .filter(|&i| posts[i].kind != PostKind::Repost)
        .collect();
    let takeover_posts: Vec<TakeoverPost> = kept
        .iter()
        .map(|&i| {
            let p = &posts[i];
            TakeoverPost {
                post_id: p.post_id.clone(),
                author: handle_key(&p.author_handle),
                created_at: p.created_at,
                conversation_id: p.conversation_id.clone(),
                reply_to_post_id: p.reply_to_post_id.clone(),
                reposts: 0,
                likes: 0,
                quotes: 0,
                hits: Vec::new(),
            }
        })
        .collect();
    let attributed = takeover(schedule, &takeover_posts, 0).attribution;
    let mut attribution: Vec<Attribution> = posts
        .iter()
        .map(|p| {
            schedule
                .slot_at(p.created_at)
                .map_or(Attribution::Outside, Attribution::Slot)
        })
        .collect();
    for (&i, a) in kept.iter().zip(attributed) {
        attribution[i] = a;
    }
    attribution
}

/// Everyone who hosts: every slot's hosts and the takeover account.
pub fn schedule_hosts(schedule: &Schedule) -> Vec<&str> {
    let mut hosts: Vec<&str> = vec![schedule.account.as_str()];
    for slot in &schedule.slots {
        hosts.extend(slot.hosts.iter().map(String::as_str));
    }
    hosts
}

/// Per account of `network`, the first slot (in schedule order) one of
/// its posts is attributed to.
pub fn first_slots(
    schedule: &Schedule,
    posts: &[Post],
    attribution: &[Attribution],
    network: &Network,
) -> Vec<Option<String>> {
    let mut first: Vec<Option<usize>> = vec![None; network.accounts.len()];
    for (post, a) in posts.iter().zip(attribution) {
        let Attribution::Slot(s) = *a else { continue };
        let key = handle_key(&post.author_handle);
        if let Some(i) = network.account(post.platform, &key) {
            first[i] = Some(first[i].map_or(s, |f| f.min(s)));
        }
    }
    first
        .into_iter()
        .map(|s| s.map(|s| schedule.slots[s].id.clone()))
        .collect()
}

/// One slot's network and its measures.
#[derive(Debug, Clone)]
pub struct SlotNetwork {
    /// The slot's index in the schedule.
    pub slot: usize,
    /// Its accounts and edges (edges made by its posts; their targets
    /// found among every post).
    pub network: Network,
    /// Their measures.
    pub measures: Measures,
}

/// The network of slot `slot`: the posts attributed to it, with the
/// targets of their edges found among all `posts`; hosts marked.
pub fn slot_network(
    schedule: &Schedule,
    posts: &[Post],
    hits: &[Vec<u32>],
    attribution: &[Attribution],
    slot: usize,
    kinds: &[EdgeKind],
    options: &MeasureOptions,
) -> SlotNetwork {
    let mut builder = NetworkBuilder::only(kinds);
    for (i, post) in posts.iter().enumerate() {
        if attribution[i] == Attribution::Slot(slot) {
            builder.add_scored(post, hits.get(i).map_or(&[][..], Vec::as_slice));
        } else {
            builder.know(post);
        }
    }
    let mut network = builder.finish();
    network.mark_hosts(schedule_hosts(schedule));
    let measures = measure(&network, options);
    SlotNetwork {
        slot,
        network,
        measures,
    }
}

/// What `network_slots` says of one slot.
struct SlotRow {
    accounts: u64,
    authors: u64,
    participants: u64,
    new_participants: u64,
    edges: u64,
    communities: u64,
    modularity: f64,
    top_bridge: Option<String>,
}

/// `network_slots`: one row per slot, in schedule order.
pub fn network_slots_table(schedule: &Schedule, slots: &[SlotNetwork]) -> PolarsResult<DataFrame> {
    let mut seen_before: HashSet<(threadlens_model::Platform, String)> = HashSet::new();
    let mut rows: Vec<SlotRow> = Vec::new();
    for s in slots {
        let slot = &schedule.slots[s.slot];
        let staff = |key: &str| key == schedule.account || slot.hosts.iter().any(|h| h == key);
        let n = &s.network;
        let participants: Vec<(threadlens_model::Platform, String)> = n
            .accounts
            .iter()
            .filter(|a| a.posts > 0 && !staff(&a.key))
            .map(|a| (a.platform, a.key.clone()))
            .collect();
        let new_participants = participants
            .iter()
            .filter(|p| !seen_before.contains(*p))
            .count() as u64;
        rows.push(SlotRow {
            accounts: n.accounts.len() as u64,
            authors: n.accounts.iter().filter(|a| a.posts > 0).count() as u64,
            participants: participants.len() as u64,
            new_participants,
            edges: n.edges.len() as u64,
            communities: s
                .measures
                .communities
                .iter()
                .filter(|c| c.members.len() > 1)
                .count() as u64,
            modularity: s.measures.modularity,
            top_bridge: s
                .measures
                .bridges(1)
                .first()
                .map(|&a| n.accounts[a].handle.clone()),
        });
        seen_before.extend(participants);
    }
    let count = |get: fn(&SlotRow) -> u64| rows.iter().map(get).collect::<Vec<u64>>();
    df!(
        "slot" => slots.iter().map(|s| schedule.slots[s.slot].id.as_str()).collect::<Vec<_>>(),
        "title" => slots.iter().map(|s| schedule.slots[s.slot].title.as_str()).collect::<Vec<_>>(),
        "accounts" => count(|r| r.accounts),
        "authors" => count(|r| r.authors),
        "participants" => count(|r| r.participants),
        "new_participants" => count(|r| r.new_participants),
        "returning_participants" => count(|r| r.participants - r.new_participants),
        "edges" => count(|r| r.edges),
        "communities" => count(|r| r.communities),
        "modularity" => rows.iter().map(|r| r.modularity).collect::<Vec<_>>(),
        "top_bridge" => rows.iter().map(|r| r.top_bridge.clone()).collect::<Vec<_>>(),
    )
}
