//! The clustering coefficient of each account (Watts and Strogatz 1998):
//! of the pairs of accounts it has a tie with (either direction, any
//! weight), the share that have a tie with each other. 0 with fewer than
//! two. NetworkX's `clustering` of the undirected graph.
//!
//! Triangles are counted once each by ordering the nodes by degree and
//! looking only "up" (Chiba and Nishizeki 1985), so an account tied to
//! thousands costs what its ties cost, not their square.

use crate::graph::Projection;

/// Every node's clustering coefficient.
pub(crate) fn clustering(graph: &Projection) -> Vec<f64> {
    let n = graph.len();
    let degree: Vec<usize> = graph.both.iter().map(Vec::len).collect();
    let rank = |v: usize| (degree[v], v);
    // Each node's neighbours of higher rank.
    let up: Vec<Vec<usize>> = graph
        .both
        .iter()
        .enumerate()
        .map(|(v, ties)| {
            ties.iter()
                .map(|&(w, _)| w)
                .filter(|&w| rank(w) > rank(v))
                .collect()
        })
        .collect();
    let mut triangles = vec![0u64; n];
    let mut marked = vec![false; n];
    for u in 0..n {
        for &v in &up[u] {
            marked[v] = true;
        }
        for &v in &up[u] {
            for &w in &up[v] {
                if marked[w] {
                    triangles[u] += 1;
                    triangles[v] += 1;
                    triangles[w] += 1;
                }
            }
        }
        for &v in &up[u] {
            marked[v] = false;
        }
    }
    (0..n)
        .map(|v| {
            let d = degree[v] as f64;
            if degree[v] < 2 {
                0.0
            } else {
                2.0 * triangles[v] as f64 / (d * (d - 1.0))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(n: usize, pairs: &[(usize, usize)]) -> Projection {
        let mut both = vec![Vec::new(); n];
        for &(a, b) in pairs {
            both[a].push((b, 1.0));
            both[b].push((a, 1.0));
        }
        Projection {
            out: vec![Vec::new(); n],
            into: vec![Vec::new(); n],
            both,
        }
    }

    #[test]
    fn a_triangle_with_a_tail() {
        // 0-1-2 a triangle, 3 hangs off 2: node 2 has 3 pairs, one closed.
        let c = clustering(&graph(4, &[(0, 1), (1, 2), (0, 2), (2, 3)]));
        assert_eq!(c, vec![1.0, 1.0, 1.0 / 3.0, 0.0]);
    }

    #[test]
    fn a_clique_of_five_is_fully_clustered() {
        let pairs: Vec<(usize, usize)> = (0..5)
            .flat_map(|a| (a + 1..5).map(move |b| (a, b)))
            .collect();
        assert!(clustering(&graph(5, &pairs)).iter().all(|&c| c == 1.0));
        assert!(
            clustering(&graph(3, &[(0, 1), (1, 2)]))
                .iter()
                .all(|&c| c == 0.0)
        );
    }
}
