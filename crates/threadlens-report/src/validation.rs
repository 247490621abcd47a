//! Validation by hand coding: a stratified random sample of posts per theme
//! (posts with a hit, and posts without one, for recall) written for a coder
//! to mark `relevant`, the sample's design kept beside it, and the coded file
//! read back into precision, recall and F1 with intervals, per-entry
//! precision, and agreement between two coders.
//!
//! **Estimates.** For a theme with `H` posts with a hit and `N` without in
//! the store, coded samples give `p` = relevant / coded among hits
//! (precision) and `q` = relevant / coded among non-hits (the rate of
//! relevant posts the lexicon missed). Relevant posts in the store are
//! estimated as `H·p + N·q`, recall as `H·p / (H·p + N·q)`, F1 as
//! `2·P·R / (P + R)`. Precision's interval is the 95% Wilson interval of
//! `p`. Recall and F1 increase with `p` and decrease with `q`, so their
//! intervals take the ends of `p`'s and `q`'s Wilson intervals at 97.5%
//! each (`z` = 2.2414): the two hold together at least 95% of the time
//! (Bonferroni), and so does the combined interval. `unsure` codes are left
//! out of every count and reported.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use rust_xlsxwriter::{DataValidation, DocProperties, ExcelDateTime, Format, Workbook, XlsxError};
use serde::{Deserialize, Serialize};

use crate::stats::{wilson, wilson_z};
use crate::{Error, Result, Table, guard_cell};
use threadlens_model::SplitMix64;

/// z for each of two intervals that must hold together 95% of the time.
const Z_BONFERRONI: f64 = 2.241_402_727_604_947;

/// The version of the design file.
pub const DESIGN_VERSION: u32 = 1;

/// How a sample was drawn: written beside it as `<sample>.json`, so the
/// coded file can be checked and weighted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleDesign {
    /// The design file's version.
    pub threadlens_sample: u32,
    /// The generator's seed.
    pub seed: u64,
    /// Posts with a hit drawn per theme.
    pub per_theme: usize,
    /// Posts without a hit drawn per theme.
    pub negatives: usize,
    /// Whether reposts were among the posts sampled.
    pub include_reposts: bool,
    /// The lexicon: name, version, SHA-256.
    pub lexicon: DesignFile,
    /// The store: `posts.parquet`'s SHA-256 and the posts scored.
    pub store: DesignFile,
    /// Per theme: its stratum sizes in the store and what was drawn.
    pub strata: Vec<Stratum>,
    /// Every row of the sample, in the order the coder sees them.
    pub rows: Vec<DesignRow>,
}

/// A file the design depends on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesignFile {
    /// What it is (`three-cs 2026.2`, `data/st/posts.parquet`).
    pub name: String,
    /// SHA-256, lowercase hex.
    pub sha256: String,
}

/// One theme's strata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stratum {
    /// The theme's id.
    pub theme: String,
    /// Posts in the store with a hit of the theme.
    pub hit: u64,
    /// Posts in the store without one.
    pub no_hit: u64,
    /// Of those, drawn.
    pub sampled_hit: u64,
    /// Drawn from posts without a hit.
    pub sampled_no_hit: u64,
}

/// One row of the sample: a post, for one theme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesignRow {
    /// 1, 2, ... in the order shown.
    pub sample_id: u32,
    /// The post.
    pub post_id: String,
    /// Its platform.
    pub platform: String,
    /// The theme it is coded for.
    pub theme: String,
    /// `hit` or `no_hit`: hidden from the coder.
    pub stratum: String,
    /// The entries that matched it for this theme (none for `no_hit`).
    pub entries: Vec<String>,
}

/// A post drawn into the sample, with what the coder sees.
#[derive(Debug, Clone, PartialEq)]
pub struct SampledPost {
    /// The design row.
    pub row: DesignRow,
    /// The theme's label and description.
    pub label: String,
    /// What the theme is about.
    pub description: String,
    /// The text shown.
    pub text: String,
    /// Character spans of `text` to highlight (`--show-matches`).
    pub highlights: Vec<(usize, usize)>,
}

/// Draws a uniform random sample from a stream of items without knowing
/// its length (Algorithm R), reproducibly for a seed.
#[derive(Debug, Clone)]
pub struct Reservoir<T> {
    size: usize,
    seen: u64,
    kept: Vec<T>,
    rng: SplitMix64,
}

impl<T> Reservoir<T> {
    /// Keep up to `size` items, drawing with the generator seeded `seed`.
    pub fn new(size: usize, seed: u64) -> Self {
        Reservoir {
            size,
            seen: 0,
            kept: Vec::with_capacity(size.min(1 << 16)),
            rng: SplitMix64::new(seed),
        }
    }

    /// Offer the next item.
    pub fn offer(&mut self, item: impl FnOnce() -> T) {
        self.seen += 1;
        if self.kept.len() < self.size {
            self.kept.push(item());
        } else if self.size > 0 {
            let j = self.rng.below(self.seen) as usize;
            if j < self.size {
                self.kept[j] = item();
            }
        }
    }

    /// Items offered so far.
    pub fn seen(&self) -> u64 {
        self.seen
    }

    /// The items kept.
    pub fn into_items(self) -> Vec<T> {
        self.kept
    }
}

/// Shuffle `items` in place (Fisher-Yates), reproducibly for `seed`.
pub fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut rng = SplitMix64::new(seed);
    for i in (1..items.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        items.swap(i, j);
    }
}

/// The columns of a sample file, in order.
pub const SAMPLE_COLUMNS: [&str; 9] = [
    "sample_id",
    "post_id",
    "platform",
    "theme",
    "theme_label",
    "theme_description",
    "text",
    "relevant",
    "note",
];

/// Write the sample for coding: XLSX (a drop-down of `yes`, `no`,
/// `unsure` on `relevant`, header frozen, text wrapped, matches in bold when
/// highlighted) or CSV (matches between `«` and `»`), by `path`'s extension.
/// The same sample gives the same bytes.
pub fn write_sample(path: &Path, posts: &[SampledPost]) -> Result<()> {
    let bytes = if is_xlsx(path) {
        sample_xlsx(posts).map_err(|e| Error::Io {
            path: path.to_owned(),
            source: std::io::Error::other(e.to_string()),
        })?
    } else {
        sample_csv(posts)
    };
    threadlens_store::write_atomically(path, |out| {
        std::io::Write::write_all(out, &bytes).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })
    })
}

fn is_xlsx(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// `text` with the spans marked `«…»`.
fn marked(text: &str, spans: &[(usize, usize)]) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if spans.iter().any(|&(s, _)| s == i) {
            out.push('«');
        }
        out.push(c);
        if spans.iter().any(|&(_, e)| e == i + 1) {
            out.push('»');
        }
    }
    out
}

fn sample_csv(posts: &[SampledPost]) -> Vec<u8> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let _ = out.write_record(SAMPLE_COLUMNS);
    for p in posts {
        let _ = out.write_record([
            p.row.sample_id.to_string(),
            guard_cell(&p.row.post_id).into_owned(),
            p.row.platform.clone(),
            guard_cell(&p.row.theme).into_owned(),
            guard_cell(&p.label).into_owned(),
            guard_cell(&p.description).into_owned(),
            guard_cell(&marked(&p.text, &p.highlights)).into_owned(),
            String::new(),
            String::new(),
        ]);
    }
    out.into_inner().unwrap_or_default()
}

fn sample_xlsx(posts: &[SampledPost]) -> std::result::Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    // A fixed creation time: the same sample makes the same bytes.
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let sheet = workbook.add_worksheet();
    sheet.set_name("sample")?;
    let bold = Format::new().set_bold();
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    let top = Format::new().set_align(rust_xlsxwriter::FormatAlign::Top);
    let highlight = Format::new()
        .set_bold()
        .set_font_color(rust_xlsxwriter::Color::RGB(0xB0_3A_2E));
    for (c, name) in SAMPLE_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *name, &bold)?;
    }
    for (i, p) in posts.iter().enumerate() {
        let r = (i + 1) as u32;
        sheet.write_number_with_format(r, 0, f64::from(p.row.sample_id), &top)?;
        sheet.write_string_with_format(r, 1, guard_cell(&p.row.post_id), &top)?;
        sheet.write_string_with_format(r, 2, &p.row.platform, &top)?;
        sheet.write_string_with_format(r, 3, guard_cell(&p.row.theme), &top)?;
        sheet.write_string_with_format(r, 4, guard_cell(&p.label), &wrap)?;
        sheet.write_string_with_format(r, 5, guard_cell(&p.description), &wrap)?;
        let text = guard_cell(&p.text);
        if p.highlights.is_empty() || text.len() != p.text.len() {
            sheet.write_string_with_format(r, 6, text, &wrap)?;
        } else {
            let pieces = pieces(&p.text, &p.highlights);
            let plain = Format::new();
            let parts: Vec<(&Format, &str)> = pieces
                .iter()
                .map(|(marked, s)| (if *marked { &highlight } else { &plain }, s.as_str()))
                .collect();
            sheet.write_rich_string_with_format(r, 6, &parts, &wrap)?;
        }
    }
    let last = posts.len().max(1) as u32;
    let validation = DataValidation::new()
        .allow_list_strings(&["yes", "no", "unsure"])?
        .set_input_title("Relevant?")?
        .set_input_message("Does the post express the theme? yes, no or unsure")?;
    sheet.add_data_validation(1, 7, last, 7, &validation)?;
    for (c, width) in [8.0, 22.0, 10.0, 16.0, 18.0, 30.0, 70.0, 10.0, 30.0]
        .into_iter()
        .enumerate()
    {
        sheet.set_column_width(c as u16, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}

/// `text` cut into pieces, each marked or not.
fn pieces(text: &str, spans: &[(usize, usize)]) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    for (i, c) in text.chars().enumerate() {
        let marked = spans.iter().any(|&(s, e)| s <= i && i < e);
        match out.last_mut() {
            Some((m, s)) if *m == marked => s.push(c),
            _ => out.push((marked, c.to_string())),
        }
    }
    out
}

/// The design file beside a sample: `sample.xlsx` → `sample.json`.
pub fn design_path(sample: &Path) -> PathBuf {
    sample.with_extension("json")
}

/// A code given to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// The post expresses the theme.
    Yes,
    /// It does not.
    No,
    /// The coder could not tell.
    Unsure,
}

/// One coded row as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct CodedRow {
    /// The row's id.
    pub sample_id: u32,
    /// The post.
    pub post_id: String,
    /// The theme.
    pub theme: String,
    /// Its code; `None` when left empty.
    pub code: Option<Code>,
}

/// Why a coded file was refused: the file and what is wrong.
fn refusal(path: &Path, message: impl Into<String>) -> Error {
    Error::Validation {
        path: path.to_owned(),
        message: message.into(),
    }
}

/// Read a coded sample (XLSX or CSV) and check it against its design:
/// every row of the design, with the same post and theme, and codes from
/// `yes`, `no`, `unsure` (or empty).
pub fn read_coded(path: &Path, design: &SampleDesign) -> Result<Vec<CodedRow>> {
    let table: Vec<Vec<String>> = if is_xlsx(path) {
        read_xlsx(path)?
    } else {
        read_csv(path)?
    };
    let Some((header, body)) = table.split_first() else {
        return Err(refusal(path, "the file is empty"));
    };
    let column = |name: &str| {
        header.iter().position(|h| h.trim() == name).ok_or_else(|| {
            refusal(
                path,
                format!("no `{name}` column (the sample's header was changed)"),
            )
        })
    };
    let (id, post, theme, relevant) = (
        column("sample_id")?,
        column("post_id")?,
        column("theme")?,
        column("relevant")?,
    );
    let by_id: HashMap<u32, &DesignRow> = design.rows.iter().map(|r| (r.sample_id, r)).collect();
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (n, cells) in body.iter().enumerate() {
        let line = n + 2;
        let cell = |i: usize| cells.get(i).map(|c| c.trim()).unwrap_or_default();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let Ok(sample_id) = cell(id).trim_end_matches(".0").parse::<u32>() else {
            problems.push(format!(
                "row {line}: sample_id {:?} is not a number",
                cell(id)
            ));
            continue;
        };
        // Cells read back from a spreadsheet may carry the formula guard.
        let unguard = |s: &str| {
            s.strip_prefix('\'')
                .map_or_else(|| s.to_owned(), str::to_owned)
        };
        let (post_id, theme_id) = (unguard(cell(post)), unguard(cell(theme)));
        match by_id.get(&sample_id) {
            None => problems.push(format!("row {line}: sample_id {sample_id} is not in the design")),
            Some(d) if d.post_id != post_id || d.theme != theme_id => problems.push(format!(
                "row {line}: sample_id {sample_id} is post {post_id} for {theme_id} here, but post {} for {} in the design",
                d.post_id, d.theme
            )),
            Some(_) => {}
        }
        let code = match cell(relevant).to_ascii_lowercase().as_str() {
            "" => None,
            "yes" | "y" => Some(Code::Yes),
            "no" | "n" => Some(Code::No),
            "unsure" | "?" => Some(Code::Unsure),
            other => {
                problems.push(format!(
                    "row {line}: relevant {other:?} is not yes, no or unsure"
                ));
                None
            }
        };
        rows.push(CodedRow {
            sample_id,
            post_id,
            theme: theme_id,
            code,
        });
    }
    let mut ids: Vec<u32> = rows.iter().map(|r| r.sample_id).collect();
    ids.sort_unstable();
    let missing: Vec<String> = design
        .rows
        .iter()
        .filter(|r| ids.binary_search(&r.sample_id).is_err())
        .map(|r| r.sample_id.to_string())
        .collect();
    if !missing.is_empty() {
        problems.push(format!(
            "{} rows of the design are missing (sample_id {})",
            missing.len(),
            missing
                .iter()
                .take(10)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if ids.windows(2).any(|w| w[0] == w[1]) {
        problems.push("a sample_id appears twice".into());
    }
    if !problems.is_empty() {
        return Err(refusal(
            path,
            format!(
                "does not match its design {}: {}",
                design_path(path).display(),
                problems.join("; ")
            ),
        ));
    }
    Ok(rows)
}

fn read_csv(path: &Path) -> Result<Vec<Vec<String>>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .map_err(|e| refusal(path, e.to_string()))?;
    reader
        .records()
        .map(|r| {
            r.map(|r| r.iter().map(str::to_owned).collect())
                .map_err(|e| refusal(path, e.to_string()))
        })
        .collect()
}

fn read_xlsx(path: &Path) -> Result<Vec<Vec<String>>> {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut workbook: Xlsx<_> =
        open_workbook(path).map_err(|e: calamine::XlsxError| refusal(path, e.to_string()))?;
    let sheet = workbook
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| refusal(path, "the workbook has no sheet"))?;
    let range = workbook
        .worksheet_range(&sheet)
        .map_err(|e| refusal(path, e.to_string()))?;
    Ok(range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => String::new(),
                    Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect())
}

/// One theme's validation.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeValidation {
    /// The theme.
    pub theme: String,
    /// Stratum sizes in the store.
    pub hit_posts: u64,
    /// Posts without a hit in the store.
    pub no_hit_posts: u64,
    /// Coded yes/no among sampled hits.
    pub coded_hits: u64,
    /// Of those, relevant.
    pub relevant_hits: u64,
    /// Coded yes/no among sampled non-hits.
    pub coded_no_hits: u64,
    /// Of those, relevant (what the lexicon missed).
    pub relevant_no_hits: u64,
    /// Rows coded `unsure` (left out).
    pub unsure: u64,
    /// Rows left empty (left out).
    pub uncoded: u64,
    /// Precision, and its 95% Wilson interval.
    pub precision: Option<(f64, f64, f64)>,
    /// Recall, and its interval (see the module docs).
    pub recall: Option<(f64, f64, f64)>,
    /// F1, and its interval.
    pub f1: Option<(f64, f64, f64)>,
    /// With a second coder: Cohen's kappa and percent agreement over the
    /// rows both coded yes or no.
    pub agreement: Option<(Option<f64>, f64, u64)>,
}

/// One entry's precision among the hits it brought.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryValidation {
    /// The theme.
    pub theme: String,
    /// The entry.
    pub entry: String,
    /// Sampled hits it matched, coded yes or no.
    pub coded: u64,
    /// Of those, relevant.
    pub relevant: u64,
    /// Precision, and its 95% Wilson interval.
    pub precision: Option<(f64, f64, f64)>,
}

/// Precision, recall and F1 per theme, precision per entry, and agreement
/// with a second coder.
pub fn validate(
    design: &SampleDesign,
    coded: &[CodedRow],
    second: Option<&[CodedRow]>,
) -> (Vec<ThemeValidation>, Vec<EntryValidation>) {
    let code_of: HashMap<u32, Option<Code>> = coded.iter().map(|r| (r.sample_id, r.code)).collect();
    let second_of: Option<HashMap<u32, Option<Code>>> =
        second.map(|s| s.iter().map(|r| (r.sample_id, r.code)).collect());
    let mut themes = Vec::new();
    let mut entries: BTreeMap<(usize, String), (u64, u64)> = BTreeMap::new();
    for (t, stratum) in design.strata.iter().enumerate() {
        let mut v = ThemeValidation {
            theme: stratum.theme.clone(),
            hit_posts: stratum.hit,
            no_hit_posts: stratum.no_hit,
            coded_hits: 0,
            relevant_hits: 0,
            coded_no_hits: 0,
            relevant_no_hits: 0,
            unsure: 0,
            uncoded: 0,
            precision: None,
            recall: None,
            f1: None,
            agreement: None,
        };
        let mut pairs: Vec<(bool, bool)> = Vec::new();
        for row in design.rows.iter().filter(|r| r.theme == stratum.theme) {
            let code = code_of.get(&row.sample_id).copied().flatten();
            let hit = row.stratum == "hit";
            match code {
                None => v.uncoded += 1,
                Some(Code::Unsure) => v.unsure += 1,
                Some(code) => {
                    let yes = code == Code::Yes;
                    if hit {
                        v.coded_hits += 1;
                        v.relevant_hits += u64::from(yes);
                        for entry in &row.entries {
                            let e = entries.entry((t, entry.clone())).or_default();
                            e.0 += 1;
                            e.1 += u64::from(yes);
                        }
                    } else {
                        v.coded_no_hits += 1;
                        v.relevant_no_hits += u64::from(yes);
                    }
                    if let Some(Some(Code::Yes | Code::No)) =
                        second_of.as_ref().and_then(|s| s.get(&row.sample_id))
                    {
                        let other = second_of
                            .as_ref()
                            .and_then(|s| s.get(&row.sample_id))
                            .copied()
                            .flatten();
                        pairs.push((yes, other == Some(Code::Yes)));
                    }
                }
            }
        }
        v.precision = estimate(v.relevant_hits, v.coded_hits);
        if let Some((p, _, _)) = v.precision
            && v.coded_no_hits > 0
        {
            let q = v.relevant_no_hits as f64 / v.coded_no_hits as f64;
            let recall = |p: f64, q: f64| {
                let found = v.hit_posts as f64 * p;
                let total = found + v.no_hit_posts as f64 * q;
                (total > 0.0).then(|| found / total)
            };
            let f1 = |p: f64, r: f64| {
                if p + r > 0.0 {
                    2.0 * p * r / (p + r)
                } else {
                    0.0
                }
            };
            let wide_p = wilson_z(v.relevant_hits, v.coded_hits, Z_BONFERRONI);
            let wide_q = wilson_z(v.relevant_no_hits, v.coded_no_hits, Z_BONFERRONI);
            if let (Some(r), Some((p_low, p_high)), Some((q_low, q_high))) =
                (recall(p, q), wide_p, wide_q)
            {
                let (r_low, r_high) = (
                    recall(p_low, q_high).unwrap_or(0.0),
                    recall(p_high, q_low).unwrap_or(1.0),
                );
                v.recall = Some((r, r_low, r_high));
                v.f1 = Some((f1(p, r), f1(p_low, r_low), f1(p_high, r_high)));
            }
        }
        if second_of.is_some() {
            v.agreement = Some(agreement(&pairs));
        }
        themes.push(v);
    }
    let entries = entries
        .into_iter()
        .map(|((t, entry), (coded, relevant))| EntryValidation {
            theme: design.strata[t].theme.clone(),
            entry,
            coded,
            relevant,
            precision: estimate(relevant, coded),
        })
        .collect();
    (themes, entries)
}

/// `k / n` with its 95% Wilson interval; `None` when `n` is 0.
fn estimate(k: u64, n: u64) -> Option<(f64, f64, f64)> {
    let (low, high) = wilson(k, n)?;
    Some((k as f64 / n as f64, low, high))
}

/// Cohen's kappa (`None` when chance agreement is total), percent
/// agreement and the number of rows compared.
fn agreement(pairs: &[(bool, bool)]) -> (Option<f64>, f64, u64) {
    let n = pairs.len() as f64;
    if pairs.is_empty() {
        return (None, 0.0, 0);
    }
    let agree = pairs.iter().filter(|(a, b)| a == b).count() as f64 / n;
    let a_yes = pairs.iter().filter(|(a, _)| *a).count() as f64 / n;
    let b_yes = pairs.iter().filter(|(_, b)| *b).count() as f64 / n;
    let chance = a_yes * b_yes + (1.0 - a_yes) * (1.0 - b_yes);
    let kappa = (chance < 1.0).then(|| (agree - chance) / (1.0 - chance));
    (kappa, agree, pairs.len() as u64)
}

/// The validation as tables: `validation` (per theme) and
/// `validation_entries` (per entry).
pub fn validation_tables(
    themes: &[ThemeValidation],
    entries: &[EntryValidation],
) -> PolarsResult<Vec<Table>> {
    let triple = |f: fn(&ThemeValidation) -> Option<(f64, f64, f64)>, i: usize| {
        themes
            .iter()
            .map(|t| f(t).map(|x| [x.0, x.1, x.2][i]))
            .collect::<Vec<_>>()
    };
    let mut frame = df!(
        "theme" => themes.iter().map(|t| t.theme.as_str()).collect::<Vec<_>>(),
        "hit_posts" => themes.iter().map(|t| t.hit_posts).collect::<Vec<_>>(),
        "no_hit_posts" => themes.iter().map(|t| t.no_hit_posts).collect::<Vec<_>>(),
        "coded_hits" => themes.iter().map(|t| t.coded_hits).collect::<Vec<_>>(),
        "relevant_hits" => themes.iter().map(|t| t.relevant_hits).collect::<Vec<_>>(),
        "coded_no_hits" => themes.iter().map(|t| t.coded_no_hits).collect::<Vec<_>>(),
        "relevant_no_hits" => themes.iter().map(|t| t.relevant_no_hits).collect::<Vec<_>>(),
        "unsure" => themes.iter().map(|t| t.unsure).collect::<Vec<_>>(),
        "uncoded" => themes.iter().map(|t| t.uncoded).collect::<Vec<_>>(),
        "precision" => triple(|t| t.precision, 0),
        "precision_ci_low" => triple(|t| t.precision, 1),
        "precision_ci_high" => triple(|t| t.precision, 2),
        "recall" => triple(|t| t.recall, 0),
        "recall_ci_low" => triple(|t| t.recall, 1),
        "recall_ci_high" => triple(|t| t.recall, 2),
        "f1" => triple(|t| t.f1, 0),
        "f1_ci_low" => triple(|t| t.f1, 1),
        "f1_ci_high" => triple(|t| t.f1, 2),
    )?;
    if themes.iter().any(|t| t.agreement.is_some()) {
        frame.with_column(Column::new(
            "kappa".into(),
            themes
                .iter()
                .map(|t| t.agreement.and_then(|a| a.0))
                .collect::<Vec<_>>(),
        ))?;
        frame.with_column(Column::new(
            "agreement".into(),
            themes
                .iter()
                .map(|t| t.agreement.map(|a| a.1))
                .collect::<Vec<_>>(),
        ))?;
        frame.with_column(Column::new(
            "compared".into(),
            themes
                .iter()
                .map(|t| t.agreement.map(|a| a.2))
                .collect::<Vec<_>>(),
        ))?;
    }
    let per_entry = df!(
        "theme" => entries.iter().map(|e| e.theme.as_str()).collect::<Vec<_>>(),
        "entry" => entries.iter().map(|e| e.entry.as_str()).collect::<Vec<_>>(),
        "coded" => entries.iter().map(|e| e.coded).collect::<Vec<_>>(),
        "relevant" => entries.iter().map(|e| e.relevant).collect::<Vec<_>>(),
        "precision" => entries.iter().map(|e| e.precision.map(|p| p.0)).collect::<Vec<_>>(),
        "precision_ci_low" => entries.iter().map(|e| e.precision.map(|p| p.1)).collect::<Vec<_>>(),
        "precision_ci_high" => entries.iter().map(|e| e.precision.map(|p| p.2)).collect::<Vec<_>>(),
    )?;
    Ok(vec![
        Table {
            name: "validation",
            frame,
        },
        Table {
            name: "validation_entries",
            frame: per_entry,
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservoirs_and_shuffles_are_uniform_and_seeded() {
        let draw = |seed| {
            let mut r = Reservoir::new(3, seed);
            for i in 0..100 {
                r.offer(|| i);
            }
            r.into_items()
        };
        assert_eq!(draw(1), draw(1));
        assert_ne!(draw(1), draw(2));
        // Every item has the same chance: over many seeds each of 10 items
        // is kept about 3/10 of the time.
        let mut kept = [0u32; 10];
        for seed in 0..20_000 {
            let mut r = Reservoir::new(3, seed);
            for i in 0..10 {
                r.offer(|| i);
            }
            for i in r.into_items() {
                kept[i] += 1;
            }
        }
        assert!(
            kept.iter().all(|&k| (5_600..6_400).contains(&k)),
            "{kept:?}"
        );
        let mut items: Vec<u32> = (0..10).collect();
        shuffle(&mut items, 3);
        let mut again: Vec<u32> = (0..10).collect();
        shuffle(&mut again, 3);
        assert_eq!(items, again);
        assert_ne!(items, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn kappa_by_hand() {
        // 10 rows: both yes 4, both no 3, a yes b no 2, a no b yes 1.
        let mut pairs = vec![(true, true); 4];
        pairs.extend([(false, false); 3]);
        pairs.extend([(true, false); 2]);
        pairs.push((false, true));
        // po = 0.7; a yes 0.6, b yes 0.5; pe = 0.3 + 0.2 = 0.5; kappa = 0.4.
        let (kappa, agree, n) = agreement(&pairs);
        assert!((kappa.unwrap() - 0.4).abs() < 1e-12);
        assert!((agree - 0.7).abs() < 1e-12);
        assert_eq!(n, 10);
        assert_eq!(
            agreement(&[(true, true)]).0,
            None,
            "chance agreement is total"
        );
    }

    #[test]
    fn marks_and_pieces() {
        assert_eq!(marked("be honest now", &[(3, 9)]), "be «honest» now");
        assert_eq!(
            pieces("be honest", &[(3, 9)]),
            [(false, "be ".to_owned()), (true, "honest".to_owned())]
        );
    }
}
