//! A conversation network ([`threadlens_network::Network`]) as tables
//! (`network_accounts`, `network_edges`, written by every table writer) and
//! as the graph files Gephi and NetworkX read: GraphML and GEXF 1.2. Nodes
//! are named `platform:handle` (the handle as compared); edges are directed,
//! one per source, target and kind, with `weight`, `first`, `last` and
//! `self_loop`.

use std::path::Path;

use chrono::SecondsFormat;
use polars::prelude::*;
use threadlens_network::{Account, Community, Measures, Network};

use crate::{Error, Result, Table};

mod files;
mod slots;

pub use files::{gexf, graphml, write_graph_file};
pub use slots::{
    SlotNetwork, attribute_posts, first_slots, network_slots_table, schedule_hosts, slot_network,
};

/// A network with its measures, and what the tables and files say
/// alongside them.
#[derive(Debug, Clone, Copy)]
pub struct MeasuredNetwork<'a> {
    /// The accounts and edges.
    pub network: &'a Network,
    /// Their measures.
    pub measures: &'a Measures,
    /// Theme ids, in lexicon order, for the `<theme>_hits` columns (empty:
    /// none).
    pub themes: &'a [String],
    /// With a schedule: per account, the first slot its posts are
    /// attributed to (`None`: none of its posts is in a slot).
    pub first_slot: Option<&'a [Option<String>]>,
}

/// The GraphML file's name.
pub const GRAPHML_FILE: &str = "network.graphml";

/// The GEXF file's name.
pub const GEXF_FILE: &str = "network.gexf";

/// A file format `threadlens network` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    /// The two tables as CSV.
    Csv,
    /// The two tables as Parquet.
    Parquet,
    /// `network.graphml`.
    Graphml,
    /// `network.gexf`.
    Gexf,
}

impl GraphFormat {
    /// Every format.
    pub const ALL: [GraphFormat; 4] = [
        GraphFormat::Csv,
        GraphFormat::Parquet,
        GraphFormat::Graphml,
        GraphFormat::Gexf,
    ];

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            GraphFormat::Csv => "csv",
            GraphFormat::Parquet => "parquet",
            GraphFormat::Graphml => "graphml",
            GraphFormat::Gexf => "gexf",
        }
    }

    /// What it writes, in a line (for `--help`).
    pub fn description(self) -> &'static str {
        match self {
            GraphFormat::Csv => "network_accounts.csv and network_edges.csv",
            GraphFormat::Parquet => "network_accounts.parquet and network_edges.parquet",
            GraphFormat::Graphml => "network.graphml (NetworkX read_graphml, Gephi, yEd)",
            GraphFormat::Gexf => "network.gexf, GEXF 1.2 (Gephi, NetworkX read_gexf)",
        }
    }
}

/// Write `network` into `out_dir` in `formats`; the paths written.
pub fn write_network(
    out_dir: &Path,
    network: &MeasuredNetwork<'_>,
    formats: &[GraphFormat],
) -> Result<Vec<std::path::PathBuf>> {
    let mut written = Vec::new();
    let table_formats: Vec<crate::TableFormat> = formats
        .iter()
        .filter_map(|f| match f {
            GraphFormat::Csv => Some(crate::TableFormat::Csv),
            GraphFormat::Parquet => Some(crate::TableFormat::Parquet),
            _ => None,
        })
        .collect();
    if !table_formats.is_empty() {
        let tables = network_tables(network).map_err(|e| Error::Io {
            path: out_dir.to_owned(),
            source: std::io::Error::other(e.to_string()),
        })?;
        written.extend(crate::write_tables(out_dir, &tables, &table_formats, None)?);
    }
    for (format, file, text) in [
        (
            GraphFormat::Graphml,
            GRAPHML_FILE,
            graphml as fn(&MeasuredNetwork<'_>) -> String,
        ),
        (GraphFormat::Gexf, GEXF_FILE, gexf),
    ] {
        if formats.contains(&format) {
            let path = out_dir.join(file);
            write_graph_file(&path, &text(network))?;
            written.push(path);
        }
    }
    Ok(written)
}

/// A node's id: `platform:handle`.
pub(crate) fn node_id(account: &Account) -> String {
    format!("{}:{}", account.platform.as_str(), account.key)
}

fn time(t: threadlens_model::Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// One value of a node attribute.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NodeValue {
    /// Text.
    Text(String),
    /// A count.
    Count(u64),
    /// A measure.
    Real(f64),
    /// Yes or no.
    Flag(bool),
    /// Not known.
    Missing,
}

impl NodeValue {
    /// As written in a graph file (`None`: left out).
    pub(crate) fn written(&self) -> Option<String> {
        match self {
            NodeValue::Text(t) => Some(t.clone()),
            NodeValue::Count(n) => Some(n.to_string()),
            NodeValue::Real(x) => Some(x.to_string()),
            NodeValue::Flag(b) => Some(b.to_string()),
            NodeValue::Missing => None,
        }
    }
}

/// The node attributes, in column order: name and type (GraphML and GEXF
/// spell the types alike).
pub(crate) fn node_attributes(m: &MeasuredNetwork<'_>) -> Vec<(String, &'static str)> {
    let mut names: Vec<(String, &'static str)> = [
        ("platform", "string"),
        ("handle", "string"),
        ("host", "boolean"),
    ]
    .into_iter()
    .map(|(n, t)| (n.to_owned(), t))
    .collect();
    if m.first_slot.is_some() {
        names.push(("first_slot".into(), "string"));
    }
    for (n, t) in [
        ("posts", "long"),
        ("replies_sent", "long"),
        ("replies_received", "long"),
        ("followers", "long"),
        ("first_post", "string"),
        ("last_post", "string"),
        ("in_weight", "long"),
        ("out_weight", "long"),
        ("pagerank", "double"),
        ("betweenness", "double"),
        ("clustering", "double"),
        ("community", "long"),
        ("communities_reached", "long"),
    ] {
        names.push((n.to_owned(), t));
    }
    for theme in m.themes {
        names.push((format!("{theme}_hits"), "long"));
    }
    names
}

/// Account `a`'s values, in the order of [`node_attributes`].
pub(crate) fn node_values(m: &MeasuredNetwork<'_>, a: usize) -> Vec<NodeValue> {
    use NodeValue::*;
    let account = &m.network.accounts[a];
    let measures = &m.measures.accounts[a];
    let mut values = vec![
        Text(account.platform.as_str().to_owned()),
        Text(account.handle.clone()),
        Flag(account.host),
    ];
    if let Some(first_slot) = m.first_slot {
        values.push(first_slot[a].clone().map_or(Missing, Text));
    }
    values.extend([
        Count(account.posts),
        Count(account.replies_sent),
        Count(account.replies_received),
        account.followers.map_or(Missing, Count),
        account.active.map_or(Missing, |t| Text(time(t.0))),
        account.active.map_or(Missing, |t| Text(time(t.1))),
        Count(measures.in_weight),
        Count(measures.out_weight),
        Real(measures.pagerank),
        Real(measures.betweenness),
        Real(measures.clustering),
        Count(measures.community as u64),
        Count(measures.communities_reached as u64),
    ]);
    for t in 0..m.themes.len() {
        values.push(Count(account.hits.get(t).copied().unwrap_or(0)));
    }
    values
}

/// An edge's attributes besides its weight: name, type, value.
pub(crate) fn edge_attributes(
    network: &Network,
    e: usize,
) -> [(&'static str, &'static str, String); 4] {
    let edge = &network.edges[e];
    [
        ("kind", "string", edge.kind.name().to_owned()),
        ("first", "string", time(edge.first)),
        ("last", "string", time(edge.last)),
        ("self_loop", "boolean", edge.is_self_loop().to_string()),
    ]
}

/// The network as tables: `network_accounts`, `network_edges`,
/// `network_communities`.
pub fn network_tables(m: &MeasuredNetwork<'_>) -> PolarsResult<Vec<Table>> {
    let a = &m.network.accounts;
    let mut columns: Vec<Column> = vec![Column::new(
        "node_id".into(),
        a.iter().map(node_id).collect::<Vec<_>>(),
    )];
    let values: Vec<Vec<NodeValue>> = (0..a.len()).map(|i| node_values(m, i)).collect();
    for (c, (name, kind)) in node_attributes(m).into_iter().enumerate() {
        let cells = values.iter().map(|row| &row[c]);
        let column = match kind {
            "string" => Column::new(
                name.into(),
                cells
                    .map(|v| match v {
                        NodeValue::Text(t) => Some(t.as_str()),
                        _ => None,
                    })
                    .collect::<Vec<_>>(),
            ),
            "boolean" => Column::new(
                name.into(),
                cells
                    .map(|v| matches!(v, NodeValue::Flag(true)))
                    .collect::<Vec<_>>(),
            ),
            "double" => Column::new(
                name.into(),
                cells
                    .map(|v| match v {
                        NodeValue::Real(x) => Some(*x),
                        _ => None,
                    })
                    .collect::<Vec<_>>(),
            ),
            _ => Column::new(
                name.into(),
                cells
                    .map(|v| match v {
                        NodeValue::Count(n) => Some(*n),
                        _ => None,
                    })
                    .collect::<Vec<_>>(),
            ),
        };
        columns.push(column);
    }
    let accounts = DataFrame::new_infer_height(columns)?;
    let e = &m.network.edges;
    let edges = df!(
        "source" => e.iter().map(|x| node_id(&a[x.source])).collect::<Vec<_>>(),
        "target" => e.iter().map(|x| node_id(&a[x.target])).collect::<Vec<_>>(),
        "kind" => e.iter().map(|x| x.kind.name()).collect::<Vec<_>>(),
        "weight" => e.iter().map(|x| x.weight).collect::<Vec<_>>(),
        "first" => e.iter().map(|x| time(x.first)).collect::<Vec<_>>(),
        "last" => e.iter().map(|x| time(x.last)).collect::<Vec<_>>(),
        "self_loop" => e.iter().map(|x| x.is_self_loop()).collect::<Vec<_>>(),
    )?;
    Ok(vec![
        Table {
            name: "network_accounts",
            frame: accounts,
        },
        Table {
            name: "network_edges",
            frame: edges,
        },
        Table {
            name: "network_communities",
            frame: communities_table(m)?,
        },
    ])
}

/// Accounts named in a community's `top_accounts`.
pub const TOP_ACCOUNTS: usize = 5;

/// Themes named in a community's `dominant_themes`.
pub const DOMINANT_THEMES: usize = 3;

/// A community's `count` most central accounts' handles, `; `-separated.
pub(crate) fn top_accounts(m: &MeasuredNetwork<'_>, community: &Community, count: usize) -> String {
    community
        .members
        .iter()
        .take(count)
        .map(|&a| m.network.accounts[a].handle.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A community's themes with most hits and their share of its hits, e.g.
/// `coproduction 41%; candour 22%` (empty without hits).
pub(crate) fn dominant_themes(m: &MeasuredNetwork<'_>, community: &Community) -> String {
    let total: u64 = community.hits.iter().sum();
    let mut order: Vec<usize> = (0..community.hits.len())
        .filter(|&t| community.hits[t] > 0)
        .collect();
    order.sort_by(|&x, &y| community.hits[y].cmp(&community.hits[x]).then(x.cmp(&y)));
    order
        .into_iter()
        .take(DOMINANT_THEMES)
        .map(|t| {
            let share = 100.0 * community.hits[t] as f64 / total as f64;
            format!(
                "{} {share:.0}%",
                m.themes.get(t).map_or("?", String::as_str)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// One row per community, largest first.
fn communities_table(m: &MeasuredNetwork<'_>) -> PolarsResult<DataFrame> {
    let c = &m.measures.communities;
    let accounts = &m.network.accounts;
    let mut frame = df!(
        "community" => c.iter().map(|x| x.id as u64).collect::<Vec<_>>(),
        "accounts" => c.iter().map(|x| x.members.len() as u64).collect::<Vec<_>>(),
        "hosts" => c.iter().map(|x| x.members.iter().filter(|&&a| accounts[a].host).count() as u64).collect::<Vec<_>>(),
        "posts" => c.iter().map(|x| x.posts).collect::<Vec<_>>(),
        "inside_weight" => c.iter().map(|x| x.inside_weight).collect::<Vec<_>>(),
        "top_accounts" => c.iter().map(|x| top_accounts(m, x, TOP_ACCOUNTS)).collect::<Vec<_>>(),
        "dominant_themes" => c.iter().map(|x| dominant_themes(m, x)).collect::<Vec<_>>(),
    )?;
    for (t, theme) in m.themes.iter().enumerate() {
        frame.with_column(Column::new(
            format!("{theme}_hits").into(),
            c.iter()
                .map(|x| x.hits.get(t).copied().unwrap_or(0))
                .collect::<Vec<_>>(),
        ))?;
    }
    Ok(frame)
}

#[cfg(test)]
mod tests {
    use threadlens_model::{Platform, Post, PostKind, parse_timestamp};
    use threadlens_network::{MeasureOptions, NetworkBuilder, measure};

    use super::*;

    fn tiny() -> Network {
        let at = |m: u32| parse_timestamp(&format!("2022-06-28T09:0{m}:00Z")).unwrap();
        let mut a = Post::minimal(Platform::X, "1", at(0));
        a.author_handle = "A&B<co>".into();
        a.mentions = vec!["bob".into()];
        let mut b = Post::minimal(Platform::X, "2", at(1));
        b.author_handle = "bob".into();
        b.kind = PostKind::Reply;
        b.reply_to_post_id = Some("1".into());
        let mut builder = NetworkBuilder::new();
        builder.add_scored(&a, &[2, 0]);
        builder.add_scored(&b, &[1, 1]);
        builder.finish()
    }

    fn with<T>(network: &Network, f: impl FnOnce(&MeasuredNetwork<'_>) -> T) -> T {
        let measures = measure(network, &MeasureOptions::default());
        let themes = ["care".to_owned(), "<x>".to_owned()];
        f(&MeasuredNetwork {
            network,
            measures: &measures,
            themes: &themes,
            first_slot: None,
        })
    }

    #[test]
    fn tables_name_nodes_by_platform_and_handle() {
        let tables = with(&tiny(), |m| network_tables(m).unwrap());
        let edges = &tables[1].frame;
        assert_eq!(tables[0].frame.height(), 2);
        assert_eq!(edges.height(), 2);
        let source = edges.column("source").unwrap().str().unwrap();
        assert_eq!(source.get(0), Some("x:a&b<co>"));
        assert_eq!(source.get(1), Some("x:bob"));
        let kind = edges.column("kind").unwrap().str().unwrap();
        assert_eq!((kind.get(0), kind.get(1)), (Some("mention"), Some("reply")));
        let accounts = &tables[0].frame;
        let hits = accounts.column("care_hits").unwrap().u64().unwrap();
        assert_eq!((hits.get(0), hits.get(1)), (Some(2), Some(1)));
        assert!(accounts.column("first_slot").is_err());
        // One community of both, its hits 3 care, 1 <x>.
        let communities = &tables[2].frame;
        assert_eq!(communities.height(), 1);
        let dominant = communities
            .column("dominant_themes")
            .unwrap()
            .str()
            .unwrap();
        assert_eq!(dominant.get(0), Some("care 75%; <x> 25%"));
        let top = communities.column("top_accounts").unwrap().str().unwrap();
        assert_eq!(top.get(0), Some("A&B<co>; bob"));
    }

    #[test]
    fn graph_files_escape_and_carry_weights_and_measures() {
        let network = tiny();
        let g = with(&network, graphml);
        assert!(g.contains("<node id=\"x:a&amp;b&lt;co&gt;\">"), "{g}");
        assert!(g.contains("<data key=\"handle\">A&amp;B&lt;co&gt;</data>"));
        assert!(g.contains("source=\"x:bob\" target=\"x:a&amp;b&lt;co&gt;\"><data key=\"weight\">1</data><data key=\"kind\">reply</data>"), "{g}");
        assert!(g.contains("<key id=\"&lt;x&gt;_hits\""), "{g}");
        assert!(g.contains("<data key=\"community\">1</data>"), "{g}");
        assert!(!g.contains("<co>") && !g.contains("<x>"));
        let x = with(&network, gexf);
        assert!(x.contains("label=\"A&amp;B&lt;co&gt;\""), "{x}");
        assert!(x.contains("weight=\"1\" label=\"mention\""), "{x}");
        assert!(x.contains("title=\"pagerank\" type=\"double\""), "{x}");
        assert_eq!(x.matches("<edge ").count(), 2);
        let empty = with(&NetworkBuilder::new().finish(), gexf);
        assert!(empty.contains("<nodes/>"));
    }
}
