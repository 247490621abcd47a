//! The raw archive written by live collection (`DIR/raw/<source>/*.jsonl`):
//! each line a response page in its envelope, read with its platform's
//! parser and the envelope's source, instance, retrieval time and `matched`.

use serde::Deserialize;
use serde_json::value::RawValue;
use threadlens_model::parse_timestamp;

use crate::bluesky::BlueskyParser;
use crate::context::Context;
use crate::mastodon::MastodonParser;
use crate::reader::{Doc, DocumentParser, parse_document};
use crate::reject::Outcome;
use crate::x::XParser;

/// Reads raw archive lines; `ctx` supplies defaults the envelope lacks.
pub(crate) struct RawParser {
    pub ctx: Context,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    platform: &'a str,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    instance: Option<String>,
    #[serde(default = "yes")]
    matched: bool,
    #[serde(default)]
    retrieved_at: Option<&'a str>,
    #[serde(borrow)]
    body: &'a RawValue,
}

fn yes() -> bool {
    true
}

impl DocumentParser for RawParser {
    fn parse_value(&self, doc: &Doc<'_>) -> Vec<Outcome> {
        let envelope: Envelope<'_> = match serde_json::from_str(doc.text) {
            Ok(e) => e,
            Err(e) => return vec![Err(doc.json_error(&e))],
        };
        let ctx = Context {
            source: envelope.source.unwrap_or_else(|| self.ctx.source.clone()),
            collected_at: envelope
                .retrieved_at
                .and_then(|t| parse_timestamp(t).ok())
                .unwrap_or(self.ctx.collected_at),
            instance: envelope.instance.or_else(|| self.ctx.instance.clone()),
        };
        let body = doc.part(envelope.body.get());
        let mut outcomes = match envelope.platform {
            "x" => parse_document(&XParser { ctx }, &body),
            "mastodon" => parse_document(&MastodonParser { ctx }, &body),
            "bluesky" => parse_document(&BlueskyParser { ctx }, &body),
            other => {
                return vec![Err(doc.error(format!(
                    "field `platform`: {other:?} is not x, mastodon or bluesky"
                )))];
            }
        };
        if !envelope.matched {
            for post in outcomes.iter_mut().flatten() {
                post.matched = false;
            }
        }
        outcomes
    }
}
