"""How far each peer's per-post counts agree with threadlens's, on the
posts where their tokenizers agree: text of plain ASCII words and
punctuation only (no hashtags, mentions, links, digits, apostrophes,
hyphens or other characters).

    python agree.py CORPUS.jsonl LEXICON.toml POST_SCORES.parquet NAME=CSV...

LEXICON is the one threadlens scored with; a peer names a theme by its id
or its label (a LIWC category); its CSV is wide (post_id, then one column
per theme) or long (post_id, category, n).
"""
import csv
import json
import re
import sys
from collections import defaultdict

import tomllib

import pyarrow.parquet as pq

corpus, lexicon, scores, *peers = sys.argv[1:]
with open(lexicon, "rb") as f:
    declared = tomllib.load(f)["theme"]
themes = [t["id"] for t in declared]
# A peer's name for a theme (its id or its label) -> the theme's place.
place = {name: i for i, t in enumerate(declared) for name in (t["id"], t["label"])}
plain_text = re.compile(r"[A-Za-z ,.!?:;]+")
plain, every = set(), set()
with open(corpus, encoding="utf-8") as f:
    for line in f:
        r = json.loads(line)
        if r.get("kind") == "repost":
            continue
        every.add(r["id"])
        if plain_text.fullmatch(r["text"]):
            plain.add(r["id"])

table = pq.read_table(scores, columns=["post_id", *(f"{t}_hits" for t in themes)]).to_pydict()
ours = {
    pid: [table[f"{t}_hits"][i] for t in themes] for i, pid in enumerate(table["post_id"])
}


def read_peer(path):
    counts = defaultdict(lambda: [0] * len(themes))
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.DictReader(f)
        long = "category" in rows.fieldnames
        for row in rows:
            pid = row["post_id"]
            if long:
                if row["category"] in place:
                    counts[pid][place[row["category"]]] += int(row["n"])
            else:
                for name, value in row.items():
                    if name in place:
                        counts[pid][place[name]] = int(value or 0)
    return counts


def compare(theirs, ids):
    pairs = same = posts_same = 0
    per_theme = [0] * len(themes)
    for pid in ids:
        mine = ours.get(pid, [0] * len(themes))
        other = theirs.get(pid, [0] * len(themes))
        agree = [a == b for a, b in zip(mine, other)]
        pairs += len(agree)
        same += sum(agree)
        posts_same += all(agree)
        for i, ok in enumerate(agree):
            per_theme[i] += ok
    worst = sorted(zip(per_theme, themes))[:3]
    return (
        f"{100 * same / max(pairs, 1):.1f}% of post×theme counts equal, "
        f"{100 * posts_same / max(len(ids), 1):.1f}% of posts equal on every theme; "
        "least: " + ", ".join(f"{t} {100 * n / max(len(ids), 1):.1f}%" for n, t in worst)
    )


for peer in peers:
    name, path = peer.split("=", 1)
    theirs = read_peer(path)
    print(f"  {name}, {len(plain)} posts of plain ASCII words: {compare(theirs, plain)}")
    print(f"  {name}, all {len(every)} posts: {compare(theirs, every)}")
