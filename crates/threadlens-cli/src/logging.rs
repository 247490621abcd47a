use tracing_subscriber::EnvFilter;

/// Log to stderr: warnings by default, `-v` info, `-vv` debug, `-vvv`
/// trace, `-q` errors only. `RUST_LOG` overrides. With `json`, one JSON
/// object per line (fields flattened beside `timestamp`, `level` and
/// `message`; the current stage span as `span`).
pub(crate) fn init(verbose: u8, quiet: bool, json: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    if json {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init();
    } else if verbose == 0 {
        // Timestamps only help when reading timings (-v and up).
        builder.with_ansi(ansi).without_time().init();
    } else {
        builder.with_ansi(ansi).init();
    }
}
