//! `threadlens synth`: a synthetic collection in a platform's format.

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use threadlens_report::Schedule;
use threadlens_synth::{SynthEvent, SynthSlot, write_corpus};

use crate::UsageError;
use crate::cli::SynthArgs;

/// The event a schedule describes, as the generator needs it.
pub(crate) fn event_of(schedule: &Schedule) -> SynthEvent {
    SynthEvent {
        account: schedule.account.clone(),
        hashtag: schedule.hashtags.first().map_or_else(
            || "SolvingTogether".to_owned(),
            |h| h.trim_start_matches('#').to_owned(),
        ),
        slots: schedule
            .slots
            .iter()
            .map(|s| SynthSlot {
                hosts: s.hosts.clone(),
                start_ms: s.start.timestamp_millis(),
                end_ms: s.end.timestamp_millis(),
            })
            .collect(),
    }
}

/// Run `threadlens synth`.
pub(crate) fn run(args: &SynthArgs) -> Result<ExitCode> {
    let format = args.format.0;
    let event = match &args.schedule {
        Some(path) => event_of(&Schedule::from_file(path).map_err(|e| UsageError(e.to_string()))?),
        None => SynthEvent::default_day(),
    };
    let clock = std::time::Instant::now();
    let file = std::fs::File::create(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let written = write_corpus(args.seed, args.posts, event, format, &mut out)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    out.flush()
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    let seconds = clock.elapsed().as_secs_f64();
    writeln!(
        std::io::stdout().lock(),
        "{}: {} synthetic posts ({format}, seed {}), {:.1} MB in {seconds:.2} s",
        args.out.display(),
        written.posts,
        args.seed,
        written.bytes as f64 / 1e6
    )?;
    Ok(ExitCode::SUCCESS)
}
