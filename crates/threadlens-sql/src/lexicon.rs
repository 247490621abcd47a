//! A lexicon as it travels with a plan: the file's bytes, how to read them,
//! and their SHA-256, which is the lexicon's identity. Executors compile
//! each lexicon they receive once.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::{Arc, LazyLock, Mutex};

use sha2::{Digest, Sha256};
use threadlens_process::{Lexicon, LexiconFormat, ReadOptions};

use crate::error::SqlError;

/// What starts an encoded lexicon, before its header line.
const MAGIC: &[u8] = b"threadlens-lexicon/1\n";

/// A compiled lexicon with the bytes it was read from.
#[derive(Debug)]
pub struct ShippedLexicon {
    file_name: String,
    format: LexiconFormat,
    skip_invalid: bool,
    bytes: Vec<u8>,
    sha256: String,
    lexicon: Lexicon,
}

impl ShippedLexicon {
    /// Read the lexicon file at `path` (its format detected unless given).
    pub fn read(path: &Path, options: ReadOptions) -> Result<ShippedLexicon, SqlError> {
        let bytes = std::fs::read(path).map_err(|source| SqlError::Io {
            path: path.to_owned(),
            source,
        })?;
        let file_name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        ShippedLexicon::from_bytes(file_name, bytes, options)
    }

    /// Compile `bytes`, the content of a file called `file_name`.
    pub fn from_bytes(
        file_name: String,
        bytes: Vec<u8>,
        options: ReadOptions,
    ) -> Result<ShippedLexicon, SqlError> {
        let lexicon = Lexicon::from_bytes(&bytes, Path::new(&file_name), options)?;
        Ok(ShippedLexicon {
            file_name,
            format: lexicon.format,
            skip_invalid: options.skip_invalid,
            sha256: sha256_hex(&bytes),
            bytes,
            lexicon,
        })
    }

    /// The compiled lexicon.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The SHA-256 of the file, in hex: two lexicons with the same one
    /// score alike.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The file's name, as given when it was read.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The lexicon as bytes for a plan: a magic line, a JSON header line
    /// (`file`, `format`, `skip_invalid`, `sha256`), then the file's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let header = serde_json::json!({
            "file": self.file_name,
            "format": self.format.name(),
            "skip_invalid": self.skip_invalid,
            "sha256": self.sha256,
        });
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(header.to_string().as_bytes());
        out.push(b'\n');
        out.extend_from_slice(&self.bytes);
        out
    }

    /// Read what [`ShippedLexicon::encode`] wrote, compiling the lexicon
    /// the first time this process sees its SHA-256.
    pub fn decode(buf: &[u8]) -> Result<Arc<ShippedLexicon>, SqlError> {
        static COMPILED: LazyLock<Mutex<HashMap<String, Arc<ShippedLexicon>>>> =
            LazyLock::new(Mutex::default);
        let bad = |why: &str| SqlError::Plan(format!("a lexicon in the plan is unreadable: {why}"));
        let rest = buf
            .strip_prefix(MAGIC)
            .ok_or_else(|| bad("it does not start with `threadlens-lexicon/1`"))?;
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| bad("no header line"))?;
        let header: serde_json::Value =
            serde_json::from_slice(&rest[..end]).map_err(|e| bad(&e.to_string()))?;
        let bytes = &rest[end + 1..];
        let field = |name: &str| header.get(name).ok_or_else(|| bad(&format!("no `{name}`")));
        let sha256 = field("sha256")?.as_str().unwrap_or_default().to_owned();
        if sha256_hex(bytes) != sha256 {
            return Err(bad("its bytes do not match their SHA-256"));
        }
        let mut compiled = COMPILED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(known) = compiled.get(&sha256) {
            return Ok(Arc::clone(known));
        }
        let format: LexiconFormat = field("format")?
            .as_str()
            .unwrap_or_default()
            .parse()
            .map_err(|_| bad("unknown format"))?;
        let options = ReadOptions {
            format: Some(format),
            skip_invalid: field("skip_invalid")?.as_bool().unwrap_or(false),
        };
        let file_name = field("file")?.as_str().unwrap_or("lexicon").to_owned();
        let lexicon = Arc::new(ShippedLexicon::from_bytes(
            file_name,
            bytes.to_vec(),
            options,
        )?);
        compiled.insert(sha256, Arc::clone(&lexicon));
        Ok(lexicon)
    }
}

/// The SHA-256 of `bytes` in lowercase hex.
fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for b in digest.iter() {
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    const THREE_CS: &str = "[lexicon]\nname = \"t\"\nversion = \"1\"\nlanguage = \"english\"\n\n[[theme]]\nid = \"candour\"\nentries = [\"candour\", \"honest*\"]\n";

    fn shipped() -> ShippedLexicon {
        ShippedLexicon::from_bytes(
            "t.toml".into(),
            THREE_CS.as_bytes().to_vec(),
            ReadOptions::default(),
        )
        .unwrap()
    }

    #[test]
    fn a_lexicon_survives_the_trip() {
        let sent = shipped();
        let received = ShippedLexicon::decode(&sent.encode()).unwrap();
        assert_eq!(received.lexicon(), sent.lexicon());
        assert_eq!(received.sha256(), sent.sha256());
        assert_eq!(received.file_name(), "t.toml");
        assert_eq!(sent.sha256().len(), 64);
    }

    #[test]
    fn damaged_bytes_are_refused() {
        let mut buf = shipped().encode();
        let last = buf.len() - 2;
        buf[last] ^= 1;
        let err = ShippedLexicon::decode(&buf).unwrap_err().to_string();
        assert!(err.contains("do not match their SHA-256"), "{err}");
        let err = ShippedLexicon::decode(b"not a lexicon")
            .unwrap_err()
            .to_string();
        assert!(err.contains("threadlens-lexicon/1"), "{err}");
    }
}
