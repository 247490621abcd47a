"""Read the graph files the report crate's tests write (target/e2e/network)
with NetworkX and check they hold the network of the CSV tables: the same
nodes with the same attributes, the same edges (source, target, kind) with
the same weights. Run by .ci/run after the tests; exits non-zero on any
difference."""

import csv
import sys
from collections import Counter
from pathlib import Path

import networkx as nx

folder = Path(sys.argv[1])
accounts = {row["node_id"]: row for row in csv.DictReader(open(folder / "network_accounts.csv"))}
edges = Counter()
for row in csv.DictReader(open(folder / "network_edges.csv")):
    edges[(row["source"], row["target"], row["kind"])] += int(row["weight"])

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
        if row["followers"]:
            assert int(data["followers"]) == int(row["followers"]), (name, node, data)
    found = Counter()
    for source, target, data in graph.edges(data=True):
        kind = data.get("kind") or data.get("label")
        found[(source, target, kind)] += int(float(data["weight"]))
    assert found == edges, (name, found - edges, edges - found)
    print(f"{name}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges, as the tables")
