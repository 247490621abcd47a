use threadlens_model::{Timestamp, parse_timestamp};

/// What every record of one input file shares.
#[derive(Debug, Clone)]
pub(crate) struct Context {
    /// The `source` column: the collection that brought the posts.
    pub source: String,
    /// `collected_at` when a record does not say when it was retrieved: the
    /// file's modification time, so re-importing an unchanged file is a no-op.
    pub collected_at: Timestamp,
    /// Mastodon: the instance the statuses were fetched from, when known.
    pub instance: Option<String>,
}

impl Context {
    /// `collected_at` from a retrieval time the record carries (twarc's
    /// `retrieved_at`), else the file default.
    pub(crate) fn collected_at(&self, retrieved_at: Option<&str>) -> Timestamp {
        retrieved_at
            .and_then(|t| parse_timestamp(t).ok())
            .unwrap_or(self.collected_at)
    }
}

/// The host of a URL (`https://mastodon.social/@x` → `mastodon.social`).
pub(crate) fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            url_host("https://mastodon.social/@Gargron/1"),
            Some("mastodon.social")
        );
        assert_eq!(
            url_host("http://localhost:3000/ap/users/1"),
            Some("localhost:3000")
        );
        assert_eq!(url_host("https://"), None);
    }
}
