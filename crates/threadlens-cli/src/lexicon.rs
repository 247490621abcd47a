//! `threadlens lexicon check|explain`: see a lexicon as threadlens reads it.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use threadlens_process::{Lexicon, analyze, score_text, stem};

use crate::UsageError;
use crate::cli::LexiconCommand;

/// Run `threadlens lexicon ...`.
pub(crate) fn run(command: &LexiconCommand) -> Result<ExitCode> {
    match command {
        LexiconCommand::Check { file } => check(file),
        LexiconCommand::Explain { file, text } => explain(file, text),
    }
}

/// A lexicon that cannot be used is a configuration error (exit 2).
pub(crate) fn load(file: &Path) -> Result<Lexicon> {
    let lexicon = Lexicon::from_file(file).map_err(|e| UsageError(e.to_string()))?;
    for warning in &lexicon.warnings {
        tracing::warn!("{warning}");
    }
    Ok(lexicon)
}

fn check(file: &Path) -> Result<ExitCode> {
    let lexicon = load(file)?;
    let mut out = std::io::stdout().lock();
    let entries: usize = lexicon.themes.iter().map(|t| t.entries.len()).sum();
    writeln!(
        out,
        "{}: lexicon {} {} ({}), {} themes, {entries} entries: valid",
        file.display(),
        lexicon.name,
        lexicon.version,
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
    let lexicon = load(file)?;
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
