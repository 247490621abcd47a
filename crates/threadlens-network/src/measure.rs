//! Measures of a [`Network`]: per account its weighted degrees, PageRank,
//! betweenness, clustering and community; the communities with their
//! modularity; and the accounts that bridge them.

use crate::betweenness::{self, BetweennessMethod, EXACT_MAX_NODES, SAMPLED_SOURCES};
use crate::graph::Projection;
use crate::{Network, clustering, louvain, pagerank};

/// What the measures are computed with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeasureOptions {
    /// Seeds the order Louvain visits accounts in, and the sample of
    /// sources for betweenness above `exact_max_nodes`.
    pub seed: u64,
    /// The most accounts for which betweenness is exact.
    pub exact_max_nodes: usize,
    /// Sources sampled for betweenness above that.
    pub sampled_sources: usize,
    /// Louvain's resolution (1: Newman's modularity).
    pub resolution: f64,
}

impl Default for MeasureOptions {
    fn default() -> Self {
        MeasureOptions {
            seed: 1,
            exact_max_nodes: EXACT_MAX_NODES,
            sampled_sources: SAMPLED_SOURCES,
            resolution: louvain::RESOLUTION,
        }
    }
}

/// One account's measures. Self-loops count in none of them.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountMeasures {
    /// The weight of its ties in (posts by others that reply to, mention,
    /// quote or repost it).
    pub in_weight: u64,
    /// The weight of its ties out.
    pub out_weight: u64,
    /// Its PageRank (all accounts sum to 1).
    pub pagerank: f64,
    /// Its betweenness, normalised to 0..1.
    pub betweenness: f64,
    /// Its clustering coefficient, 0..1.
    pub clustering: f64,
    /// Its community's number in [`Measures::communities`] (1 is the
    /// largest).
    pub community: usize,
    /// Communities other than its own among the accounts it has ties with.
    pub communities_reached: usize,
}

/// One community.
#[derive(Debug, Clone, PartialEq)]
pub struct Community {
    /// Its number: 1 for the largest, ties by the first member.
    pub id: usize,
    /// Its accounts (indices into [`Network::accounts`]), by PageRank,
    /// highest first.
    pub members: Vec<usize>,
    /// Posts by its accounts.
    pub posts: u64,
    /// The weight of ties between its accounts.
    pub inside_weight: u64,
    /// Hits per theme over its accounts' posts (empty when unscored).
    pub hits: Vec<u64>,
}

/// A network's measures.
#[derive(Debug, Clone, PartialEq)]
pub struct Measures {
    /// Per account, in the order of [`Network::accounts`].
    pub accounts: Vec<AccountMeasures>,
    /// Communities, largest first.
    pub communities: Vec<Community>,
    /// The modularity of the communities.
    pub modularity: f64,
    /// How betweenness was computed.
    pub betweenness: BetweennessMethod,
    /// What they were computed with.
    pub options: MeasureOptions,
}

impl Measures {
    /// Accounts that bridge the network, best first: highest betweenness,
    /// then most communities reached; only accounts with some betweenness
    /// or ties into another community. At most `count`.
    pub fn bridges(&self, count: usize) -> Vec<usize> {
        let mut bridges: Vec<usize> = (0..self.accounts.len())
            .filter(|&a| {
                self.accounts[a].betweenness > 0.0 || self.accounts[a].communities_reached > 0
            })
            .collect();
        bridges.sort_by(|&a, &b| {
            let (x, y) = (&self.accounts[a], &self.accounts[b]);
            y.betweenness
                .total_cmp(&x.betweenness)
                .then(y.communities_reached.cmp(&x.communities_reached))
                .then(a.cmp(&b))
        });
        bridges.truncate(count);
        bridges
    }
}

/// Measure `network`.
pub fn measure(network: &Network, options: &MeasureOptions) -> Measures {
    let started = std::time::Instant::now();
    let lap =
        |what: &str| tracing::debug!("network measures: {what} after {:.2?}", started.elapsed());
    let graph = Projection::of(network);
    let n = graph.len();
    lap("projection");
    let pagerank = pagerank::pagerank(&graph);
    lap("pagerank");
    let (betweenness, method) = if n <= options.exact_max_nodes {
        (betweenness::exact(&graph), BetweennessMethod::Exact)
    } else {
        (
            betweenness::sampled(&graph, options.sampled_sources, options.seed),
            BetweennessMethod::Sampled {
                sources: options.sampled_sources.min(n),
                seed: options.seed,
            },
        )
    };
    lap("betweenness");
    let clustering = clustering::clustering(&graph);
    lap("clustering");
    let labels = louvain::louvain(&graph, options.resolution, options.seed);
    let modularity = louvain::modularity(&graph.both, &labels, options.resolution);
    lap("communities");

    // Number communities: largest first, ties by their first account.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of_label = vec![usize::MAX; n];
    for (a, &label) in labels.iter().enumerate() {
        if group_of_label[label] == usize::MAX {
            group_of_label[label] = groups.len();
            groups.push(Vec::new());
        }
        groups[group_of_label[label]].push(a);
    }
    groups.sort_by(|x, y| y.len().cmp(&x.len()).then(x[0].cmp(&y[0])));
    let mut community = vec![0; n];
    for (i, group) in groups.iter().enumerate() {
        for &a in group {
            community[a] = i + 1;
        }
    }
    let themes = network
        .accounts
        .iter()
        .map(|a| a.hits.len())
        .max()
        .unwrap_or(0);
    let mut communities: Vec<Community> = groups
        .into_iter()
        .enumerate()
        .map(|(i, mut members)| {
            members.sort_by(|&a, &b| pagerank[b].total_cmp(&pagerank[a]).then(a.cmp(&b)));
            let mut hits = vec![0; themes];
            for &a in &members {
                for (sum, h) in hits.iter_mut().zip(&network.accounts[a].hits) {
                    *sum += h;
                }
            }
            Community {
                id: i + 1,
                posts: members.iter().map(|&a| network.accounts[a].posts).sum(),
                members,
                inside_weight: 0,
                hits,
            }
        })
        .collect();
    for edge in network.edges.iter().filter(|e| !e.is_self_loop()) {
        if community[edge.source] == community[edge.target] {
            communities[community[edge.source] - 1].inside_weight += edge.weight;
        }
    }

    let weight = |ties: &[(usize, f64)]| ties.iter().map(|&(_, w)| w as u64).sum();
    let accounts = (0..n)
        .map(|a| {
            let mut reached: Vec<usize> = graph.both[a]
                .iter()
                .map(|&(b, _)| community[b])
                .filter(|&c| c != community[a])
                .collect();
            reached.sort_unstable();
            reached.dedup();
            AccountMeasures {
                in_weight: weight(&graph.into[a]),
                out_weight: weight(&graph.out[a]),
                pagerank: pagerank[a],
                betweenness: betweenness[a],
                clustering: clustering[a],
                community: community[a],
                communities_reached: reached.len(),
            }
        })
        .collect();
    Measures {
        accounts,
        communities,
        modularity,
        betweenness: method,
        options: *options,
    }
}
