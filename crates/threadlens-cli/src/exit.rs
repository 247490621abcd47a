//! The exit codes, defined once: the `Exit codes` sections of `--help`,
//! the troubleshooting guide and the scripts that schedule threadlens all
//! read this list (a test checks the guide against it).

use std::process::ExitCode;

/// How a `threadlens` command ended; [`Exit::meaning`] says what each means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// 0.
    Success,
    /// 1.
    Failure,
    /// 2.
    Usage,
    /// 3.
    Warnings,
    /// 4.
    Locked,
}

impl Exit {
    /// Every exit status, by code.
    pub(crate) const ALL: [Exit; 5] = [
        Exit::Success,
        Exit::Failure,
        Exit::Usage,
        Exit::Warnings,
        Exit::Locked,
    ];

    /// The process exit code.
    pub(crate) fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::Usage => 2,
            Exit::Warnings => 3,
            Exit::Locked => 4,
        }
    }

    /// What it means, in a sentence.
    pub(crate) fn meaning(self) -> &'static str {
        match self {
            Exit::Success => "everything asked for was done",
            Exit::Failure => {
                "something failed while running (an unreadable file, a store or report that could not be written); what was done before is kept"
            }
            Exit::Usage => {
                "usage or configuration error found before any work (a bad option, job file, lexicon or schedule, a missing file or secret); nothing was written or sent"
            }
            Exit::Warnings => {
                "finished with warnings: some sources stopped early (rate limit beyond --max-wait, retries exhausted, a refused token) and, for `run`, new rejects or incomplete threads; what was collected is kept, run again to resume"
            }
            Exit::Locked => "another run of the same job holds its lock; this one did nothing",
        }
    }

    /// The `Exit codes:` section of a command's help, for the codes it can
    /// return.
    pub(crate) fn help(codes: &[Exit]) -> String {
        let mut text = String::from("Exit codes:");
        for code in codes {
            text.push_str(&format!("\n  {}", code.code()));
            // Wrapped here, with a hanging indent, so help stays aligned.
            let mut width = 3;
            for word in code.meaning().split(' ') {
                if width + 1 + word.len() > 76 {
                    text.push_str("\n    ");
                    width = 4;
                } else {
                    text.push(' ');
                    width += 1;
                }
                text.push_str(word);
                width += word.len();
            }
        }
        text
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}

/// The codes every command can return.
pub(crate) const COMMON: [Exit; 3] = [Exit::Success, Exit::Failure, Exit::Usage];
/// The codes of `collect`.
pub(crate) const COLLECT: [Exit; 4] = [Exit::Success, Exit::Failure, Exit::Usage, Exit::Warnings];

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/troubleshooting.md lists exactly these codes, as defined here.
    #[test]
    fn the_troubleshooting_guide_lists_every_code_as_defined_here() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/troubleshooting.md");
        let guide = std::fs::read_to_string(path).unwrap_or_default();
        let listed: Vec<&str> = guide.lines().filter(|l| l.starts_with("- `")).collect();
        let expected: Vec<String> = Exit::ALL
            .iter()
            .map(|e| format!("- `{}` {}", e.code(), e.meaning()))
            .collect();
        assert_eq!(listed, expected, "{path}");
    }

    #[test]
    fn help_lists_the_codes_wrapped_and_indented() {
        let help = Exit::help(&Exit::ALL);
        assert!(help.starts_with("Exit codes:\n  0 everything asked for was done\n  1 "));
        assert!(help.lines().all(|l| l.len() <= 78), "{help}");
        assert_eq!(
            help.lines()
                .filter(|l| l.starts_with("  ") && !l.starts_with("    "))
                .count(),
            5
        );
    }
}
