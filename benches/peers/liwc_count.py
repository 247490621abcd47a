"""Per-post category counts with the `liwc` package (PyPI), the way its
README shows: a regex tokenizer, lower case, `parse` on each token.

    python liwc_count.py CORPUS.jsonl DICT.dic OUT.csv
"""
import csv
import json
import re
import sys
from collections import Counter

import liwc

corpus, dic, out = sys.argv[1:4]
parse, categories = liwc.load_token_parser(dic)
token = re.compile(r"[a-z]+")
with open(corpus, encoding="utf-8") as src, open(out, "w", newline="") as dst:
    writer = csv.writer(dst)
    writer.writerow(["post_id", *categories])
    for line in src:
        record = json.loads(line)
        if record.get("kind") == "repost":
            continue
        counts = Counter(c for t in token.findall(record["text"].lower()) for c in parse(t))
        writer.writerow([record["id"], *(counts.get(c, 0) for c in categories)])
