//! PageRank (Brin and Page 1998) on the weighted directed ties, computed
//! as NetworkX's `pagerank` defines it: a walker follows a tie with
//! probability `alpha` in proportion to its weight, else jumps to any
//! account; an account with no ties out hands its rank to every account.
//! Neither petgraph (unweighted) nor rustworkx-core (PageRank lives in its
//! Python layer) offers this, so it is here, checked against NetworkX.

use crate::graph::Projection;

/// The damping factor, as everywhere (NetworkX's default).
pub const ALPHA: f64 = 0.85;

/// Stop when the ranks move less than this per account in one step (in
/// sum, `n` times this): far tighter than NetworkX's default 1e-6, so the
/// result is the fixed point to about 1e-10, not one step short of it.
const TOLERANCE: f64 = 1e-12;

/// Steps at most (about 170 reach the tolerance at `alpha` = 0.85).
const MAX_STEPS: usize = 10_000;

/// Every node's PageRank; they sum to 1.
pub(crate) fn pagerank(graph: &Projection) -> Vec<f64> {
    let n = graph.len();
    if n == 0 {
        return Vec::new();
    }
    let out_weight: Vec<f64> = graph
        .out
        .iter()
        .map(|ties| ties.iter().map(|&(_, w)| w).sum())
        .collect();
    let share = 1.0 / n as f64;
    let mut rank = vec![share; n];
    let mut next = vec![0.0; n];
    for _ in 0..MAX_STEPS {
        let dangling: f64 = (0..n)
            .filter(|&v| out_weight[v] == 0.0)
            .map(|v| rank[v])
            .sum();
        let base = (1.0 - ALPHA) * share + ALPHA * dangling * share;
        for (v, into) in graph.into.iter().enumerate() {
            let arriving: f64 = into.iter().map(|&(u, w)| rank[u] * w / out_weight[u]).sum();
            next[v] = base + ALPHA * arriving;
        }
        let moved: f64 = rank.iter().zip(&next).map(|(a, b)| (a - b).abs()).sum();
        std::mem::swap(&mut rank, &mut next);
        if moved < n as f64 * TOLERANCE {
            break;
        }
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(n: usize, ties: &[(usize, usize, f64)]) -> Projection {
        let mut out = vec![Vec::new(); n];
        let mut into = vec![Vec::new(); n];
        for &(s, t, w) in ties {
            out[s].push((t, w));
            into[t].push((s, w));
        }
        Projection {
            out,
            into,
            both: vec![Vec::new(); n],
        }
    }

    #[test]
    fn a_cycle_shares_rank_equally_and_ranks_sum_to_one() {
        let ranks = pagerank(&graph(3, &[(0, 1, 1.0), (1, 2, 1.0), (2, 0, 1.0)]));
        for r in &ranks {
            assert!((r - 1.0 / 3.0).abs() < 1e-12, "{ranks:?}");
        }
        let star = pagerank(&graph(4, &[(1, 0, 1.0), (2, 0, 1.0), (3, 0, 5.0)]));
        assert!((star.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(star[0] > star[1] && star[1] == star[3], "{star:?}");
    }

    #[test]
    fn a_two_node_chain_matches_the_closed_form() {
        // 0 → 1, 1 dangling. With d = 0.85: r1 = r0 (1 + 3d) / 2 ... solved
        // by hand: r0 = (1-d)/2 + d r1 / 2, r1 = (1-d)/2 + d r1 / 2 + d r0,
        // r0 + r1 = 1 gives r0 = 1 / (2 + d) = 0.350877...
        let ranks = pagerank(&graph(2, &[(0, 1, 3.0)]));
        assert!((ranks[0] - 1.0 / 2.85).abs() < 1e-10, "{ranks:?}");
        assert!((ranks[1] - 1.85 / 2.85).abs() < 1e-10, "{ranks:?}");
    }
}
