//! Notebook export: a Jupyter notebook (nbformat 4) that loads a report's
//! Parquet tables with polars, shows the manifest, plots the activity, the
//! theme share per slot and the themes over time with matplotlib, and
//! explains every table's columns. The notebook holds no data and no
//! timestamps: the same report layout gives the same bytes.

use std::path::Path;

use serde::Serialize;

use crate::{Error, Result};

/// What each table's columns mean (the data dictionary).
const DICTIONARY: &[(&str, &str)] = &[
    (
        "post_scores",
        "One row per scored post. `post_id`, `platform`; `word_count` (units: words and hashtag segments, text-processing.md §6); `emoji_count` (emoji clusters, §2); per theme `<theme>_hits` (matches chosen by §8) and `<theme>_score` (100 × hits / word_count, 0 for a post with no words).",
    ),
    (
        "theme_summary",
        "One row per theme. `posts` scored; `posts_with_hit` (at least one hit); `hits`; `hits_per_1000_words` (hits × 1000 / all words); `share_of_posts` (posts_with_hit / posts).",
    ),
    (
        "theme_by_period",
        "Theme × period. `period_start` (local time of the period's start, in the manifest's timezone, with its UTC offset: the hour the clocks go back is two rows); `period_start_utc` (the same instant in UTC, for sorting and joining); `posts` in the period; `posts_with_hit`, `hits`, `share_of_posts` for the theme.",
    ),
    (
        "theme_by_slot",
        "Theme × takeover slot (and `outside`). `posts` attributed to the slot (formats.md §4); `hits`; `share_of_posts` (posts with a hit / posts).",
    ),
    (
        "takeover_engagement",
        "One row per slot in start order, then `outside`. `posts`; `host_posts`; `replies_received` (posts in threads rooted by the slot's host posts, not by its hosts or the account, late ones included); `participants` (distinct other authors); `new_participants` (not seen in an earlier slot); `reposts`, `likes`, `quotes` (over host posts); `engagement_per_host_post`; `median_first_reply_min`; `max_thread_depth`; per theme `<theme>_hits` and `<theme>_share`.",
    ),
    (
        "top_contributors",
        "Authors by posts: `platform`, `author_handle`, `posts`, `replies`, per theme `<theme>_hits`.",
    ),
    (
        "top_hashtags",
        "Hashtags (as the analyzer reads tags, lowercased) by `posts` using them.",
    ),
    (
        "top_terms",
        "Per theme, the lexicon entries that matched most: `entry` (as written), `hits`, `posts`.",
    ),
    (
        "theme_cooccurrence",
        "Theme × theme: `posts` that hit both (the diagonal is posts that hit the theme).",
    ),
    (
        "kwic",
        "A sample of matches in context per theme: `post_id`, `theme`, `entry`, `left`, `match`, `right` (cut from the normalised text).",
    ),
];

#[derive(Serialize)]
struct Notebook {
    cells: Vec<Cell>,
    metadata: Metadata,
    nbformat: u8,
    nbformat_minor: u8,
}

#[derive(Serialize)]
struct Metadata {
    kernelspec: KernelSpec,
    language_info: LanguageInfo,
}

#[derive(Serialize)]
struct KernelSpec {
    display_name: &'static str,
    language: &'static str,
    name: &'static str,
}

#[derive(Serialize)]
struct LanguageInfo {
    name: &'static str,
}

#[derive(Serialize)]
struct Cell {
    cell_type: &'static str,
    metadata: Empty,
    source: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    execution_count: Option<Option<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outputs: Option<Vec<Empty>>,
}

#[derive(Serialize)]
struct Empty {}

/// nbformat stores source as lines, each but the last ending in `\n`.
fn lines(text: &str) -> Vec<String> {
    let text = text.trim_matches('\n');
    let mut out: Vec<String> = text.split_inclusive('\n').map(str::to_owned).collect();
    if out.is_empty() {
        out.push(String::new());
    }
    out
}

fn markdown(text: &str) -> Cell {
    Cell {
        cell_type: "markdown",
        metadata: Empty {},
        source: lines(text),
        execution_count: None,
        outputs: None,
    }
}

fn code(text: &str) -> Cell {
    Cell {
        cell_type: "code",
        metadata: Empty {},
        source: lines(text),
        execution_count: Some(None),
        outputs: Some(Vec::new()),
    }
}

/// The notebook for the report in `report_dir`, which the notebook will
/// find at `report_from_notebook` (a path relative to the notebook's
/// folder, or absolute). `tables` are the report's Parquet tables.
pub fn notebook(report_from_notebook: &str, tables: &[String], scoring_spec: &str) -> String {
    let python_path = report_from_notebook.replace('\\', "/").replace('"', "\\\"");
    let mut cells = vec![
        markdown(&format!(
            "# threadlens report\n\nThis notebook loads the tables `threadlens report` wrote in `{python_path}` \
             (Parquet, with polars), shows how they were made, and plots the day. Scores follow the \
             text-processing contract {scoring_spec}: a theme's hits are the matches of its lexicon \
             entries chosen greedily, longest first, as `text-processing.md` §8 defines them."
        )),
        code(&format!(
            "import json\nfrom pathlib import Path\n\nimport matplotlib.pyplot as plt\nimport polars as pl\n\n\
             REPORT = Path(\"{python_path}\")\ntables = {{\n    path.stem: pl.read_parquet(path)\n    \
             for path in sorted(REPORT.glob(\"*.parquet\"))\n}}\nsorted(tables)"
        )),
        markdown(
            "## How the report was made\n\n`manifest.json`: the tool and scoring contract versions, the lexicon and its SHA-256, each input's SHA-256 and rows, rejects, times and the command line.",
        ),
        code(
            "manifest = json.loads((REPORT / \"manifest.json\").read_text())\n{k: manifest[k] for k in [\"tool_version\", \"scoring_spec\", \"command\", \"rejects\", \"include_reposts\", \"posts_left_out\"]} | {\"lexicon\": manifest[\"lexicon\"][\"name\"] + \" \" + manifest[\"lexicon\"][\"version\"]}",
        ),
        markdown("## The tables (a data dictionary)"),
    ];
    for (name, meaning) in DICTIONARY {
        if tables.iter().any(|t| t == name) {
            cells.push(markdown(&format!("### `{name}`\n\n{meaning}")));
            cells.push(code(&format!("tables[\"{name}\"].head(10)")));
        }
    }
    let has = |name: &str| tables.iter().any(|t| t == name);
    if has("theme_by_period") {
        cells.push(markdown("## Activity over time\n\nPosts per period (the report's `--period`), with the takeover slots shaded when the report had a schedule."));
        cells.push(code(
            "by_period = tables[\"theme_by_period\"].group_by(\"period_start_utc\", \"period_start\").agg(pl.col(\"posts\").first()).sort(\"period_start_utc\")\n\
             fig, ax = plt.subplots(figsize=(10, 3))\n\
             ax.bar(by_period[\"period_start\"].to_list(), by_period[\"posts\"].to_list(), color=\"#1b6ca8\")\n\
             if \"takeover_engagement\" in tables:\n    \
             slots = tables[\"takeover_engagement\"].filter(pl.col(\"start\").is_not_null())\n    \
             labels = by_period[\"period_start\"].to_list()\n    \
             for start, end in zip(slots[\"start\"], slots[\"end\"]):\n        \
             inside = [i for i, p in enumerate(labels) if start[:13] <= p[:13] <= end[:13]]\n        \
             if inside:\n            \
             ax.axvspan(inside[0] - 0.5, inside[-1] + 0.5, color=\"#f6eee0\", zorder=0)\n\
             ax.set_ylabel(\"posts\")\nax.tick_params(axis=\"x\", rotation=60)\nplt.tight_layout()\nplt.show()",
        ));
    }
    if has("theme_by_slot") {
        cells.push(markdown("## Theme share per slot\n\nThe share of each slot's posts with at least one hit, per theme."));
        cells.push(code(
            "share = tables[\"theme_by_slot\"]\n\
             slots = share[\"slot\"].unique(maintain_order=True).to_list()\n\
             themes = share[\"theme\"].unique(maintain_order=True).to_list()\n\
             height = 0.8 / len(themes)\n\
             fig, ax = plt.subplots(figsize=(10, 0.5 * len(slots) + 1))\n\
             for k, theme in enumerate(themes):\n    \
             rows = share.filter(pl.col(\"theme\") == theme)\n    \
             values = dict(zip(rows[\"slot\"].to_list(), rows[\"share_of_posts\"].fill_null(0).to_list()))\n    \
             ax.barh([i + k * height for i in range(len(slots))], [values.get(s, 0) for s in slots], height, label=theme)\n\
             ax.set_yticks([i + 0.4 - height / 2 for i in range(len(slots))], slots)\n\
             ax.invert_yaxis()\nax.set_xlabel(\"share of posts with a hit\")\nax.legend()\nplt.tight_layout()\nplt.show()",
        ));
    }
    if has("theme_by_period") {
        cells.push(markdown(
            "## Themes over time\n\nHits per period, per theme.",
        ));
        cells.push(code(
            "fig, ax = plt.subplots(figsize=(10, 3))\n\
             for theme, rows in tables[\"theme_by_period\"].sort(\"period_start_utc\").group_by(\"theme\", maintain_order=True):\n    \
             ax.plot(rows[\"period_start\"].to_list(), rows[\"hits\"].to_list(), marker=\"o\", label=theme[0])\n\
             ax.legend()\nax.set_ylabel(\"hits\")\nax.tick_params(axis=\"x\", rotation=60)\nplt.tight_layout()\nplt.show()",
        ));
    }
    let book = Notebook {
        cells,
        metadata: Metadata {
            kernelspec: KernelSpec {
                display_name: "Python 3",
                language: "python",
                name: "python3",
            },
            language_info: LanguageInfo { name: "python" },
        },
        nbformat: 4,
        nbformat_minor: 4,
    };
    let mut text = serde_json::to_string_pretty(&book).unwrap_or_default();
    text.push('\n');
    text
}

/// Write the notebook for the report in `report_dir` to `out`; the report
/// is named relative to the notebook's folder when both are relative.
pub fn export_notebook(report_dir: &Path, out: &Path) -> Result<()> {
    let manifest_path = report_dir.join(crate::MANIFEST_FILE);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).map_err(|source| Error::Io {
            path: manifest_path.clone(),
            source,
        })?)
        .map_err(|source| Error::Json {
            path: manifest_path.clone(),
            source,
        })?;
    let spec = manifest["scoring_spec"].as_str().unwrap_or("v1").to_owned();
    let mut tables: Vec<String> = std::fs::read_dir(report_dir)
        .map_err(|source| Error::Io {
            path: report_dir.to_owned(),
            source,
        })?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "parquet"))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    tables.sort();
    let from_notebook = relative_to(report_dir, out.parent().unwrap_or(Path::new(".")));
    let text = notebook(&from_notebook, &tables, &spec);
    threadlens_store::write_atomically(out, |w| {
        std::io::Write::write_all(w, text.as_bytes()).map_err(|source| Error::Io {
            path: out.to_owned(),
            source,
        })
    })
}

/// `target` as seen from `base` (both relative to the same folder), or
/// `target` itself when either is absolute.
fn relative_to(target: &Path, base: &Path) -> String {
    if target.is_absolute() || base.is_absolute() {
        return target.display().to_string();
    }
    let parts = |p: &Path| -> Vec<String> {
        p.components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect()
    };
    let (t, b) = (parts(target), parts(base));
    let common = t.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out: Vec<String> = vec!["..".to_owned(); b.len() - common];
    out.extend(t[common..].iter().cloned());
    if out.is_empty() {
        ".".to_owned()
    } else {
        out.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_to(
                Path::new("threadlens-demo/report"),
                Path::new("notebooks-export")
            ),
            "../threadlens-demo/report"
        );
        assert_eq!(relative_to(Path::new("a/b"), Path::new("a")), "b");
        assert_eq!(relative_to(Path::new("/x/r"), Path::new("n")), "/x/r");
    }

    #[test]
    fn a_valid_nbformat_4_notebook() {
        let text = notebook(
            "../r",
            &["theme_by_period".into(), "theme_summary".into()],
            "v1",
        );
        let nb: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            (nb["nbformat"].as_u64(), nb["nbformat_minor"].as_u64()),
            (Some(4), Some(4))
        );
        assert_eq!(nb["metadata"]["kernelspec"]["name"], "python3");
        let cells = nb["cells"].as_array().unwrap();
        for cell in cells {
            assert!(cell["source"].is_array() && cell["metadata"].is_object());
            if cell["cell_type"] == "code" {
                assert!(cell["outputs"].is_array() && cell["execution_count"].is_null());
            } else {
                assert!(cell.get("outputs").is_none());
            }
        }
        assert!(text.contains("REPORT = Path(\\\"../r\\\")"));
        assert!(
            text.contains("### `theme_summary`") && !text.contains("### `kwic`"),
            "only the tables present"
        );
        assert!(text.contains("contract v1"));
    }
}
