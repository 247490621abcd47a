//! `threadlens kwic`: every match of a lexicon in the stored posts, in
//! context, as an aligned terminal view or CSV.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Result;
use threadlens_model::config::{did_you_mean, unknown_value};
use threadlens_process::{KwicLine, Lexicon, kwic_texts};
use threadlens_report::guard_cell;
use unicode_width::UnicodeWidthStr;

use crate::UsageError;
use crate::cli::KwicArgs;
use crate::prefetch::prefetch;
use crate::score::{BATCH_ROWS, existing_store, scored_kinds};

/// Which (theme, entry) pairs to show, from `--theme` and `--entry`.
struct Selection {
    /// Per theme, per entry: shown or not.
    shown: Vec<Vec<bool>>,
}

impl Selection {
    fn new(lexicon: &Lexicon, themes: &[String], entries: &[String]) -> Result<Selection> {
        let known: Vec<&str> = lexicon.themes.iter().map(|t| t.id.as_str()).collect();
        let unknown: Vec<String> = themes
            .iter()
            .filter(|wanted| !known.contains(&wanted.as_str()))
            .map(|wanted| format!("--theme: {}", unknown_value("theme", wanted, &known)))
            .collect();
        let theme_shown = |id: &String| themes.is_empty() || themes.contains(id);
        let entry_texts = |only_chosen: bool| -> Vec<&str> {
            lexicon
                .themes
                .iter()
                .filter(|t| !only_chosen || theme_shown(&t.id))
                .flat_map(|t| t.entries.iter().map(|e| e.text.as_str()))
                .collect()
        };
        let (chosen, all) = (entry_texts(true), entry_texts(false));
        let unknown_entries = entries
            .iter()
            .filter(|wanted| !chosen.contains(&wanted.as_str()))
            .map(|wanted| {
                let hint = did_you_mean(wanted, &all)
                    .map(|e| format!("; did you mean {e:?}?"))
                    .unwrap_or_else(|| {
                        " (entries are matched as written; see `threadlens lexicon check`)".into()
                    });
                format!("--entry: no entry {wanted:?} in the chosen themes{hint}")
            });
        let problems: Vec<String> = unknown.into_iter().chain(unknown_entries).collect();
        if !problems.is_empty() {
            return Err(UsageError(format!(
                "not in lexicon {} (themes: {}):\n  {}",
                lexicon.name,
                known.join(", "),
                problems.join("\n  ")
            ))
            .into());
        }
        let shown = lexicon
            .themes
            .iter()
            .map(|t| {
                t.entries
                    .iter()
                    .map(|e| {
                        theme_shown(&t.id) && (entries.is_empty() || entries.contains(&e.text))
                    })
                    .collect()
            })
            .collect();
        Ok(Selection { shown })
    }

    fn keeps(&self, theme: usize, entry: usize) -> bool {
        self.shown[theme][entry]
    }
}

/// Writes lines as CSV or as an aligned table.
enum Printer<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Table {
        out: W,
        window: usize,
        theme_width: usize,
        bold: bool,
    },
}

impl<W: Write> Printer<W> {
    fn header(&mut self) -> Result<()> {
        if let Printer::Csv(csv) = self {
            csv.write_record(["post_id", "theme", "entry", "left", "match", "right"])?;
        }
        Ok(())
    }

    fn line(&mut self, lexicon: &Lexicon, post_id: &str, line: &KwicLine) -> Result<()> {
        let theme = &lexicon.themes[line.theme];
        let entry = &theme.entries[line.entry].text;
        match self {
            Printer::Csv(csv) => csv.write_record(
                [
                    post_id,
                    &theme.id,
                    entry,
                    &line.left,
                    &line.matched,
                    &line.right,
                ]
                .map(|cell| guard_cell(cell).into_owned()),
            )?,
            Printer::Table {
                out,
                window,
                theme_width,
                bold,
            } => {
                let pad_left = window.saturating_sub(line.left.width());
                let pad_right = window.saturating_sub(line.right.width());
                let matched = if *bold {
                    format!("\u{1b}[1m{}\u{1b}[0m", line.matched)
                } else {
                    line.matched.clone()
                };
                writeln!(
                    out,
                    "{:<tw$}  {:pad_left$}{}{}{}{:pad_right$}  {post_id}  ({entry})",
                    theme.id,
                    "",
                    line.left,
                    matched,
                    line.right,
                    "",
                    tw = *theme_width,
                )?;
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        match self {
            Printer::Csv(csv) => csv.flush()?,
            Printer::Table { out, .. } => out.flush()?,
        }
        Ok(())
    }
}

/// Run `threadlens kwic`.
pub(crate) fn run(args: &KwicArgs) -> Result<ExitCode> {
    let lexicon = crate::lexicon::load(&args.lexicon)?;
    let selection = Selection::new(&lexicon, &args.theme, &args.entry)?;
    let store = existing_store(&args.data)?;
    let stdout = std::io::stdout();
    let mut printer = if args.format == crate::values::KwicFormat::Csv {
        Printer::Csv(Box::new(csv::Writer::from_writer(stdout.lock())))
    } else {
        Printer::Table {
            bold: stdout.is_terminal(),
            out: stdout.lock(),
            window: args.window,
            theme_width: lexicon.themes.iter().map(|t| t.id.len()).max().unwrap_or(0),
        }
    };
    printer.header()?;
    let limit = args.limit.unwrap_or(usize::MAX);
    let mut shown = 0;
    let texts = store.read_texts(BATCH_ROWS, scored_kinds(args.include_reposts))?;
    for batch in prefetch(texts, 2) {
        let posts = batch?;
        let lines = kwic_texts(
            &lexicon,
            &posts.text.to_slices(),
            args.window,
            |theme, entry| selection.keeps(theme, entry),
        );
        for (post, line) in &lines {
            if shown == limit {
                break;
            }
            printer.line(&lexicon, posts.post_id.get(*post).unwrap_or_default(), line)?;
            shown += 1;
        }
        if shown == limit {
            break;
        }
    }
    printer.flush()?;
    tracing::info!("{shown} lines");
    Ok(ExitCode::SUCCESS)
}
