//! Communities by Louvain (Blondel, Guillaume, Lambiotte and Lefebvre
//! 2008) on the undirected weighted ties, as NetworkX's
//! `louvain_communities` runs it: visit the accounts in a seeded random
//! order, move each to the neighbouring community that raises modularity
//! most, repeat until nothing moves; merge each community into one node
//! and start again, until a round gains no more than 1e-7. Neither
//! petgraph nor rustworkx-core has community detection, so it is here,
//! and its modularity is checked against NetworkX's own Louvain.

use threadlens_model::SplitMix64;

use crate::graph::{Adjacency, Projection};

/// The resolution: 1 is Newman's modularity; above 1 favours smaller
/// communities.
pub const RESOLUTION: f64 = 1.0;

/// A round must gain more modularity than this to go on.
const THRESHOLD: f64 = 1e-7;

/// One round's graph: ties to other nodes, and each node's self-loop
/// (the weight inside what it stands for).
struct Level {
    ties: Adjacency,
    inside: Vec<f64>,
}

impl Level {
    /// A node's weighted degree (its self-loop counted twice).
    fn degree(&self, v: usize) -> f64 {
        self.ties[v].iter().map(|&(_, w)| w).sum::<f64>() + 2.0 * self.inside[v]
    }
}

/// A community for every node of `graph` (labels, not yet numbered).
pub(crate) fn louvain(graph: &Projection, resolution: f64, seed: u64) -> Vec<usize> {
    let n = graph.len();
    let mut membership: Vec<usize> = (0..n).collect();
    let mut level = Level {
        ties: graph.both.clone(),
        inside: vec![0.0; n],
    };
    let m = total_weight(&graph.both);
    if m == 0.0 {
        return membership;
    }
    let mut rng = SplitMix64::new(seed);
    let mut current = modularity(&graph.both, &membership, resolution);
    loop {
        let (community, moved) = one_round(&level, m, resolution, &mut rng);
        let (community, count) = renumber(&community);
        for c in &mut membership {
            *c = community[*c];
        }
        if !moved {
            break;
        }
        let gained = modularity(&graph.both, &membership, resolution);
        if gained - current <= THRESHOLD {
            break;
        }
        current = gained;
        level = merge(&level, &community, count);
    }
    membership
}

/// Move nodes between communities until none moves; whether any did.
fn one_round(level: &Level, m: f64, resolution: f64, rng: &mut SplitMix64) -> (Vec<usize>, bool) {
    let n = level.ties.len();
    let degree: Vec<f64> = (0..n).map(|v| level.degree(v)).collect();
    let mut community: Vec<usize> = (0..n).collect();
    let mut total = degree.clone();
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, rng.below(i as u64 + 1) as usize);
    }
    let mut weight_to = vec![0.0; n];
    let mut seen = vec![false; n];
    let mut near: Vec<usize> = Vec::new();
    let mut moved = false;
    loop {
        let mut moves = 0usize;
        for &u in &order {
            for &(v, w) in &level.ties[u] {
                let c = community[v];
                if !seen[c] {
                    seen[c] = true;
                    near.push(c);
                }
                weight_to[c] += w;
            }
            let own = community[u];
            let k = degree[u];
            total[own] -= k;
            let cost = |c: usize, total: &[f64]| {
                weight_to[c] / m - resolution * total[c] * k / (2.0 * m * m)
            };
            let leave = -cost(own, &total);
            let mut best = own;
            let mut best_gain = 0.0;
            for &c in &near {
                let gain = leave + cost(c, &total);
                if gain > best_gain {
                    best = c;
                    best_gain = gain;
                }
            }
            total[best] += k;
            community[u] = best;
            moves += usize::from(best != own);
            for &c in &near {
                seen[c] = false;
                weight_to[c] = 0.0;
            }
            near.clear();
        }
        if moves == 0 {
            break;
        }
        moved = true;
    }
    (community, moved)
}

/// Labels numbered `0..count` in the order they first appear.
fn renumber(labels: &[usize]) -> (Vec<usize>, usize) {
    let mut number = vec![usize::MAX; labels.len()];
    let mut count = 0;
    let numbered = labels
        .iter()
        .map(|&l| {
            if number[l] == usize::MAX {
                number[l] = count;
                count += 1;
            }
            number[l]
        })
        .collect();
    (numbered, count)
}

/// Each community of `level` as one node.
fn merge(level: &Level, community: &[usize], count: usize) -> Level {
    let mut inside = vec![0.0; count];
    let mut between: Vec<(usize, usize, f64)> = Vec::new();
    for (u, ties) in level.ties.iter().enumerate() {
        let cu = community[u];
        inside[cu] += level.inside[u];
        for &(v, w) in ties {
            let cv = community[v];
            if cu == cv {
                // Each tie is listed from both ends.
                inside[cu] += w / 2.0;
            } else {
                between.push((cu, cv, w));
            }
        }
    }
    between.sort_by_key(|&(a, b, _)| (a, b));
    let mut ties: Adjacency = vec![Vec::new(); count];
    for (a, b, w) in between {
        match ties[a].last_mut() {
            Some((last, sum)) if *last == b => *sum += w,
            _ => ties[a].push((b, w)),
        }
    }
    Level { ties, inside }
}

/// The sum of the weights of undirected `ties` (each listed from both ends).
fn total_weight(ties: &Adjacency) -> f64 {
    ties.iter().flatten().map(|&(_, w)| w).sum::<f64>() / 2.0
}

/// Newman's modularity of `membership` on the undirected weighted ties,
/// with `resolution` (NetworkX's `community.modularity`): 0 with no ties.
pub(crate) fn modularity(ties: &Adjacency, membership: &[usize], resolution: f64) -> f64 {
    let m = total_weight(ties);
    if m == 0.0 {
        return 0.0;
    }
    let count = membership.iter().max().map_or(0, |&c| c + 1);
    let mut inside = vec![0.0; count];
    let mut degree = vec![0.0; count];
    for (u, list) in ties.iter().enumerate() {
        for &(v, w) in list {
            degree[membership[u]] += w;
            if membership[u] == membership[v] {
                inside[membership[u]] += w / 2.0;
            }
        }
    }
    inside
        .iter()
        .zip(&degree)
        .map(|(l, d)| l / m - resolution * (d / (2.0 * m)).powi(2))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(n: usize, pairs: &[(usize, usize, f64)]) -> Projection {
        let mut both = vec![Vec::new(); n];
        for &(a, b, w) in pairs {
            both[a].push((b, w));
            both[b].push((a, w));
        }
        for list in &mut both {
            list.sort_by_key(|&(v, _)| v);
        }
        Projection {
            out: vec![Vec::new(); n],
            into: vec![Vec::new(); n],
            both,
        }
    }

    /// Two triangles joined by one tie.
    fn barbell() -> Projection {
        graph(
            6,
            &[
                (0, 1, 1.0),
                (1, 2, 1.0),
                (0, 2, 1.0),
                (3, 4, 1.0),
                (4, 5, 1.0),
                (3, 5, 1.0),
                (2, 3, 1.0),
            ],
        )
    }

    #[test]
    fn two_triangles_joined_by_a_tie_are_two_communities() {
        for seed in 0..20 {
            let c = louvain(&barbell(), RESOLUTION, seed);
            assert_eq!(c[0], c[1]);
            assert_eq!(c[1], c[2]);
            assert_eq!(c[3], c[4]);
            assert_eq!(c[4], c[5]);
            assert_ne!(c[0], c[3], "seed {seed}: {c:?}");
        }
    }

    #[test]
    fn modularity_of_the_barbell_by_hand() {
        // m = 7; each side: 3 ties inside, degrees 2+2+3 = 7.
        // Q = 2 × (3/7 − (7/14)²) = 6/7 − 1/2 = 0.357142...
        let g = barbell();
        let q = modularity(&g.both, &[0, 0, 0, 1, 1, 1], 1.0);
        assert!((q - (6.0 / 7.0 - 0.5)).abs() < 1e-12, "{q}");
        // Everyone together: 1 − 1 = 0.
        assert!(modularity(&g.both, &[0; 6], 1.0).abs() < 1e-12);
        assert_eq!(modularity(&graph(3, &[]).both, &[0, 1, 2], 1.0), 0.0);
    }

    #[test]
    fn isolated_accounts_stay_alone_and_seeds_repeat() {
        let g = graph(4, &[(0, 1, 2.0)]);
        let c = louvain(&g, RESOLUTION, 3);
        assert_eq!(c[0], c[1]);
        assert!(c[2] != c[3] && c[2] != c[0] && c[3] != c[0], "{c:?}");
        let ring: Vec<(usize, usize, f64)> = (0..30).map(|i| (i, (i + 1) % 30, 1.0)).collect();
        let g = graph(30, &ring);
        assert_eq!(louvain(&g, RESOLUTION, 8), louvain(&g, RESOLUTION, 8));
    }
}
