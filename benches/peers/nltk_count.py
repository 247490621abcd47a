"""Per-post theme counts the usual notebook way: pandas reads the JSONL,
a regex tokenizer, NLTK's Snowball stemmer, and each lexicon entry matched
as a stem (plain words), a prefix (`word*`) or an exact form (`=word`);
phrases and hashtags are left out, as a token-at-a-time counter cannot
see them.

    python nltk_count.py CORPUS.jsonl LEXICON.toml OUT.csv
"""
import sys
import tomllib

import pandas as pd
from nltk.stem.snowball import SnowballStemmer

corpus, lexicon, out = sys.argv[1:4]
with open(lexicon, "rb") as f:
    themes = tomllib.load(f)["theme"]
stemmer = SnowballStemmer("english")

posts = pd.read_json(corpus, lines=True, dtype={"id": str})
posts = posts[posts["kind"] != "repost"].reset_index(drop=True)
tokens = posts["text"].str.lower().str.findall(r"[a-z]+").explode().dropna()
vocabulary = pd.Series(tokens.unique())
stem_of = dict(zip(vocabulary, vocabulary.map(stemmer.stem)))
stems = tokens.map(stem_of)

table = pd.DataFrame({"post_id": posts["id"]})
for theme in themes:
    stemmed, prefixes, exact = set(), [], set()
    for entry in theme["entries"]:
        if " " in entry or entry.startswith("#"):
            continue
        if entry.endswith("*"):
            prefixes.append(entry[:-1].lower())
        elif entry.startswith("="):
            exact.add(entry[1:].lower())
        else:
            stemmed.add(stemmer.stem(entry.lower()))
    hit = stems.isin(stemmed) | tokens.isin(exact)
    for prefix in prefixes:
        hit |= tokens.str.startswith(prefix)
    table[theme["id"]] = hit.groupby(level=0).sum().reindex(posts.index, fill_value=0).astype(int)
table.to_csv(out, index=False)
