//! The dictionary formats a lexicon is read from (and some written to), and
//! how a file's format is told.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// A lexicon file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LexiconFormat {
    /// threadlens's own TOML (formats.md §3).
    Toml,
    /// LIWC's `.dic`: a `%`-delimited category table, then `entry<TAB>ids`.
    Liwc,
    /// LIWC-22's `.dicx`: CSV, the entry then one column per category.
    Dicx,
    /// quanteda's YAML dictionaries: keys (nested or not) to pattern lists.
    QuantedaYaml,
    /// Lexicoder's `.lc3`: `+category` lines, then its entries.
    Lexicoder,
    /// WordStat's `.cat`: categories by tab indentation, entries `WORD (1)`.
    Wordstat,
    /// Yoshikoder's `.ykd`: XML `cnode` categories and `pnode` patterns.
    Yoshikoder,
}

impl LexiconFormat {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [LexiconFormat; 7] = [
        LexiconFormat::Toml,
        LexiconFormat::Liwc,
        LexiconFormat::Dicx,
        LexiconFormat::QuantedaYaml,
        LexiconFormat::Lexicoder,
        LexiconFormat::Wordstat,
        LexiconFormat::Yoshikoder,
    ];

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            LexiconFormat::Toml => "toml",
            LexiconFormat::Liwc => "liwc",
            LexiconFormat::Dicx => "dicx",
            LexiconFormat::QuantedaYaml => "quanteda-yaml",
            LexiconFormat::Lexicoder => "lexicoder",
            LexiconFormat::Wordstat => "wordstat",
            LexiconFormat::Yoshikoder => "yoshikoder",
        }
    }

    /// What it is, in a line (for `--help`).
    pub fn description(self) -> &'static str {
        match self {
            LexiconFormat::Toml => {
                "threadlens TOML (docs/spec/formats.md §3): stems, prefixes, exact forms, phrases, hashtags"
            }
            LexiconFormat::Liwc => {
                "LIWC .dic: % category table %, then entry<TAB>category ids; `*` ends a prefix"
            }
            LexiconFormat::Dicx => {
                "LIWC-22 .dicx: CSV, the entry then one column per category marked X"
            }
            LexiconFormat::QuantedaYaml => {
                "quanteda YAML: keys (nested keys become parent_child) to lists of globs"
            }
            LexiconFormat::Lexicoder => {
                "Lexicoder .lc3: +category lines, each followed by its entries (read only)"
            }
            LexiconFormat::Wordstat => {
                "WordStat .cat: categories by tab indentation, entries WORD (1) (read only)"
            }
            LexiconFormat::Yoshikoder => {
                "Yoshikoder .ykd: XML cnode categories and pnode patterns (read only)"
            }
        }
    }

    /// Whether threadlens can write the format (`lexicon convert --to`).
    pub fn writable(self) -> bool {
        matches!(
            self,
            LexiconFormat::Toml
                | LexiconFormat::Liwc
                | LexiconFormat::Dicx
                | LexiconFormat::QuantedaYaml
        )
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            LexiconFormat::Toml => "toml",
            LexiconFormat::Liwc => "dic",
            LexiconFormat::Dicx => "dicx",
            LexiconFormat::QuantedaYaml => "yml",
            LexiconFormat::Lexicoder => "lc3",
            LexiconFormat::Wordstat => "cat",
            LexiconFormat::Yoshikoder => "ykd",
        }
    }

    /// Tell a file's format from its content, then its extension; TOML
    /// when nothing says otherwise.
    pub fn detect(path: &Path, bytes: &[u8]) -> LexiconFormat {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(64 << 10)]);
        let head = head.trim_start_matches('\u{feff}');
        let first = head
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .unwrap_or_default();
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if first == "%" {
            return LexiconFormat::Liwc;
        }
        if first.starts_with("<?xml") || first.starts_with("<dictionary") {
            return LexiconFormat::Yoshikoder;
        }
        if first.starts_with("[lexicon]") || first.starts_with("[[theme]]") {
            return LexiconFormat::Toml;
        }
        if first.starts_with('+') && extension != "toml" {
            return LexiconFormat::Lexicoder;
        }
        match extension.as_str() {
            "dic" => LexiconFormat::Liwc,
            "dicx" => LexiconFormat::Dicx,
            "yml" | "yaml" => LexiconFormat::QuantedaYaml,
            "lc3" => LexiconFormat::Lexicoder,
            "cat" => LexiconFormat::Wordstat,
            "ykd" => LexiconFormat::Yoshikoder,
            _ => LexiconFormat::Toml,
        }
    }
}

impl fmt::Display for LexiconFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for LexiconFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LexiconFormat::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                format!(
                    "unknown lexicon format `{s}` (known: {})",
                    LexiconFormat::ALL.map(LexiconFormat::name).join(", ")
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_content_first() {
        let detect =
            |name: &str, text: &str| LexiconFormat::detect(Path::new(name), text.as_bytes());
        assert_eq!(
            detect("x.txt", "%\n1\tposemo\n%\nhappy\t1\n"),
            LexiconFormat::Liwc
        );
        assert_eq!(detect("x.dic", "%\n"), LexiconFormat::Liwc);
        assert_eq!(
            detect("x.txt", "[lexicon]\nname = \"a\"\n"),
            LexiconFormat::Toml
        );
        assert_eq!(
            detect("x.txt", "+positive\ngood\n"),
            LexiconFormat::Lexicoder
        );
        assert_eq!(
            detect("x.xml", "<?xml version=\"1.0\"?>\n<dictionary>"),
            LexiconFormat::Yoshikoder
        );
        assert_eq!(detect("x.dicx", "DicTerm,a\nx,X\n"), LexiconFormat::Dicx);
        assert_eq!(detect("x.yml", "a:\n  - x\n"), LexiconFormat::QuantedaYaml);
        assert_eq!(
            detect("x.cat", "POSITIVE\n\tGOOD (1)\n"),
            LexiconFormat::Wordstat
        );
        assert_eq!(detect("lexicon", "[[theme]]\n"), LexiconFormat::Toml);
        for format in LexiconFormat::ALL {
            assert_eq!(format.name().parse::<LexiconFormat>(), Ok(format));
        }
    }
}
