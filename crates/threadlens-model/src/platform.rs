use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::Error;

/// The network a post comes from (`platform` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// Twitter / X.
    X,
    /// Mastodon (any instance).
    Mastodon,
    /// Bluesky (AT Protocol).
    Bluesky,
    /// A generic import whose network is not known (jsonl, csv).
    Import,
}

impl Platform {
    /// Every platform, in column order.
    pub const ALL: [Platform; 4] = [
        Platform::X,
        Platform::Mastodon,
        Platform::Bluesky,
        Platform::Import,
    ];

    /// The name stored in the `platform` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::X => "x",
            Platform::Mastodon => "mastodon",
            Platform::Bluesky => "bluesky",
            Platform::Import => "import",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Platform {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // The stored spelling first, untrimmed: what every read of a store
        // finds (trimming is a Unicode scan of its own).
        if let Some(exact) = Platform::ALL.into_iter().find(|p| p.as_str() == s) {
            return Ok(exact);
        }
        let name = s.trim();
        Platform::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(name))
            .or_else(|| name.eq_ignore_ascii_case("twitter").then_some(Platform::X))
            .ok_or_else(|| Error::UnknownPlatform(s.to_owned()))
    }
}

/// A handle as compared: no `@`, lowercase (accounts are grouped by this,
/// per platform, wherever threadlens counts people).
pub fn handle_key(handle: &str) -> String {
    let mut key = String::new();
    push_handle_key(handle, &mut key);
    key
}

/// Append [`handle_key`] of `handle` to `out`, allocating nothing for an
/// ASCII handle once `out` has room.
pub fn push_handle_key(handle: &str, out: &mut String) {
    let handle = handle.trim().trim_start_matches('@');
    if handle.is_ascii() {
        let from = out.len();
        out.push_str(handle);
        out[from..].make_ascii_lowercase();
    } else {
        out.push_str(&handle.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for p in Platform::ALL {
            assert_eq!(p.as_str().parse::<Platform>().unwrap(), p);
        }
        assert_eq!("Twitter".parse::<Platform>().unwrap(), Platform::X);
        assert_eq!(" BlueSky ".parse::<Platform>().unwrap(), Platform::Bluesky);
        assert!("myspace".parse::<Platform>().is_err());
    }

    #[test]
    fn handle_keys_drop_the_at_sign_spaces_and_case() {
        for (handle, key) in [
            (" @HorizonsNHS ", "horizonsnhs"),
            ("@@Ab", "ab"),
            ("ÉLODIE", "élodie"),
            ("@ΟΔΟΣ", "οδος"),
            ("", ""),
        ] {
            assert_eq!(handle_key(handle), key, "{handle:?}");
            assert_eq!(
                handle_key(handle),
                handle.trim().trim_start_matches('@').to_lowercase()
            );
        }
        let mut out = "x:".to_owned();
        push_handle_key("@Ab", &mut out);
        assert_eq!(out, "x:ab", "appended to what is there");
    }
}
