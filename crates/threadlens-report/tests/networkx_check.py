"""Check a folder written by threadlens's network code against NetworkX,
the reference implementation. Run by .ci/run after the tests; exits
non-zero on any difference.

1. The graph files: GraphML and GEXF, read by NetworkX, hold the network
   of the CSV tables (the same nodes with the same attributes, the same
   edges (source, target, kind) with the same weights).
2. The measures, recomputed here from the exported GraphML as
   docs/networks.md defines them (self-loops left out, the kinds of a pair
   summed): weighted in/out degree exactly; PageRank (alpha 0.85, weighted),
   betweenness (directed, hop counts, normalised; only when exact) and
   clustering (undirected, unweighted) within 1e-6 of NetworkX's; the
   modularity of threadlens's communities within 0.02 of the modularity of
   NetworkX's own Louvain on the same undirected weighted graph, at the same
   resolution (and equal to the manifest's when there is one); communities
   reached exactly."""

import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import networkx as nx

TOLERANCE = 1e-6
MODULARITY_TOLERANCE = 0.02

folder = Path(sys.argv[1])
accounts = {row["node_id"]: row for row in csv.DictReader(open(folder / "network_accounts.csv"))}
rows = list(csv.DictReader(open(folder / "network_edges.csv")))
edges = Counter()
for row in rows:
    edges[(row["source"], row["target"], row["kind"])] += int(row["weight"])

# 1. The graph files.
for name, graph in [
    ("graphml", nx.read_graphml(folder / "network.graphml")),
    ("gexf", nx.read_gexf(folder / "network.gexf")),
]:
    assert graph.is_directed(), name
    assert set(graph.nodes) == set(accounts), (name, set(graph.nodes) ^ set(accounts))
    for node, data in graph.nodes(data=True):
        row = accounts[node]
        assert int(data["posts"]) == int(row["posts"]), (name, node, data)
        assert str(data["handle"]) == row["handle"], (name, node, data)
        assert int(data["community"]) == int(row["community"]), (name, node, data)
        assert abs(float(data["pagerank"]) - float(row["pagerank"])) < 1e-15, (name, node)
        if row["followers"]:
            assert int(data["followers"]) == int(row["followers"]), (name, node, data)
    found = Counter()
    for source, target, data in graph.edges(data=True):
        kind = data.get("kind") or data.get("label")
        found[(source, target, kind)] += int(float(data["weight"]))
    assert found == edges, (name, found - edges, edges - found)
    print(f"{name}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges, as the tables")

# 2. The measures, on the exported graph as NetworkX reads it.
exported = nx.read_graphml(folder / "network.graphml")
directed = nx.DiGraph()
directed.add_nodes_from(exported.nodes)
for source, target, data in exported.edges(data=True):
    if source == target:
        continue
    weight = float(data["weight"])
    if directed.has_edge(source, target):
        directed[source][target]["weight"] += weight
    else:
        directed.add_edge(source, target, weight=weight)
undirected = nx.Graph()
undirected.add_nodes_from(accounts)
for source, target, data in directed.edges(data=True):
    if undirected.has_edge(source, target):
        undirected[source][target]["weight"] += data["weight"]
    else:
        undirected.add_edge(source, target, weight=data["weight"])

manifest_path = folder / "manifest.json"
manifest = json.load(open(manifest_path)).get("network") if manifest_path.exists() else None
exact = manifest is None or manifest["betweenness"] == "exact"

pagerank = nx.pagerank(directed, alpha=0.85, weight="weight", tol=1e-14, max_iter=100_000)
betweenness = nx.betweenness_centrality(directed, normalized=True) if exact else None
clustering = nx.clustering(nx.Graph(undirected.edges()) if undirected.number_of_edges() else undirected)
worst = Counter()


def close(measure, node, ours, reference):
    gap = abs(ours - reference)
    worst[measure] = max(worst[measure], gap)
    assert gap <= TOLERANCE, (measure, node, ours, reference)


for node, row in accounts.items():
    assert int(row["in_weight"]) == directed.in_degree(node, weight="weight"), (node, row)
    assert int(row["out_weight"]) == directed.out_degree(node, weight="weight"), (node, row)
    close("pagerank", node, float(row["pagerank"]), pagerank[node])
    if betweenness is not None:
        close("betweenness", node, float(row["betweenness"]), betweenness[node])
    close("clustering", node, float(row["clustering"]), clustering.get(node, 0.0))

community_of = {node: int(row["community"]) for node, row in accounts.items()}
for node, row in accounts.items():
    reached = {community_of[n] for n in undirected.neighbors(node)} - {community_of[node]}
    assert len(reached) == int(row["communities_reached"]), (node, reached, row)

groups = defaultdict(set)
for node, community in community_of.items():
    groups[community].add(node)
partition = list(groups.values())
if undirected.number_of_edges():
    ours = nx.community.modularity(undirected, partition, weight="weight", resolution=1)
    reference_partition = nx.community.louvain_communities(undirected, weight="weight", resolution=1, seed=1)
    reference = nx.community.modularity(undirected, reference_partition, weight="weight", resolution=1)
    assert abs(ours - reference) <= MODULARITY_TOLERANCE, ("modularity", ours, reference)
    if manifest is not None:
        assert abs(manifest["modularity"] - ours) < 1e-9, ("manifest modularity", manifest["modularity"], ours)
    print(
        f"measures: {len(accounts)} accounts; largest gaps to NetworkX: "
        + ", ".join(f"{k} {v:.1e}" for k, v in sorted(worst.items()))
        + f"{'' if exact else ' (betweenness sampled: not compared)'}; "
        f"modularity {ours:.4f} vs NetworkX Louvain {reference:.4f} ({len(partition)} vs {len(reference_partition)} communities)"
    )
else:
    print(f"measures: {len(accounts)} accounts, no ties; degrees and PageRank as NetworkX")
