//! The closed sets the command line takes (formats, periods, endpoints,
//! log formats). Each wraps a library's own list (`ALL`, `name`,
//! `description`), so `--help`, error messages with "did you mean" and shell
//! completions all come from the one list the library parses job files with.

use clap::ValueEnum;
use clap::builder::PossibleValue;

/// A command-line value backed by a library enum with `ALL`, `name()` and
/// `description()`.
macro_rules! value_enum {
    ($(#[$doc:meta])* $name:ident($inner:ty)) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) struct $name(pub $inner);

        impl $name {
            const VARIANTS: [$name; <$inner>::ALL.len()] = {
                let mut out = [$name(<$inner>::ALL[0]); <$inner>::ALL.len()];
                let mut i = 1;
                while i < out.len() {
                    out[i] = $name(<$inner>::ALL[i]);
                    i += 1;
                }
                out
            };
        }

        impl ValueEnum for $name {
            fn value_variants<'a>() -> &'a [Self] {
                &Self::VARIANTS
            }

            fn to_possible_value(&self) -> Option<PossibleValue> {
                Some(PossibleValue::new(self.0.name()).help(self.0.description()))
            }
        }
    };
}

value_enum!(
    /// `import --format`.
    InputFormat(threadlens_ingest::Format)
);
value_enum!(
    /// `report --format` (and `score --format`, which writes two of them).
    TableFormat(threadlens_report::TableFormat)
);
value_enum!(
    /// `report --period`.
    PeriodArg(threadlens_report::Period)
);
value_enum!(
    /// `synth --format`.
    SynthFormat(threadlens_synth::CorpusFormat)
);
value_enum!(
    /// `--lexicon-format`, `lexicon convert --to`.
    LexiconFormatArg(threadlens_process::LexiconFormat)
);
value_enum!(
    /// `network --edges`.
    EdgeKindArg(threadlens_network::EdgeKind)
);
value_enum!(
    /// `network --format`.
    GraphFormatArg(threadlens_report::GraphFormat)
);
value_enum!(
    /// `collect x --endpoint`.
    Endpoint(threadlens_ingest::live::XEndpoint)
);

/// How log lines are written on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub(crate) enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line (timestamp, level, message, stage, fields),
    /// for schedulers and log collectors.
    Json,
}

/// How `kwic` prints its lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub(crate) enum KwicFormat {
    /// Aligned for reading in a terminal.
    #[default]
    Table,
    /// post_id, theme, entry, left, match, right; cells guarded against
    /// spreadsheet formulas like every CSV threadlens writes.
    Csv,
}

/// An IANA timezone by name; the refusal names the closest one.
pub(crate) fn timezone(name: &str) -> Result<chrono_tz::Tz, String> {
    name.parse().map_err(|_| {
        let names: Vec<&str> = chrono_tz::TZ_VARIANTS.iter().map(|t| t.name()).collect();
        let hint = threadlens_model::config::did_you_mean(name, &names).map_or_else(
            || " (e.g. \"Europe/London\")".to_owned(),
            |n| format!("; did you mean {n:?}?"),
        );
        format!("{name:?} is not an IANA timezone name{hint}")
    })
}

/// A wait in seconds, fractions allowed (`0.25`), at most an hour.
pub(crate) fn seconds(text: &str) -> Result<std::time::Duration, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds (e.g. 1 or 0.25)"))?;
    if !(0.0..=3600.0).contains(&value) {
        return Err(format!("{text:?}: give 0 to 3600 seconds"));
    }
    Ok(std::time::Duration::from_secs_f64(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_take_fractions_and_refuse_the_rest() {
        assert_eq!(seconds("0.25"), Ok(std::time::Duration::from_millis(250)));
        assert_eq!(seconds("2"), Ok(std::time::Duration::from_secs(2)));
        for bad in ["-1", "NaN", "inf", "1h", "", "3601"] {
            let err = seconds(bad).unwrap_err();
            assert!(err.contains(&format!("{bad:?}")), "{err}");
        }
    }

    fn names<T: ValueEnum>() -> Vec<String> {
        T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|v| v.get_name().to_owned())
            .collect()
    }

    #[test]
    fn every_library_value_is_offered_and_parses_back() {
        assert_eq!(names::<InputFormat>()[0], "auto");
        assert_eq!(
            names::<InputFormat>().len(),
            threadlens_ingest::Format::ALL.len()
        );
        for name in names::<InputFormat>() {
            assert_eq!(
                name.parse::<threadlens_ingest::Format>()
                    .map(|f| f.name())
                    .ok(),
                Some(name.as_str())
            );
        }
        for name in names::<TableFormat>() {
            assert!(
                name.parse::<threadlens_report::TableFormat>().is_ok(),
                "{name}"
            );
        }
        assert_eq!(names::<PeriodArg>(), ["hour", "day", "week"]);
        assert_eq!(names::<Endpoint>(), ["recent", "all"]);
        assert_eq!(
            names::<SynthFormat>(),
            ["twarc2", "x-v2", "mastodon", "bluesky", "jsonl"]
        );
        assert_eq!(names::<LogFormat>(), ["text", "json"]);
    }
}
