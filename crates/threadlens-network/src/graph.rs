//! The network as the measures see it: accounts are nodes `0..n`, the
//! edges of every kind between two accounts are one tie whose weight is
//! their sum, and self-loops are left out (talking to yourself is not a
//! tie to anyone).

use std::collections::BTreeMap;

use crate::Network;

/// A node's neighbours with the weight of the tie, by neighbour.
pub(crate) type Adjacency = Vec<Vec<(usize, f64)>>;

/// Directed and undirected views of one network.
#[derive(Debug, Clone)]
pub(crate) struct Projection {
    /// Directed ties out of each node.
    pub(crate) out: Adjacency,
    /// Directed ties into each node.
    pub(crate) into: Adjacency,
    /// Undirected ties: both directions of a pair summed.
    pub(crate) both: Adjacency,
}

impl Projection {
    /// The projection of `network`.
    pub(crate) fn of(network: &Network) -> Projection {
        let n = network.accounts.len();
        let mut directed: BTreeMap<(usize, usize), f64> = BTreeMap::new();
        for edge in network.edges.iter().filter(|e| !e.is_self_loop()) {
            *directed.entry((edge.source, edge.target)).or_default() += edge.weight as f64;
        }
        let mut out = vec![Vec::new(); n];
        let mut into = vec![Vec::new(); n];
        let mut undirected: BTreeMap<(usize, usize), f64> = BTreeMap::new();
        for (&(s, t), &w) in &directed {
            out[s].push((t, w));
            into[t].push((s, w));
            *undirected.entry((s.min(t), s.max(t))).or_default() += w;
        }
        let mut both = vec![Vec::new(); n];
        for (&(a, b), &w) in &undirected {
            both[a].push((b, w));
            both[b].push((a, w));
        }
        for list in into.iter_mut().chain(both.iter_mut()) {
            list.sort_by_key(|&(v, _)| v);
        }
        Projection { out, into, both }
    }

    /// The number of nodes.
    pub(crate) fn len(&self) -> usize {
        self.out.len()
    }
}
