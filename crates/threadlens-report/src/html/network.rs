//! The page's network section: a drawing of who talks to whom (a seeded,
//! deterministic force layout of the most connected accounts, hosts
//! outlined, colours by community), the accounts that bridge
//! communities, and the communities, in words and tables as the drawing's
//! text alternative.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use threadlens_model::SplitMix64;

use super::escape_html;
use super::svg::{self, FONT, PALETTE, text_width};
use crate::network::{MeasuredNetwork, dominant_themes, top_accounts};

/// The most accounts drawn: the most connected, hosts first.
pub const MAX_DRAWN: usize = 150;

/// The most ties drawn: the strongest (a drawing of more is a hairball
/// and a heavy page).
pub const MAX_LINES: usize = 1_000;

/// Accounts in the bridges table.
const BRIDGES: usize = 10;

/// Communities in the communities table (of two or more accounts).
const COMMUNITIES: usize = 10;

/// Communities with their own colour (by size); the rest are grey.
const COLOURED: usize = 6;

/// The drawing's width, in viewBox units.
const W: f64 = 760.0;

/// Its height.
const H: f64 = 520.0;

/// Steps of the force layout.
const STEPS: usize = 300;

/// How hard every account is pulled to the centre, so groups that do not
/// talk to each other sit side by side instead of flying apart.
const GRAVITY: f64 = 4.0;

/// A community's colour: the palette without black (hosts' outline) for
/// the largest, grey for the rest.
fn colour(community: usize) -> &'static str {
    const COLOURS: [usize; COLOURED] = [0, 1, 2, 3, 4, 5];
    match community {
        1..=COLOURED => PALETTE[COLOURS[community - 1]],
        _ => "#BBBBBB",
    }
}

/// The section's body.
pub(super) fn section(m: &MeasuredNetwork<'_>) -> String {
    let network = m.network;
    let measures = m.measures;
    let groups = measures
        .communities
        .iter()
        .filter(|c| c.members.len() > 1)
        .count();
    let ties: usize = network.edges.iter().filter(|e| !e.is_self_loop()).count();
    let mut out = format!(
        "<p>{} accounts and {} edges (replies, mentions, quotes and reposts between two accounts). Louvain finds {} communities of two or more accounts (modularity {:.2}; above about 0.3, the communities talk more among themselves than chance would have them).</p>",
        crate::words::thousands(network.accounts.len() as u64),
        crate::words::thousands(ties as u64),
        groups,
        measures.modularity
    );
    out.push_str(&drawing(m));
    out.push_str(&bridges_table(m));
    out.push_str(&communities_table(m));
    let _ = write!(
        out,
        "<p>Betweenness is the share of shortest paths between two other accounts that run through an account ({}). Communities reached: other communities among the accounts it talks with. PageRank: how much attention flows to it, counting who it comes from. The tables network_accounts and network_communities hold every account and community.</p>",
        escape_html(&measures.betweenness.describe())
    );
    out
}

/// The accounts drawn: those with ties, hosts first, then by the weight
/// of their ties; at most [`MAX_DRAWN`].
fn drawn(m: &MeasuredNetwork<'_>) -> Vec<usize> {
    let a = &m.measures.accounts;
    let mut chosen: Vec<usize> = (0..a.len())
        .filter(|&i| a[i].in_weight + a[i].out_weight > 0)
        .collect();
    chosen.sort_by(|&x, &y| {
        let host = |i: usize| m.network.accounts[i].host;
        let weight = |i: usize| a[i].in_weight + a[i].out_weight;
        host(y)
            .cmp(&host(x))
            .then(weight(y).cmp(&weight(x)))
            .then(x.cmp(&y))
    });
    chosen.truncate(MAX_DRAWN);
    chosen.sort_unstable();
    chosen
}

/// A force layout (Fruchterman and Reingold 1991) of `n` nodes with
/// `ties`, started from seeded positions: positions in the unit square.
fn layout(n: usize, ties: &[(usize, usize, f64)], seed: u64) -> Vec<(f64, f64)> {
    let mut rng = SplitMix64::new(seed);
    let mut unit = || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let mut at: Vec<(f64, f64)> = (0..n).map(|_| (unit(), unit())).collect();
    if n < 2 {
        return vec![(0.5, 0.5); n];
    }
    let k = (1.0 / n as f64).sqrt();
    for step in 0..STEPS {
        let heat = 0.1 * (1.0 - step as f64 / STEPS as f64) + 0.002;
        let mut push = vec![(0.0, 0.0); n];
        for i in 0..n {
            for j in i + 1..n {
                let (dx, dy) = (at[i].0 - at[j].0, at[i].1 - at[j].1);
                let d2 = (dx * dx + dy * dy).max(1e-9);
                let f = k * k / d2;
                push[i].0 += dx * f;
                push[i].1 += dy * f;
                push[j].0 -= dx * f;
                push[j].1 -= dy * f;
            }
        }
        for &(i, j, w) in ties {
            let (dx, dy) = (at[i].0 - at[j].0, at[i].1 - at[j].1);
            let d = (dx * dx + dy * dy).sqrt().max(1e-9);
            let f = d / k * (1.0 + w.ln());
            push[i].0 -= dx * f;
            push[i].1 -= dy * f;
            push[j].0 += dx * f;
            push[j].1 += dy * f;
        }
        for (p, f) in at.iter_mut().zip(&push) {
            // A pull to the centre keeps loose accounts in the picture.
            let (fx, fy) = (f.0 + (0.5 - p.0) * GRAVITY, f.1 + (0.5 - p.1) * GRAVITY);
            let length = (fx * fx + fy * fy).sqrt().max(1e-9);
            let moved = length.min(heat);
            p.0 += fx / length * moved;
            p.1 += fy / length * moved;
        }
    }
    // Fill the square.
    let (min_x, max_x) = at
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (min_y, max_y) = at
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
    at.iter()
        .map(|p| {
            (
                (p.0 - min_x) / (max_x - min_x).max(1e-9),
                (p.1 - min_y) / (max_y - min_y).max(1e-9),
            )
        })
        .collect()
}

/// The drawing.
fn drawing(m: &MeasuredNetwork<'_>) -> String {
    let nodes = drawn(m);
    if nodes.is_empty() {
        return "<p>No account talks to another here: there is nothing to draw.</p>".into();
    }
    let place: BTreeMap<usize, usize> = nodes.iter().enumerate().map(|(i, &a)| (a, i)).collect();
    let mut pairs: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for e in m.network.edges.iter().filter(|e| !e.is_self_loop()) {
        if let (Some(&s), Some(&t)) = (place.get(&e.source), place.get(&e.target)) {
            *pairs.entry((s.min(t), s.max(t))).or_default() += e.weight as f64;
        }
    }
    let ties: Vec<(usize, usize, f64)> = pairs.iter().map(|(&(s, t), &w)| (s, t, w)).collect();
    let unit = layout(nodes.len(), &ties, m.measures.options.seed);
    let margin = 24.0;
    let at: Vec<(f64, f64)> = unit
        .iter()
        .map(|p| {
            (
                margin + p.0 * (W - 2.0 * margin),
                margin + p.1 * (H - 2.0 * margin),
            )
        })
        .collect();
    let top_rank = nodes
        .iter()
        .map(|&a| m.measures.accounts[a].pagerank)
        .fold(0.0, f64::max)
        .max(1e-12);
    let radius = |a: usize| 3.0 + 7.0 * (m.measures.accounts[a].pagerank / top_rank).sqrt();
    let hosts = nodes
        .iter()
        .filter(|&&a| m.network.accounts[a].host)
        .count();
    // The strongest ties are drawn; ties by their accounts' order.
    let mut drawn_ties = ties.clone();
    drawn_ties.sort_by(|x, y| y.2.total_cmp(&x.2).then((x.0, x.1).cmp(&(y.0, y.1))));
    let all_ties = drawn_ties.len();
    drawn_ties.truncate(MAX_LINES);
    let desc = format!(
        "The {} most connected of {} accounts, each a dot sized by PageRank and coloured by community; lines join accounts that talk, thicker for more posts{}. {} Labelled: {}.",
        nodes.len(),
        crate::words::thousands(m.network.accounts.len() as u64),
        if all_ties > MAX_LINES {
            format!(
                " (the {} strongest of {} ties between them)",
                crate::words::thousands(MAX_LINES as u64),
                crate::words::thousands(all_ties as u64)
            )
        } else {
            String::new()
        },
        if hosts > 0 {
            format!("{hosts} hosts are outlined in black.")
        } else {
            String::new()
        },
        "hosts and the accounts that bridge most"
    );
    let mut out = svg::open("network-drawing", W, H, "Who talks to whom", &desc);
    // Widths from 0.5 to 2.5 by the log of the weight, the heaviest widest.
    let heaviest = drawn_ties.first().map_or(1.0, |t| t.2).max(2.0).ln();
    for &(s, t, w) in &drawn_ties {
        let _ = write!(
            out,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#8c959f\" stroke-opacity=\"0.45\" stroke-width=\"{:.2}\"/>",
            at[s].0,
            at[s].1,
            at[t].0,
            at[t].1,
            0.5 + 2.0 * w.ln().max(0.0) / heaviest
        );
    }
    for (i, &a) in nodes.iter().enumerate() {
        let account = &m.network.accounts[a];
        let _ = write!(
            out,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{:.1}\" fill=\"{}\"{}><title>{}</title></circle>",
            at[i].0,
            at[i].1,
            radius(a),
            colour(m.measures.accounts[a].community),
            if account.host {
                " stroke=\"#000\" stroke-width=\"2.5\""
            } else {
                " stroke=\"#fff\" stroke-width=\"0.8\""
            },
            escape_html(&account.handle)
        );
    }
    // Labels: hosts, then the top bridges, where they fit without
    // overlapping another label or leaving the drawing.
    let mut wanted: Vec<usize> = nodes
        .iter()
        .copied()
        .filter(|&a| m.network.accounts[a].host)
        .collect();
    for a in m.measures.bridges(5) {
        if place.contains_key(&a) && !wanted.contains(&a) {
            wanted.push(a);
        }
    }
    let mut placed: Vec<(f64, f64, f64, f64)> = Vec::new();
    for a in wanted {
        let i = place[&a];
        let label = svg::fit(&m.network.accounts[a].handle, 160.0, FONT);
        let width = text_width(&label, FONT);
        let r = radius(a);
        let (x, y) = at[i];
        let candidates = [
            (x + r + 3.0, y + 4.0, "start"),
            (x - r - 3.0, y + 4.0, "end"),
            (x, y - r - 4.0, "middle"),
            (x, y + r + 13.0, "middle"),
        ];
        for (lx, ly, anchor) in candidates {
            let left = match anchor {
                "start" => lx,
                "end" => lx - width,
                _ => lx - width / 2.0,
            };
            let b = (left, ly - FONT, left + width, ly + 3.0);
            let inside = b.0 >= 0.0 && b.2 <= W && b.1 >= 0.0 && b.3 <= H;
            let clear = placed
                .iter()
                .all(|p| b.2 < p.0 || b.0 > p.2 || b.3 < p.1 || b.1 > p.3);
            if inside && clear {
                placed.push(b);
                svg::text(&mut out, lx, ly, anchor, "node-label", &label);
                break;
            }
        }
    }
    out.push_str("</svg>");
    let mut key = String::from("<ul class=\"legend\">");
    for c in m
        .measures
        .communities
        .iter()
        .filter(|c| c.members.len() > 1)
        .take(COLOURED)
    {
        let _ = write!(
            key,
            "<li><i style=\"background:{}\"></i>community {} ({} accounts)</li>",
            colour(c.id),
            c.id,
            c.members.len()
        );
    }
    key.push_str("<li><i style=\"background:#BBBBBB\"></i>other communities</li></ul>");
    format!("<div class=\"chart-wrap\">{out}</div>{key}")
}

/// A measure to three significant figures.
fn figure(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else {
        let digits = (2 - x.abs().log10().floor() as i32).max(0) as usize;
        format!("{x:.digits$}")
    }
}

/// The accounts that bridge most.
fn bridges_table(m: &MeasuredNetwork<'_>) -> String {
    let bridges = m.measures.bridges(BRIDGES);
    if bridges.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<h3>Accounts that bridge</h3><div class=\"scroll\"><table class=\"data\"><thead><tr><th>account</th><th>host</th><th class=\"n\">community</th><th class=\"n\">betweenness</th><th class=\"n\">communities reached</th><th class=\"n\">PageRank</th><th class=\"n\">posts</th></tr></thead><tbody>",
    );
    for a in bridges {
        let account = &m.network.accounts[a];
        let x = &m.measures.accounts[a];
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape_html(&account.handle),
            if account.host { "host" } else { "" },
            x.community,
            figure(x.betweenness),
            x.communities_reached,
            figure(x.pagerank),
            crate::words::thousands(account.posts)
        );
    }
    out.push_str("</tbody></table></div>");
    out
}

/// The largest communities.
fn communities_table(m: &MeasuredNetwork<'_>) -> String {
    let mut out = String::from(
        "<h3>Communities</h3><div class=\"scroll\"><table class=\"data\"><thead><tr><th class=\"n\">community</th><th class=\"n\">accounts</th><th class=\"n\">hosts</th><th>most central accounts</th><th>dominant themes</th></tr></thead><tbody>",
    );
    let mut rows = 0;
    for c in m
        .measures
        .communities
        .iter()
        .filter(|c| c.members.len() > 1)
        .take(COMMUNITIES)
    {
        rows += 1;
        let hosts = c
            .members
            .iter()
            .filter(|&&a| m.network.accounts[a].host)
            .count();
        let _ = write!(
            out,
            "<tr><td class=\"n\"><i class=\"swatch\" style=\"background:{}\"></i>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
            colour(c.id),
            c.id,
            crate::words::thousands(c.members.len() as u64),
            hosts,
            escape_html(&top_accounts(m, c, 3)),
            escape_html(&dominant_themes(m, c))
        );
    }
    out.push_str("</tbody></table></div>");
    if rows == 0 {
        return String::new();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_is_the_same_for_a_seed_and_fills_the_square() {
        let ties = [(0, 1, 1.0), (1, 2, 2.0), (3, 4, 1.0)];
        let a = layout(5, &ties, 3);
        assert_eq!(a, layout(5, &ties, 3));
        assert_ne!(a, layout(5, &ties, 4));
        for p in &a {
            assert!(
                (0.0..=1.0).contains(&p.0) && (0.0..=1.0).contains(&p.1),
                "{a:?}"
            );
        }
        assert!(a.iter().any(|p| p.0 == 0.0) && a.iter().any(|p| p.1 == 1.0));
        assert_eq!(layout(1, &[], 3), [(0.5, 0.5)]);
    }

    #[test]
    fn figures_keep_three_significant_digits() {
        assert_eq!(figure(0.0), "0");
        assert_eq!(figure(0.123456), "0.123");
        assert_eq!(figure(0.000_412_9), "0.000413");
        assert_eq!(figure(1.5), "1.50");
    }
}
