"""Two versions of a threadlens lexicon that every peer can express, so
each comparison is of the same work:

- `stems.toml`: single-word entries only (stems, prefixes, exact forms);
  phrases and hashtags left out, as token-at-a-time counters cannot see
  them. threadlens and the pandas + NLTK Snowball counter read it.
- `portable.toml`: the same with every stem entry made an exact form
  (`=word`), since LIWC dictionaries and a tidytext inner_join match exact
  words and prefixes only. threadlens, `liwc` and tidytext read it.

    python derive_lexicons.py LEXICON.toml OUT_DIR
"""
import json
import sys
import tomllib
from pathlib import Path

source, out = sys.argv[1], Path(sys.argv[2])
with open(source, "rb") as f:
    lexicon = tomllib.load(f)


def write(path, name, keep):
    lines = ["[lexicon]"]
    for key, value in lexicon["lexicon"].items():
        lines.append(f"{key} = {json.dumps(value if key != 'name' else name)}")
    for theme in lexicon["theme"]:
        entries = [e for e in (keep(e) for e in theme["entries"]) if e]
        if not entries:
            continue
        lines += ["", "[[theme]]"]
        for key in ("id", "label", "description"):
            lines.append(f"{key} = {json.dumps(theme[key])}")
        lines.append(f"entries = {json.dumps(entries)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def single_word(entry):
    return None if " " in entry or entry.startswith("#") else entry


def portable(entry):
    entry = single_word(entry)
    if entry is None or entry.endswith("*") or entry.startswith("="):
        return entry
    return "=" + entry


write(out / "stems.toml", lexicon["lexicon"]["name"] + "-stems", single_word)
write(out / "portable.toml", lexicon["lexicon"]["name"] + "-portable", portable)
