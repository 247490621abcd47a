"""A stand-in for a person coding a validation sample, for the guide's
example only: it marks a row relevant when the post's text contains one of
a few words for the theme, not relevant otherwise, and unsure when the text
is very short. Real validation needs people reading the posts.

    python3 docs/examples/stand_in_coder.py SAMPLE.csv
"""
import csv
import sys

WORDS = {
    "coproduction": ("co-produc", "coproduc", "co-design", "codesign", "lived experience"),
    "conversation": ("conversation", "dialogue", "listen"),
    "candour": ("candour", "candor", "honest", "transparen", "sorry"),
}

path = sys.argv[1]
with open(path, newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
for row in rows:
    text = row["text"].lower()
    if len(text.split()) < 4:
        row["relevant"] = "unsure"
    elif any(w in text for w in WORDS.get(row["theme"], ())):
        row["relevant"] = "yes"
    else:
        row["relevant"] = "no"
with open(path, "w", newline="", encoding="utf-8") as f:
    writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
    writer.writeheader()
    writer.writerows(rows)
print(f"{path}: {len(rows)} rows coded by the stand-in")
