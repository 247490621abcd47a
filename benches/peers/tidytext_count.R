# Per-post category counts the tidytext way: unnest_tokens, then
# inner_join with the dictionary (exact words), and the dictionary's
# `word*` prefixes matched against the corpus vocabulary.
#
#   Rscript tidytext_count.R CORPUS.jsonl DICT.dic OUT.csv
suppressPackageStartupMessages({
  library(jsonlite)
  library(dplyr)
  library(tidytext)
})
args <- commandArgs(trailingOnly = TRUE)
posts <- stream_in(file(args[1]), verbose = FALSE) |>
  filter(kind != "repost") |>
  select(post_id = id, text)

# A LIWC .dic: % category table %, then entry<TAB>category ids.
lines <- readLines(args[2], encoding = "UTF-8")
marks <- which(lines == "%")
header <- strsplit(lines[(marks[1] + 1):(marks[2] - 1)], "\t")
categories <- setNames(sapply(header, `[`, 2), sapply(header, `[`, 1))
body <- strsplit(lines[(marks[2] + 1):length(lines)], "\t")
dict <- bind_rows(lapply(body, function(f) {
  tibble(entry = tolower(f[1]), category = unname(categories[f[-1]]))
})) |> filter(!grepl(" ", entry))

words <- posts |> unnest_tokens(word, text)
exact <- dict |> filter(!endsWith(entry, "*"))
prefixes <- dict |> filter(endsWith(entry, "*")) |> mutate(entry = sub("\\*$", "", entry))
vocabulary <- distinct(words, word)
by_prefix <- bind_rows(lapply(seq_len(nrow(prefixes)), function(i) {
  hit <- vocabulary |> filter(startsWith(word, prefixes$entry[i]))
  if (nrow(hit) == 0) return(NULL)
  tibble(word = hit$word, category = prefixes$category[i])
}))
matches <- bind_rows(
  words |> inner_join(exact, by = c(word = "entry"), relationship = "many-to-many"),
  words |> inner_join(by_prefix, by = "word", relationship = "many-to-many")
)
# Long form: post_id, category, n (posts without a hit have no row).
write.csv(matches |> count(post_id, category), args[3], row.names = FALSE)
