//! The graph files Gephi and NetworkX read: GraphML and GEXF 1.2, with
//! the measures as node attributes.

use std::fmt::Write as _;
use std::path::Path;

use super::{MeasuredNetwork, edge_attributes, node_attributes, node_id, node_values};
use crate::{Error, Result};

/// `text` escaped for an XML attribute or element (as for HTML), without
/// the control characters XML 1.0 cannot hold at all.
fn xml(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|&c| (c as u32) >= 0x20 || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    crate::escape_html(&kept)
}

/// The edge attributes besides the weight, as [`edge_attributes`] gives
/// them: name and type.
const EDGE_ATTRIBUTES: [(&str, &str); 4] = [
    ("kind", "string"),
    ("first", "string"),
    ("last", "string"),
    ("self_loop", "boolean"),
];

/// The network as GraphML (directed; parallel edges of different kinds).
pub fn graphml(m: &MeasuredNetwork<'_>) -> String {
    let network = m.network;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n",
    );
    let attributes = node_attributes(m);
    for (name, kind) in &attributes {
        let _ = writeln!(
            out,
            "<key id=\"{0}\" for=\"node\" attr.name=\"{0}\" attr.type=\"{kind}\"/>",
            xml(name)
        );
    }
    out.push_str("<key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n");
    for (name, kind) in EDGE_ATTRIBUTES {
        let _ = writeln!(
            out,
            "<key id=\"{name}\" for=\"edge\" attr.name=\"{name}\" attr.type=\"{kind}\"/>"
        );
    }
    out.push_str("<graph id=\"threadlens\" edgedefault=\"directed\">\n");
    for (a, account) in network.accounts.iter().enumerate() {
        let _ = write!(out, "<node id=\"{}\">", xml(&node_id(account)));
        for ((name, _), value) in attributes.iter().zip(node_values(m, a)) {
            if let Some(value) = value.written() {
                let _ = write!(out, "<data key=\"{}\">{}</data>", xml(name), xml(&value));
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
pub fn gexf(m: &MeasuredNetwork<'_>) -> String {
    let network = m.network;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gexf xmlns=\"http://www.gexf.net/1.2draft\" version=\"1.2\">\n<graph defaultedgetype=\"directed\" mode=\"static\">\n<attributes class=\"node\">\n",
    );
    if network.accounts.is_empty() {
        out.push_str("</attributes>\n<nodes/>\n<edges/>\n</graph>\n</gexf>\n");
        return out;
    }
    let attributes = node_attributes(m);
    for (i, (name, kind)) in attributes.iter().enumerate() {
        let _ = writeln!(
            out,
            "<attribute id=\"{i}\" title=\"{}\" type=\"{kind}\"/>",
            xml(name)
        );
    }
    out.push_str("</attributes>\n<attributes class=\"edge\">\n");
    for (i, (name, kind)) in EDGE_ATTRIBUTES.iter().enumerate() {
        let _ = writeln!(
            out,
            "<attribute id=\"{i}\" title=\"{name}\" type=\"{kind}\"/>"
        );
    }
    out.push_str("</attributes>\n<nodes>\n");
    for (a, account) in network.accounts.iter().enumerate() {
        let _ = write!(
            out,
            "<node id=\"{}\" label=\"{}\"><attvalues>",
            xml(&node_id(account)),
            xml(&account.handle)
        );
        for (i, value) in node_values(m, a).iter().enumerate() {
            if let Some(value) = value.written() {
                let _ = write!(out, "<attvalue for=\"{i}\" value=\"{}\"/>", xml(&value));
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
