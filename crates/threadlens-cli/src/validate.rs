//! `threadlens validate sample|score`: a stratified random sample of posts
//! per theme for hand coding, and the coded file read back into
//! precision, recall and F1 with intervals.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use threadlens_process::map_scans;
use threadlens_report::{
    DESIGN_VERSION, DesignFile, DesignRow, Reservoir, SampleDesign, SampledPost, Stratum,
    TableFormat, design_path, file_sha256, read_coded, shuffle, validate, validation_tables,
    write_sample, write_tables,
};

use crate::UsageError;
use crate::cli::{ValidateCommand, ValidateSampleArgs, ValidateScoreArgs};
use crate::prefetch::prefetch;
use crate::score::{BATCH_ROWS, existing_store, scored_kinds};

/// Run `threadlens validate ...`.
pub(crate) fn run(command: &ValidateCommand) -> Result<ExitCode> {
    match command {
        ValidateCommand::Sample(args) => sample(args),
        ValidateCommand::Score(args) => score(args),
    }
}

/// What the sample keeps of a post drawn for a theme.
#[derive(Debug, Clone)]
struct Candidate {
    post_id: String,
    platform: String,
    text: String,
    highlights: Vec<(usize, usize)>,
    entries: Vec<String>,
}

/// One theme's matches in a post: the entries, and their spans.
type ThemeHits = (Vec<String>, Vec<(usize, usize)>);

/// One post's scan, per theme.
struct PostHits {
    normalized: String,
    themes: Vec<ThemeHits>,
}

fn sample(args: &ValidateSampleArgs) -> Result<ExitCode> {
    let extension = args
        .out
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if !matches!(extension.as_deref(), Some("xlsx" | "csv")) {
        return Err(UsageError(format!(
            "--out {}: the sample is written as .xlsx or .csv",
            args.out.display()
        ))
        .into());
    }
    if args.per_theme == 0 && args.negatives == 0 {
        return Err(
            UsageError("--per-theme and --negatives are both 0: nothing to draw".into()).into(),
        );
    }
    let lexicon = crate::lexicon::load(&args.lexicon)?;
    let store = existing_store(&args.data)?;
    let themes = &lexicon.themes;
    // One generator stream per theme and stratum, so a theme's draws do
    // not depend on the others'.
    let stream = |t: usize, s: u64| args.seed ^ ((t as u64 + 1) << 32) ^ (s << 16);
    let mut hits: Vec<Reservoir<Candidate>> = (0..themes.len())
        .map(|t| Reservoir::new(args.per_theme, stream(t, 0)))
        .collect();
    let mut misses: Vec<Reservoir<Candidate>> = (0..themes.len())
        .map(|t| Reservoir::new(args.negatives, stream(t, 1)))
        .collect();
    let mut scored = 0u64;
    let texts = store.read_texts(BATCH_ROWS, scored_kinds(args.include_reposts))?;
    for batch in prefetch(texts, 2) {
        let posts = batch?;
        let texts = posts.text.to_slices();
        let scans: Vec<PostHits> = map_scans(&lexicon, &texts, |_, scan| PostHits {
            normalized: scan.normalized.to_owned(),
            themes: (0..themes.len())
                .map(|t| {
                    let matches: Vec<_> = scan.matches.iter().filter(|m| m.theme == t).collect();
                    let mut entries: Vec<String> = matches
                        .iter()
                        .map(|m| themes[t].entries[m.entry].text.clone())
                        .collect();
                    entries.sort();
                    entries.dedup();
                    (entries, matches.iter().map(|m| (m.start, m.end)).collect())
                })
                .collect(),
        });
        for (i, scan) in scans.into_iter().enumerate() {
            scored += 1;
            for (t, (entries, spans)) in scan.themes.into_iter().enumerate() {
                let candidate = || Candidate {
                    post_id: posts.post_id.get(i).unwrap_or_default().to_owned(),
                    platform: posts.platform[i].as_str().to_owned(),
                    text: if args.show_matches {
                        scan.normalized.clone()
                    } else {
                        texts[i].to_owned()
                    },
                    highlights: if args.show_matches {
                        spans.clone()
                    } else {
                        Vec::new()
                    },
                    entries: entries.clone(),
                };
                if entries.is_empty() {
                    misses[t].offer(candidate);
                } else {
                    hits[t].offer(candidate);
                }
            }
        }
    }
    let mut strata = Vec::new();
    let mut drawn: Vec<SampledPost> = Vec::new();
    for (t, (hit, miss)) in hits.into_iter().zip(misses).enumerate() {
        let theme = &themes[t];
        let (hit_posts, no_hit_posts) = (hit.seen(), miss.seen());
        let rows = hit
            .into_items()
            .into_iter()
            .map(|c| (c, "hit"))
            .chain(miss.into_items().into_iter().map(|c| (c, "no_hit")));
        let before = drawn.len();
        for (c, stratum) in rows {
            drawn.push(SampledPost {
                row: DesignRow {
                    sample_id: 0,
                    post_id: c.post_id,
                    platform: c.platform,
                    theme: theme.id.clone(),
                    stratum: stratum.to_owned(),
                    entries: c.entries,
                },
                label: theme.label.clone().unwrap_or_else(|| theme.id.clone()),
                description: theme.description.clone().unwrap_or_default(),
                text: c.text,
                highlights: c.highlights,
            });
        }
        let sampled_hit = drawn[before..]
            .iter()
            .filter(|p| p.row.stratum == "hit")
            .count() as u64;
        strata.push(Stratum {
            theme: theme.id.clone(),
            hit: hit_posts,
            no_hit: no_hit_posts,
            sampled_hit,
            sampled_no_hit: (drawn.len() - before) as u64 - sampled_hit,
        });
    }
    // Shuffled, so the coder cannot tell hits from posts without one.
    shuffle(&mut drawn, args.seed);
    for (n, post) in drawn.iter_mut().enumerate() {
        post.row.sample_id = n as u32 + 1;
    }
    let design = SampleDesign {
        threadlens_sample: DESIGN_VERSION,
        seed: args.seed,
        per_theme: args.per_theme,
        negatives: args.negatives,
        include_reposts: args.include_reposts,
        lexicon: DesignFile {
            name: format!("{} {}", lexicon.name, lexicon.version)
                .trim()
                .to_owned(),
            sha256: file_sha256(&args.lexicon.path)?,
        },
        store: DesignFile {
            name: format!("{} posts scored", scored),
            sha256: file_sha256(&store.posts_path())?,
        },
        strata,
        rows: drawn.iter().map(|p| p.row.clone()).collect(),
    };
    if let Some(parent) = args.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    write_sample(&args.out, &drawn)?;
    let design_file = design_path(&args.out);
    let json = serde_json::to_vec_pretty(&design)?;
    threadlens_store::write_atomically(&design_file, |w| {
        w.write_all(&json)
            .map_err(|source| threadlens_store::Error::Io {
                path: design_file.clone(),
                source,
            })
    })?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}: {} rows to code ({} posts scored; seed {})",
        args.out.display(),
        drawn.len(),
        scored,
        args.seed
    )?;
    for s in &design.strata {
        writeln!(
            out,
            "  {}: {} of {} posts with a hit, {} of {} without",
            s.theme, s.sampled_hit, s.hit, s.sampled_no_hit, s.no_hit
        )?;
    }
    writeln!(
        out,
        "{}: the design (keep it beside the sample)",
        design_file.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

fn read_design(sample: &Path) -> Result<SampleDesign> {
    let path = design_path(sample);
    let bytes = std::fs::read(&path).map_err(|e| {
        UsageError(format!(
            "{}: {e} (the design written by `threadlens validate sample` must stay beside the sample)",
            path.display()
        ))
    })?;
    let design: SampleDesign = serde_json::from_slice(&bytes)
        .map_err(|e| UsageError(format!("{}: not a sample design: {e}", path.display())))?;
    if design.threadlens_sample != DESIGN_VERSION {
        return Err(UsageError(format!(
            "{}: design version {} (this threadlens reads {DESIGN_VERSION})",
            path.display(),
            design.threadlens_sample
        ))
        .into());
    }
    Ok(design)
}

fn score(args: &ValidateScoreArgs) -> Result<ExitCode> {
    let design = read_design(&args.sample)?;
    let coded = read_coded(&args.sample, &design).map_err(|e| UsageError(e.to_string()))?;
    let second = match &args.second_coder {
        Some(path) => Some(read_coded(path, &design).map_err(|e| UsageError(e.to_string()))?),
        None => None,
    };
    let (themes, entries) = validate(&design, &coded, second.as_deref());
    if themes.iter().all(|t| t.coded_hits + t.coded_no_hits == 0) {
        return Err(UsageError(format!(
            "{}: no row is coded yes or no yet (fill the `relevant` column)",
            args.sample.display()
        ))
        .into());
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let tables =
        validation_tables(&themes, &entries).context("cannot build the validation tables")?;
    let written = write_tables(
        &args.out,
        &tables,
        &[TableFormat::Csv, TableFormat::Parquet],
        None,
    )?;
    let md = args.out.join("validation.md");
    let summary = markdown(&themes, &design);
    threadlens_store::write_atomically(&md, |w| {
        w.write_all(summary.as_bytes())
            .map_err(|source| threadlens_store::Error::Io {
                path: md.clone(),
                source,
            })
    })?;
    let mut out = std::io::stdout().lock();
    write!(out, "{summary}")?;
    writeln!(
        out,
        "\nwrote {} files in {}",
        written.len() + 1,
        args.out.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `0.73 (0.61–0.83)`, or `–` when there is nothing to estimate.
fn shown(value: Option<(f64, f64, f64)>) -> String {
    value.map_or_else(
        || "–".to_owned(),
        |(v, low, high)| format!("{v:.2} ({low:.2}–{high:.2})"),
    )
}

/// The validation as a Markdown table, one row per theme.
fn markdown(themes: &[threadlens_report::ThemeValidation], design: &SampleDesign) -> String {
    let mut out = format!(
        "# Validation of lexicon {}\n\n{} rows coded by hand (seed {}); 95% intervals.\n\n| theme | precision | recall | F1 | coded hits | coded non-hits | unsure | uncoded |",
        design.lexicon.name,
        design.rows.len(),
        design.seed
    );
    let second = themes.iter().any(|t| t.agreement.is_some());
    if second {
        out.push_str(" kappa | agreement |");
    }
    out.push_str("\n| --- | --- | --- | --- | ---: | ---: | ---: | ---: |");
    if second {
        out.push_str(" ---: | ---: |");
    }
    for t in themes {
        out.push_str(&format!(
            "\n| {} | {} | {} | {} | {} ({} relevant) | {} ({} relevant) | {} | {} |",
            t.theme.replace('|', "\\|"),
            shown(t.precision),
            shown(t.recall),
            shown(t.f1),
            t.coded_hits,
            t.relevant_hits,
            t.coded_no_hits,
            t.relevant_no_hits,
            t.unsure,
            t.uncoded
        ));
        if let Some((kappa, agreement, n)) = t.agreement {
            out.push_str(&format!(
                " {} | {:.0}% of {n} |",
                kappa.map_or_else(|| "–".to_owned(), |k| format!("{k:.2}")),
                agreement * 100.0
            ));
        }
    }
    out.push_str("\n\nPrecision: relevant among coded hits (Wilson interval). Recall: estimated hits that are relevant over estimated relevant posts, weighting each stratum by its size in the store; its interval and F1's combine the strata's 97.5% Wilson intervals (together at least 95%). Rows coded unsure or left empty are not counted.\n");
    out
}
