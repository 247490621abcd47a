//! `threadlens lexicon check|explain|convert`: see a lexicon as threadlens
//! reads it, and move it between formats.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use threadlens_process::{Lexicon, ReadOptions, analyze, score_text, stem, write_lexicon};

use crate::UsageError;
use crate::cli::{LexiconArgs, LexiconCommand};
use crate::values::LexiconFormatArg;

/// Run `threadlens lexicon ...`.
pub(crate) fn run(command: &LexiconCommand) -> Result<ExitCode> {
    match command {
        LexiconCommand::Check {
            file,
            format,
            skip_invalid,
        } => check(&LexiconArgs {
            path: file.clone(),
            format: *format,
            skip_invalid: *skip_invalid,
        }),
        LexiconCommand::Explain { file, text } => explain(file, text),
        LexiconCommand::Audit(args) => audit(args),
        LexiconCommand::Convert {
            input,
            to,
            out,
            from,
            skip_invalid,
        } => convert(input, *from, *to, out, *skip_invalid),
    }
}

/// A lexicon that cannot be used is a configuration error (exit 2); what
/// was left out (`--skip-invalid`) and repeated entries are warnings.
pub(crate) fn load(args: &LexiconArgs) -> Result<Lexicon> {
    let options = ReadOptions {
        format: args.format.map(|f| f.0),
        skip_invalid: args.skip_invalid,
    };
    let lexicon = Lexicon::read(&args.path, options).map_err(|e| UsageError(e.to_string()))?;
    for warning in &lexicon.warnings {
        tracing::warn!("{warning}");
    }
    for skipped in &lexicon.skipped {
        tracing::warn!("{}: left out {skipped}", args.path.display());
    }
    Ok(lexicon)
}

/// Load a lexicon given by path alone (its format detected, nothing skipped).
pub(crate) fn load_path(path: &Path) -> Result<Lexicon> {
    load(&LexiconArgs {
        path: path.to_owned(),
        format: None,
        skip_invalid: false,
    })
}

fn convert(
    input: &Path,
    from: Option<LexiconFormatArg>,
    to: LexiconFormatArg,
    out: &Path,
    skip_invalid: bool,
) -> Result<ExitCode> {
    if !to.0.writable() {
        return Err(UsageError(format!(
            "threadlens reads {} dictionaries but does not write them (it writes toml, liwc, dicx and quanteda-yaml)",
            to.0
        ))
        .into());
    }
    let lexicon = load(&LexiconArgs {
        path: input.to_owned(),
        format: from,
        skip_invalid,
    })?;
    let (text, skipped) = write_lexicon(&lexicon, to.0, skip_invalid, input)
        .map_err(|e| UsageError(e.to_string()))?;
    threadlens_store::write_atomically(out, |w| {
        w.write_all(text.as_bytes())
            .map_err(|source| threadlens_store::Error::Io {
                path: out.to_owned(),
                source,
            })
    })
    .with_context(|| format!("cannot write {}", out.display()))?;
    for s in &skipped {
        tracing::warn!("{}: not written: {s}", out.display());
    }
    let entries: usize = lexicon.themes.iter().map(|t| t.entries.len()).sum();
    let left_out = lexicon.skipped.len() + skipped.len();
    writeln!(
        std::io::stdout().lock(),
        "{}: {} themes, {} entries as {}{}",
        out.display(),
        lexicon.themes.len(),
        entries - skipped.len(),
        to.0,
        match left_out {
            0 => String::new(),
            n => format!(" ({n} left out, listed above)"),
        }
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Audit a lexicon over a store: every batch of posts scanned in parallel.
pub(crate) fn audit_store(
    lexicon: &Lexicon,
    store: &threadlens_store::PostStore,
    include_reposts: bool,
) -> Result<threadlens_process::Audit> {
    let mut audit = threadlens_process::Audit::default();
    let kinds = crate::score::scored_kinds(include_reposts);
    let texts = store.read_texts(crate::score::BATCH_ROWS, kinds)?;
    for batch in crate::prefetch::prefetch(texts, 2) {
        let posts = batch?;
        audit.merge(threadlens_process::audit_texts(
            lexicon,
            &posts.text.to_slices(),
        ));
    }
    Ok(audit)
}

fn audit(args: &crate::cli::AuditArgs) -> Result<ExitCode> {
    use threadlens_report::{AuditFindings, TableFormat, audit_tables, write_tables};
    let lexicon = load(&args.lexicon)?;
    let store = crate::score::existing_store(&args.data)?;
    let out_dir = args.out.clone().unwrap_or_else(|| args.data.join("audit"));
    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("cannot create {}", out_dir.display()))?;
    let audit = audit_store(&lexicon, &store, args.include_reposts)?;
    let report = audit.report(&lexicon, args.min_occurrences, args.near_misses);
    let tables = audit_tables(&report, &lexicon).context("cannot build the audit tables")?;
    let mut written = write_tables(
        &out_dir,
        &tables,
        &[TableFormat::Csv, TableFormat::Parquet],
        None,
    )?;
    let findings = AuditFindings::new(&report, &lexicon, args.forms);
    let title = format!(
        "Audit of lexicon {} over {} posts of {}",
        lexicon.name,
        report.posts,
        args.data.display()
    );
    let md = out_dir.join("audit.md");
    threadlens_store::write_atomically(&md, |w| {
        w.write_all(findings.markdown(&title).as_bytes())
            .map_err(|source| threadlens_store::Error::Io {
                path: md.clone(),
                source,
            })
    })?;
    written.push(md);
    let mut out = std::io::stdout().lock();
    writeln!(out, "{title}")?;
    for (heading, lines) in &findings.sections {
        writeln!(out, "\n{heading}: {}", lines.len())?;
        for line in lines.iter().take(args.forms.max(3)) {
            writeln!(out, "  {line}")?;
        }
        if lines.len() > args.forms.max(3) {
            writeln!(
                out,
                "  ... ({} more in audit.md)",
                lines.len() - args.forms.max(3)
            )?;
        }
    }
    writeln!(
        out,
        "\nwrote {} files in {}",
        written.len(),
        out_dir.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

fn check(args: &LexiconArgs) -> Result<ExitCode> {
    let file = args.path.as_path();
    let lexicon = load(args)?;
    let mut out = std::io::stdout().lock();
    let entries: usize = lexicon.themes.iter().map(|t| t.entries.len()).sum();
    writeln!(
        out,
        "{}: lexicon {}{} ({}{}), {} themes, {entries} entries: valid",
        file.display(),
        lexicon.name,
        if lexicon.version.is_empty() {
            String::new()
        } else {
            format!(" {}", lexicon.version)
        },
        match lexicon.format {
            threadlens_process::LexiconFormat::Toml => String::new(),
            other => format!("{other}, "),
        },
        lexicon.language,
        lexicon.themes.len()
    )?;
    for theme in &lexicon.themes {
        let label = theme
            .label
            .as_deref()
            .map(|l| format!(" ({l})"))
            .unwrap_or_default();
        writeln!(
            out,
            "\n{}{label}: {} entries",
            theme.id,
            theme.entries.len()
        )?;
        if let Some(description) = &theme.description {
            writeln!(out, "  {description}")?;
        }
        let width = theme
            .entries
            .iter()
            .map(|e| e.text.chars().count())
            .max()
            .unwrap_or(0);
        for entry in &theme.entries {
            writeln!(out, "  {:width$}  {}", entry.text, entry.pattern)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn explain(file: &Path, text: &str) -> Result<ExitCode> {
    let lexicon = load_path(file)?;
    let analysis = analyze(text);
    let score = score_text(&lexicon, text);
    let chars: Vec<char> = analysis.normalized.chars().collect();
    let span = |start: usize, end: usize| chars[start..end].iter().collect::<String>();
    let mut out = std::io::stdout().lock();
    writeln!(out, "normalised: {}", analysis.normalized)?;
    writeln!(
        out,
        "word_count {}, emoji_count {}",
        score.word_count, score.emoji_count
    )?;
    writeln!(out, "units (form, stem, characters):")?;
    for (i, unit) in analysis.units.iter().enumerate() {
        let from = unit
            .hashtag
            .map(|h| format!("  in #{}", analysis.hashtags[h].tag))
            .unwrap_or_default();
        writeln!(
            out,
            "  {i:>3} {:<16} {:<14} {}..{}{from}",
            unit.form,
            stem(&unit.form),
            unit.start,
            unit.end
        )?;
    }
    for (theme, result) in lexicon.themes.iter().zip(&score.themes) {
        writeln!(
            out,
            "{}: {} hits, score {:.2}",
            theme.id, result.hits, result.score
        )?;
        for m in &result.matches {
            let entry = &theme.entries[m.entry];
            writeln!(
                out,
                "  {:?} matched {:?} at {}..{}",
                entry.text,
                span(m.start, m.end),
                m.start,
                m.end
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
