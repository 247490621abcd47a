//! A conversation network ([`threadlens_network::Network`]) as tables
//! (`network_accounts`, `network_edges`, written by every table writer) and
//! as the graph files Gephi and NetworkX read: GraphML and GEXF 1.2. Nodes
//! are named `platform:handle` (the handle as compared); edges are directed,
//! one per source, target and kind, with `weight`, `first`, `last` and
//! `self_loop`.

use std::fmt::Write as _;
use std::path::Path;

use chrono::SecondsFormat;
use polars::prelude::*;
use threadlens_network::{Account, Network};

use crate::{Error, Result, Table};

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
    network: &Network,
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
            graphml as fn(&Network) -> String,
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
fn node_id(account: &Account) -> String {
    format!("{}:{}", account.platform.as_str(), account.key)
}

fn time(t: threadlens_model::Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The network as two tables: accounts, then edges.
pub fn network_tables(network: &Network) -> PolarsResult<Vec<Table>> {
    let a = &network.accounts;
    let accounts = df!(
        "node_id" => a.iter().map(node_id).collect::<Vec<_>>(),
        "platform" => a.iter().map(|x| x.platform.as_str()).collect::<Vec<_>>(),
        "handle" => a.iter().map(|x| x.handle.as_str()).collect::<Vec<_>>(),
        "posts" => a.iter().map(|x| x.posts).collect::<Vec<_>>(),
        "replies_sent" => a.iter().map(|x| x.replies_sent).collect::<Vec<_>>(),
        "replies_received" => a.iter().map(|x| x.replies_received).collect::<Vec<_>>(),
        "followers" => a.iter().map(|x| x.followers).collect::<Vec<_>>(),
        "first_post" => a.iter().map(|x| x.active.map(|t| time(t.0))).collect::<Vec<_>>(),
        "last_post" => a.iter().map(|x| x.active.map(|t| time(t.1))).collect::<Vec<_>>(),
    )?;
    let e = &network.edges;
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
    ])
}

/// `text` escaped for an XML attribute or element (as for HTML), without
/// the control characters XML 1.0 cannot hold at all.
fn xml(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|&c| (c as u32) >= 0x20 || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    crate::escape_html(&kept)
}

/// A node's attributes: name, type (GraphML and GEXF spell them alike),
/// value (`None`: not known).
fn node_attributes(account: &Account) -> [(&'static str, &'static str, Option<String>); 8] {
    [
        (
            "platform",
            "string",
            Some(account.platform.as_str().to_owned()),
        ),
        ("handle", "string", Some(account.handle.clone())),
        ("posts", "long", Some(account.posts.to_string())),
        (
            "replies_sent",
            "long",
            Some(account.replies_sent.to_string()),
        ),
        (
            "replies_received",
            "long",
            Some(account.replies_received.to_string()),
        ),
        (
            "followers",
            "long",
            account.followers.map(|f| f.to_string()),
        ),
        ("first_post", "string", account.active.map(|t| time(t.0))),
        ("last_post", "string", account.active.map(|t| time(t.1))),
    ]
}

/// An edge's attributes, as for nodes (`weight` is the edge's own in GEXF).
fn edge_attributes(network: &Network, e: usize) -> [(&'static str, &'static str, String); 4] {
    let edge = &network.edges[e];
    [
        ("kind", "string", edge.kind.name().to_owned()),
        ("first", "string", time(edge.first)),
        ("last", "string", time(edge.last)),
        ("self_loop", "boolean", edge.is_self_loop().to_string()),
    ]
}

/// The network as GraphML (directed; parallel edges of different kinds).
pub fn graphml(network: &Network) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n",
    );
    let blank = Account {
        platform: threadlens_model::Platform::Import,
        key: String::new(),
        handle: String::new(),
        posts: 0,
        replies_sent: 0,
        replies_received: 0,
        followers: None,
        active: None,
        hits: Vec::new(),
        host: false,
    };
    for (name, kind, _) in node_attributes(&blank) {
        let _ = writeln!(
            out,
            "<key id=\"{name}\" for=\"node\" attr.name=\"{name}\" attr.type=\"{kind}\"/>"
        );
    }
    out.push_str("<key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n");
    for (name, kind) in [
        ("kind", "string"),
        ("first", "string"),
        ("last", "string"),
        ("self_loop", "boolean"),
    ] {
        let _ = writeln!(
            out,
            "<key id=\"{name}\" for=\"edge\" attr.name=\"{name}\" attr.type=\"{kind}\"/>"
        );
    }
    out.push_str("<graph id=\"threadlens\" edgedefault=\"directed\">\n");
    for account in &network.accounts {
        let _ = write!(out, "<node id=\"{}\">", xml(&node_id(account)));
        for (name, _, value) in node_attributes(account) {
            if let Some(value) = value {
                let _ = write!(out, "<data key=\"{name}\">{}</data>", xml(&value));
            }
        }
        out.push_str("</node>\n");
    }
    for (e, edge) in network.edges.iter().enumerate() {
        let _ = write!(
            out,
            "<edge id=\"e{e}\" source=\"{}\" target=\"{}\"><data key=\"weight\">{}</data>",
            xml(&node_id(&network.accounts[edge.source])),
            xml(&node_id(&network.accounts[edge.target])),
            edge.weight
        );
        for (name, _, value) in edge_attributes(network, e) {
            let _ = write!(out, "<data key=\"{name}\">{}</data>", xml(&value));
        }
        out.push_str("</edge>\n");
    }
    out.push_str("</graph>\n</graphml>\n");
    out
}

/// The network as GEXF 1.2 (directed, static; node labels are handles).
pub fn gexf(network: &Network) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gexf xmlns=\"http://www.gexf.net/1.2draft\" version=\"1.2\">\n<graph defaultedgetype=\"directed\" mode=\"static\">\n<attributes class=\"node\">\n",
    );
    let Some(first) = network.accounts.first() else {
        out.push_str("</attributes>\n<nodes/>\n<edges/>\n</graph>\n</gexf>\n");
        return out;
    };
    for (i, (name, kind, _)) in node_attributes(first).iter().enumerate() {
        let _ = writeln!(
            out,
            "<attribute id=\"{i}\" title=\"{name}\" type=\"{kind}\"/>"
        );
    }
    out.push_str("</attributes>\n<attributes class=\"edge\">\n");
    for (i, (name, kind)) in [
        ("kind", "string"),
        ("first", "string"),
        ("last", "string"),
        ("self_loop", "boolean"),
    ]
    .iter()
    .enumerate()
    {
        let _ = writeln!(
            out,
            "<attribute id=\"{i}\" title=\"{name}\" type=\"{kind}\"/>"
        );
    }
    out.push_str("</attributes>\n<nodes>\n");
    for account in &network.accounts {
        let _ = write!(
            out,
            "<node id=\"{}\" label=\"{}\"><attvalues>",
            xml(&node_id(account)),
            xml(&account.handle)
        );
        for (i, (_, _, value)) in node_attributes(account).iter().enumerate() {
            if let Some(value) = value {
                let _ = write!(out, "<attvalue for=\"{i}\" value=\"{}\"/>", xml(value));
            }
        }
        out.push_str("</attvalues></node>\n");
    }
    out.push_str("</nodes>\n<edges>\n");
    for (e, edge) in network.edges.iter().enumerate() {
        let _ = write!(
            out,
            "<edge id=\"{e}\" source=\"{}\" target=\"{}\" weight=\"{}\" label=\"{}\"><attvalues>",
            xml(&node_id(&network.accounts[edge.source])),
            xml(&node_id(&network.accounts[edge.target])),
            edge.weight,
            edge.kind.name()
        );
        for (i, (_, _, value)) in edge_attributes(network, e).iter().enumerate() {
            let _ = write!(out, "<attvalue for=\"{i}\" value=\"{}\"/>", xml(value));
        }
        out.push_str("</attvalues></edge>\n");
    }
    out.push_str("</edges>\n</graph>\n</gexf>\n");
    out
}

/// Write `text` to `path`, atomically.
pub fn write_graph_file(path: &Path, text: &str) -> Result<()> {
    threadlens_store::write_atomically(path, |out| {
        std::io::Write::write_all(out, text.as_bytes()).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })
    })
}

#[cfg(test)]
mod tests {
    use threadlens_model::{Platform, Post, PostKind, parse_timestamp};
    use threadlens_network::NetworkBuilder;

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
        builder.add(&a);
        builder.add(&b);
        builder.finish()
    }

    #[test]
    fn tables_name_nodes_by_platform_and_handle() {
        let tables = network_tables(&tiny()).unwrap();
        let edges = &tables[1].frame;
        assert_eq!(tables[0].frame.height(), 2);
        assert_eq!(edges.height(), 2);
        let source = edges.column("source").unwrap().str().unwrap();
        assert_eq!(source.get(0), Some("x:a&b<co>"));
        assert_eq!(source.get(1), Some("x:bob"));
        let kind = edges.column("kind").unwrap().str().unwrap();
        assert_eq!((kind.get(0), kind.get(1)), (Some("mention"), Some("reply")));
    }

    #[test]
    fn graph_files_escape_and_carry_weights() {
        let network = tiny();
        let g = graphml(&network);
        assert!(g.contains("<node id=\"x:a&amp;b&lt;co&gt;\">"), "{g}");
        assert!(g.contains("<data key=\"handle\">A&amp;B&lt;co&gt;</data>"));
        assert!(g.contains("source=\"x:bob\" target=\"x:a&amp;b&lt;co&gt;\"><data key=\"weight\">1</data><data key=\"kind\">reply</data>"), "{g}");
        assert!(!g.contains("<co>"));
        let x = gexf(&network);
        assert!(x.contains("label=\"A&amp;B&lt;co&gt;\""), "{x}");
        assert!(x.contains("weight=\"1\" label=\"mention\""), "{x}");
        assert_eq!(x.matches("<edge ").count(), 2);
        let empty = gexf(&NetworkBuilder::new().finish());
        assert!(empty.contains("<nodes/>"));
    }
}
