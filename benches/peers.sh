#!/usr/bin/env bash
# threadlens beside what people use instead, on the same corpus and the
# same dictionary: the bundled nhs-improvement lexicon's single-word entries
# (benches/peers/derive_lexicons.py: stems.toml with stems, prefixes and
# exact forms for the pandas + NLTK Snowball stemming counter, the usual
# notebook; portable.toml with stems made exact forms, converted to a LIWC
# .dic, for the Python `liwc` package and R tidytext's unnest_tokens +
# inner_join). threadlens scores with both. Wall time and peak RSS of each, then how
# far each one's per-post counts agree with threadlens's on the posts where
# their tokenizers agree (benches/peers/agree.py).
#
# Installs what it needs: a venv in target/peers/venv (liwc, nltk, pandas,
# pyarrow) and, as root with apt-get, r-cran-tidytext, r-cran-jsonlite and
# r-cran-dplyr; a peer that cannot be installed is reported and skipped.
#
#   benches/peers.sh [POSTS]      (default 200000)
set -euo pipefail
posts=${1:-200000}
work=$(cd "$(dirname "$0")/.." && pwd)/target/peers
source "$(dirname "$0")/corpus.sh"
bin=target/release/threadlens
python3 benches/peers/derive_lexicons.py datasets/lexicons/nhs-improvement.toml "$work"
stems=$work/stems.toml
portable=$work/portable.toml
$bin lexicon convert -q --to liwc --out "$work/portable.dic" "$portable" >/dev/null

if [ ! -x "$work/venv/bin/python" ]; then
  python3 -m venv "$work/venv"
fi
"$work/venv/bin/pip" install -q liwc nltk pandas pyarrow
py=$work/venv/bin/python
if ! command -v Rscript >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get install -y -q r-cran-tidytext r-cran-jsonlite r-cran-dplyr >/dev/null || true
fi


echo "corpus: $posts posts ($(du -m "$corpus" | cut -f1) MB), one in ten a repost (left out by all); $(nproc) cores"
read -r _ wc_s _ < <(timed wc wc -w "$corpus")
echo "wc -w: $wc_s s"
printf "%-38s %8s %8s %9s\n" tool "wall s" "× wc -w" "peak MB"
row() { printf "%-38s %8.2f %8.1f %9s\n" "$1" "$2" "$(echo "$2 / $wc_s" | bc -l)" "$3"; }

rm -rf "$work/store" "$work/scores-stems" "$work/scores-portable"
read -r _ s1 m1 < <(timed import $bin import -q --format jsonl --out "$work/store" "$corpus")
row "threadlens import" "$s1" "$m1"
for lex in stems portable; do
  read -r _ s2 m2 < <(timed score $bin score -q --data "$work/store" --lexicon "$work/$lex.toml" --format parquet --out "$work/scores-$lex")
  row "threadlens score ($lex)" "$s2" "$m2"
  row "threadlens import + score ($lex)" "$(echo "$s1 + $s2" | bc -l)" "$(( m1 > m2 ? m1 : m2 ))"
done

read -r _ s m < <(timed nltk "$py" benches/peers/nltk_count.py "$corpus" "$stems" "$work/nltk.csv")
row "pandas + NLTK (stems)" "$s" "$m"
read -r _ s m < <(timed liwc "$py" benches/peers/liwc_count.py "$corpus" "$work/portable.dic" "$work/liwc.csv")
row "python liwc (portable)" "$s" "$m"
portable_peers=("liwc=$work/liwc.csv")
if command -v Rscript >/dev/null && Rscript -e 'library(tidytext); library(jsonlite)' >/dev/null 2>&1; then
  read -r _ s m < <(timed tidytext Rscript benches/peers/tidytext_count.R "$corpus" "$work/portable.dic" "$work/tidytext.csv")
  row "R tidytext (portable)" "$s" "$m"
  portable_peers+=("tidytext=$work/tidytext.csv")
else
  echo "R tidytext: not installed (needs r-cran-tidytext and r-cran-jsonlite); skipped"
fi
echo
echo "agreement with threadlens, stems.toml:"
"$py" benches/peers/agree.py "$corpus" "$stems" "$work/scores-stems/post_scores.parquet" "nltk=$work/nltk.csv"
echo "agreement with threadlens, portable.toml:"
"$py" benches/peers/agree.py "$corpus" "$portable" "$work/scores-portable/post_scores.parquet" "${portable_peers[@]}"
