//! Mastodon: a hashtag timeline (with `any[]` variants) on one instance,
//! paged by `Link` headers, then each status's context.

use reqwest::Url;
use reqwest::header::LINK;
use serde::Deserialize;
use threadlens_model::Platform;

use super::LiveError;
use super::archive::PageOrigin;
use super::config::MastodonConfig;
use super::http::{ApiRequest, Page, join};
use super::run::{SourceRun, newer_id, parse_page};
use super::secret::Secret;

/// A hashtag timeline on one instance.
#[derive(Debug, Clone)]
pub struct MastodonSource {
    /// The configuration.
    pub config: MastodonConfig,
    /// The instance's base URL.
    pub instance: Url,
    /// The `source` column of its posts.
    pub name: String,
    /// An access token, when one is configured.
    pub token: Option<Secret>,
}

#[derive(Deserialize)]
struct StatusIds {
    id: serde_json::Value,
    #[serde(default)]
    in_reply_to_id: Option<serde_json::Value>,
    #[serde(default)]
    replies_count: Option<u64>,
}

fn id_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl MastodonSource {
    /// The instance as the importer names it (`host[:port]`), owner of local ids.
    fn host(&self) -> String {
        crate::context::url_host(self.instance.as_str())
            .unwrap_or(self.instance.as_str())
            .to_owned()
    }

    /// Page the timeline, then fetch the contexts it asked for.
    pub async fn collect(&self, run: &mut SourceRun) -> Result<(), LiveError> {
        let tags: Vec<&str> = self
            .config
            .hashtags
            .iter()
            .map(|h| h.trim_start_matches('#'))
            .collect();
        let key = format!("tag:{}", tags.join("+"));
        let mut timeline = join(&self.instance, &format!("api/v1/timelines/tag/{}", tags[0]))?;
        {
            let mut q = timeline.query_pairs_mut();
            for extra in &tags[1..] {
                q.append_pair("any[]", extra);
            }
            q.append_pair("limit", "40");
        }
        let origin = |matched| PageOrigin {
            platform: Platform::Mastodon,
            source: self.name.clone(),
            instance: Some(self.host()),
            matched,
        };
        let mut state = run
            .checkpoint
            .queries
            .get(&key)
            .cloned()
            .unwrap_or_default();
        state.begin_pass();
        loop {
            let mut url = timeline.clone();
            // A first pass walks back from the newest (max_id, `next` links);
            // later passes walk forward from the last newest (min_id, `prev`).
            match (&state.cursor, &state.pass_since) {
                (Some(cursor), _) => {
                    let (param, id) = cursor.split_once(':').unwrap_or(("max_id", cursor));
                    url.query_pairs_mut().append_pair(param, id);
                }
                (None, Some(since)) => {
                    url.query_pairs_mut().append_pair("min_id", since);
                }
                (None, None) => {}
            }
            let forward = state.pass_since.is_some();
            let Some(page) = run.fetch(&ApiRequest::get(url, self.token.clone())).await? else {
                return Ok(());
            };
            let statuses: Vec<StatusIds> = parse_page(&page);
            run.archive(&page, &origin(true), statuses.len() as u64)?;
            if self.config.threads {
                for s in &statuses {
                    let replies = s.replies_count.unwrap_or(0);
                    let in_thread =
                        replies > 0 || s.in_reply_to_id.as_ref().is_some_and(|v| !v.is_null());
                    if in_thread && let Some(id) = id_text(&s.id) {
                        run.checkpoint.want_thread(id, replies);
                    }
                }
            }
            let newest = statuses
                .iter()
                .filter_map(|s| id_text(&s.id))
                .reduce(|a, b| if newer_id(&b, &a) { b } else { a });
            let next = if statuses.is_empty() {
                None
            } else if forward {
                link_param(&page, "prev", "min_id").map(|id| format!("min_id:{id}"))
            } else {
                link_param(&page, "next", "max_id").map(|id| format!("max_id:{id}"))
            };
            state.advance(next, newest, newer_id);
            run.checkpoint.queries.insert(key.clone(), state.clone());
            run.save()?;
            if !state.in_pass() {
                break;
            }
        }
        while run.can_continue() {
            let Some(id) = run.checkpoint.pending_threads.keys().next().cloned() else {
                break;
            };
            let url = join(&self.instance, &format!("api/v1/statuses/{id}/context"))?;
            let Some(page) = run.fetch(&ApiRequest::get(url, self.token.clone())).await? else {
                break;
            };
            let count = context_size(&page);
            run.archive(&page, &origin(false), count)?;
            run.checkpoint.thread_done(&id);
            run.save()?;
        }
        Ok(())
    }
}

fn context_size(page: &Page) -> u64 {
    #[derive(Deserialize, Default)]
    struct Context {
        #[serde(default)]
        ancestors: Vec<serde::de::IgnoredAny>,
        #[serde(default)]
        descendants: Vec<serde::de::IgnoredAny>,
    }
    let c: Context = parse_page(page);
    (c.ancestors.len() + c.descendants.len()) as u64
}

/// The value of `param` in the `Link` header's `rel` link.
fn link_param(page: &Page, rel: &str, param: &str) -> Option<String> {
    let header = page
        .headers
        .get_all(LINK)
        .iter()
        .filter_map(|v| v.to_str().ok());
    for value in header {
        for link in value.split(',') {
            let Some((target, attrs)) = link.split_once(';') else {
                continue;
            };
            let is_rel = attrs.split(';').any(|a| {
                a.trim().trim_start_matches("rel=").trim_matches('"') == rel
                    && a.trim().starts_with("rel=")
            });
            if !is_rel {
                continue;
            }
            let Ok(url) = Url::parse(target.trim().trim_start_matches('<').trim_end_matches('>'))
            else {
                continue;
            };
            return url
                .query_pairs()
                .find(|(k, _)| k == param)
                .map(|(_, v)| v.into_owned());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    #[test]
    fn reads_link_header_cursors() {
        let mut headers = HeaderMap::new();
        headers.insert(
            LINK,
            HeaderValue::from_static(
                "<https://mastodon.example/api/v1/timelines/tag/cats?max_id=105>; rel=\"next\", <https://mastodon.example/api/v1/timelines/tag/cats?min_id=107>; rel=\"prev\"",
            ),
        );
        let page = Page {
            url: String::new(),
            status: 200,
            headers,
            body: serde_json::value::RawValue::from_string("[]".into()).unwrap(),
            retrieved_at: chrono::Utc::now(),
        };
        assert_eq!(link_param(&page, "next", "max_id").as_deref(), Some("105"));
        assert_eq!(link_param(&page, "prev", "min_id").as_deref(), Some("107"));
        assert_eq!(link_param(&page, "next", "min_id"), None);
    }
}
