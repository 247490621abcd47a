//! Betweenness: for each account, the share of shortest directed paths
//! between two other accounts that pass through it (Freeman 1977), hops
//! counted without weights (a heavier tie is a stronger one, not a longer
//! one), normalised by `(n-1)(n-2)` as NetworkX does for directed graphs.
//!
//! Exact, by rustworkx-core's Brandes (2001) run on one thread (summing
//! in one order, so the figures are the same to the byte every run), up to
//! [`EXACT_MAX_NODES`] accounts. Above that it is estimated from a seeded
//! sample of source accounts (Brandes and Pich 2007, NetworkX's `k`), which
//! rustworkx-core does not offer, so the sampled sweep is here.

use std::collections::VecDeque;

use rayon::prelude::*;

use rustworkx_core::centrality::betweenness_centrality;
use rustworkx_core::petgraph::graph::DiGraph;
use threadlens_model::SplitMix64;

use crate::graph::Projection;

/// The most accounts for which betweenness is exact: 5,000 sources take a
/// few seconds on 2 cores for an event's network.
pub const EXACT_MAX_NODES: usize = 5_000;

/// Source accounts sampled above [`EXACT_MAX_NODES`].
pub const SAMPLED_SOURCES: usize = 1_000;

/// Sources one thread sweeps before its sums join the total.
const SOURCES_PER_CHUNK: usize = 50;

/// How betweenness was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BetweennessMethod {
    /// From every account.
    Exact,
    /// Estimated from `sources` accounts drawn with `seed`.
    Sampled {
        /// Accounts the paths were counted from.
        sources: usize,
        /// The seed they were drawn with.
        seed: u64,
    },
}

impl BetweennessMethod {
    /// How it reads in a manifest or a report: `exact`, or `sampled: 1000
    /// sources, seed 7`.
    pub fn describe(&self) -> String {
        match self {
            BetweennessMethod::Exact => "exact".into(),
            BetweennessMethod::Sampled { sources, seed } => {
                format!("sampled: {sources} sources, seed {seed}")
            }
        }
    }
}

/// Exact betweenness, normalised.
pub(crate) fn exact(graph: &Projection) -> Vec<f64> {
    let n = graph.len();
    let mut g: DiGraph<(), ()> = DiGraph::with_capacity(n, 0);
    let nodes: Vec<_> = (0..n).map(|_| g.add_node(())).collect();
    for (s, ties) in graph.out.iter().enumerate() {
        for &(t, _) in ties {
            g.add_edge(nodes[s], nodes[t], ());
        }
    }
    // A threshold above any node count: one thread, one summing order.
    betweenness_centrality(&g, false, true, usize::MAX)
        .into_iter()
        .map(|b| b.unwrap_or(0.0))
        .collect()
}

/// Betweenness estimated from `sources` accounts drawn with `seed` (all of
/// them when `sources >= n`, which is the exact value), normalised.
pub(crate) fn sampled(graph: &Projection, sources: usize, seed: u64) -> Vec<f64> {
    let n = graph.len();
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = SplitMix64::new(seed);
    // Fisher–Yates: the first `sources` of a seeded shuffle.
    for i in (1..n).rev() {
        order.swap(i, rng.below(i as u64 + 1) as usize);
    }
    let k = sources.min(n);
    // Sources in fixed chunks, each summed on its own, then the chunks
    // summed in order: both cores, and the same bytes every run.
    let partial: Vec<Vec<f64>> = order[..k]
        .par_chunks(SOURCES_PER_CHUNK)
        .map(|chunk| {
            let mut part = vec![0.0; n];
            let mut sweep = Sweep::new(n);
            for &s in chunk {
                sweep.accumulate(graph, s, &mut part);
            }
            part
        })
        .collect();
    let mut total = vec![0.0; n];
    for part in partial {
        for (t, p) in total.iter_mut().zip(part) {
            *t += p;
        }
    }
    if n > 2 && k > 0 {
        let scale = n as f64 / k as f64 / ((n - 1) * (n - 2)) as f64;
        for b in &mut total {
            *b *= scale;
        }
    }
    total
}

/// The buffers of one Brandes sweep, reused from source to source.
struct Sweep {
    distance: Vec<i64>,
    paths: Vec<f64>,
    dependency: Vec<f64>,
    predecessors: Vec<Vec<usize>>,
    reached: Vec<usize>,
    queue: VecDeque<usize>,
}

impl Sweep {
    fn new(n: usize) -> Sweep {
        Sweep {
            distance: vec![-1; n],
            paths: vec![0.0; n],
            dependency: vec![0.0; n],
            predecessors: vec![Vec::new(); n],
            reached: Vec::new(),
            queue: VecDeque::new(),
        }
    }

    /// Add the dependencies of every node on paths from `s` to `total`.
    fn accumulate(&mut self, graph: &Projection, s: usize, total: &mut [f64]) {
        for &v in &self.reached {
            self.distance[v] = -1;
            self.paths[v] = 0.0;
            self.dependency[v] = 0.0;
            self.predecessors[v].clear();
        }
        self.reached.clear();
        self.distance[s] = 0;
        self.paths[s] = 1.0;
        self.queue.push_back(s);
        while let Some(v) = self.queue.pop_front() {
            self.reached.push(v);
            for &(w, _) in &graph.out[v] {
                if self.distance[w] < 0 {
                    self.distance[w] = self.distance[v] + 1;
                    self.queue.push_back(w);
                }
                if self.distance[w] == self.distance[v] + 1 {
                    self.paths[w] += self.paths[v];
                    self.predecessors[w].push(v);
                }
            }
        }
        for &w in self.reached.iter().rev() {
            for &v in &self.predecessors[w] {
                self.dependency[v] += self.paths[v] / self.paths[w] * (1.0 + self.dependency[w]);
            }
            if w != s {
                total[w] += self.dependency[w];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(n: usize, ties: &[(usize, usize)]) -> Projection {
        let mut out = vec![Vec::new(); n];
        let mut into = vec![Vec::new(); n];
        for &(s, t) in ties {
            out[s].push((t, 1.0));
            into[t].push((s, 1.0));
        }
        Projection {
            out,
            into,
            both: vec![Vec::new(); n],
        }
    }

    #[test]
    fn the_middle_of_a_chain_carries_every_path_through_it() {
        // 0 → 1 → 2: one of the (3-1)(3-2) = 2 ordered pairs passes 1.
        let g = graph(3, &[(0, 1), (1, 2)]);
        assert_eq!(exact(&g), vec![0.0, 0.5, 0.0]);
        assert_eq!(sampled(&g, 3, 1), vec![0.0, 0.5, 0.0]);
    }

    #[test]
    fn sampling_every_source_is_the_library_exact_value() {
        // Two routes 0 → 3 (via 1 and via 2), and a tail 3 → 4 → 0.
        let g = graph(5, &[(0, 1), (0, 2), (1, 3), (2, 3), (3, 4), (4, 0), (1, 2)]);
        let library = exact(&g);
        let ours = sampled(&g, 5, 99);
        for (a, b) in library.iter().zip(&ours) {
            assert!((a - b).abs() < 1e-12, "{library:?} {ours:?}");
        }
        assert!(library.iter().any(|&b| b > 0.0));
    }

    #[test]
    fn a_sample_is_the_same_for_a_seed() {
        let ties: Vec<(usize, usize)> = (0..40).map(|i| (i, (i * 7 + 3) % 40)).collect();
        let g = graph(40, &ties);
        assert_eq!(sampled(&g, 10, 5), sampled(&g, 10, 5));
        assert_ne!(sampled(&g, 10, 5), sampled(&g, 10, 6));
    }
}
