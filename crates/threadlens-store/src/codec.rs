//! A compact binary encoding of a [`Post`], so a [`crate::PostSet`] of a
//! million posts costs about the size of their text, not of a million
//! structs with a dozen heap allocations each.
//!
//! Layout: platform (u8), kind (u8), created_at and collected_at (i64 ms),
//! then strings as a varint length + UTF-8, optional values behind a 0/1
//! tag, counts as u64, lists as a varint count + strings, and `source` as a
//! varint index into the set's table of sources (one per input file, not
//! one copy per post). `matched` is not encoded: the set keeps it beside the
//! bytes so it can change in place. The first fields are the key, so the key
//! can be read without decoding the rest.

use threadlens_model::{Platform, Post, PostKind, Timestamp, timestamp_from_millis};

const PLATFORMS: [Platform; 4] = Platform::ALL;
const KINDS: [PostKind; 4] = PostKind::ALL;

/// Append the encoding of `post` (without `matched`) to `out`; `source` is
/// the index of `post.source` in the caller's table of sources.
pub(crate) fn encode(post: &Post, source: u32, out: &mut Vec<u8>) {
    out.push(
        PLATFORMS
            .iter()
            .position(|p| *p == post.platform)
            .unwrap_or(0) as u8,
    );
    out.push(KINDS.iter().position(|k| *k == post.kind).unwrap_or(0) as u8);
    out.extend_from_slice(&post.created_at.timestamp_millis().to_le_bytes());
    out.extend_from_slice(&post.collected_at.timestamp_millis().to_le_bytes());
    put_str(out, &post.post_id);
    put_opt_str(out, post.url.as_deref());
    put_str(out, &post.author_id);
    put_str(out, &post.author_handle);
    put_opt_str(out, post.author_name.as_deref());
    put_opt_u64(out, post.author_followers);
    put_str(out, &post.text);
    put_opt_str(out, post.lang.as_deref());
    put_opt_str(out, post.conversation_id.as_deref());
    put_opt_str(out, post.reply_to_post_id.as_deref());
    put_opt_str(out, post.reply_to_author_id.as_deref());
    put_opt_str(out, post.referenced_post_id.as_deref());
    for list in [&post.hashtags, &post.mentions, &post.urls] {
        put_len(out, list.len());
        for item in list {
            put_str(out, item);
        }
    }
    for count in [
        post.replies,
        post.reposts,
        post.likes,
        post.quotes,
        post.impressions,
    ] {
        put_opt_u64(out, count);
    }
    put_len(out, source as usize);
    put_opt_str(out, post.local_ref.as_deref());
    put_len(out, post.seen_on.len());
    for item in &post.seen_on {
        put_str(out, item);
    }
}

/// The platform and post id at the start of an encoding.
pub(crate) fn key(bytes: &[u8]) -> Option<(Platform, &str)> {
    let platform = *PLATFORMS.get(usize::from(*bytes.first()?))?;
    Some((platform, std::str::from_utf8(key_bytes(bytes)?).ok()?))
}

/// The post id's bytes, unchecked: for ordering, where byte order is the
/// order of the UTF-8 strings.
pub(crate) fn key_bytes(bytes: &[u8]) -> Option<&[u8]> {
    let mut r = Reader { bytes, at: 18 };
    let len = r.len()?;
    r.take(len)
}

/// Decode an encoding made by [`encode`] with the same table of `sources`;
/// `None` only if the bytes are not one.
pub(crate) fn decode(bytes: &[u8], matched: bool, sources: &[String]) -> Option<Post> {
    let mut r = Reader { bytes, at: 0 };
    let platform = *PLATFORMS.get(usize::from(r.u8()?))?;
    let kind = *KINDS.get(usize::from(r.u8()?))?;
    let created_at = r.time()?;
    let collected_at = r.time()?;
    let post_id = r.string()?;
    let url = r.opt_string()?;
    let author_id = r.string()?;
    let author_handle = r.string()?;
    let author_name = r.opt_string()?;
    let author_followers = r.opt_u64()?;
    let text = r.string()?;
    let lang = r.opt_string()?;
    let conversation_id = r.opt_string()?;
    let reply_to_post_id = r.opt_string()?;
    let reply_to_author_id = r.opt_string()?;
    let referenced_post_id = r.opt_string()?;
    let hashtags = r.list()?;
    let mentions = r.list()?;
    let urls = r.list()?;
    let replies = r.opt_u64()?;
    let reposts = r.opt_u64()?;
    let likes = r.opt_u64()?;
    let quotes = r.opt_u64()?;
    let impressions = r.opt_u64()?;
    let source = sources.get(r.len()?)?.clone();
    let local_ref = r.opt_string()?;
    let seen_on = r.list()?;
    Some(Post {
        platform,
        post_id,
        url,
        created_at,
        author_id,
        author_handle,
        author_name,
        author_followers,
        text,
        lang,
        kind,
        conversation_id,
        reply_to_post_id,
        reply_to_author_id,
        referenced_post_id,
        hashtags,
        mentions,
        urls,
        replies,
        reposts,
        likes,
        quotes,
        impressions,
        matched,
        source,
        collected_at,
        local_ref,
        seen_on,
    })
}

/// A length as LEB128: one byte below 128, which most lengths are.
fn put_len(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

fn put_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => {
            out.push(1);
            put_str(out, s);
        }
        None => out.push(0),
    }
}

fn put_opt_u64(out: &mut Vec<u8>, n: Option<u64>) {
    match n {
        Some(n) => {
            out.push(1);
            out.extend_from_slice(&n.to_le_bytes());
        }
        None => out.push(0),
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let slice = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(slice)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn len(&mut self) -> Option<usize> {
        let mut n = 0usize;
        for shift in (0..usize::BITS).step_by(7) {
            let byte = self.u8()?;
            n |= usize::from(byte & 0x7f).checked_shl(shift)?;
            if byte & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn time(&mut self) -> Option<Timestamp> {
        timestamp_from_millis(i64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn str(&mut self) -> Option<&'a str> {
        let len = self.len()?;
        std::str::from_utf8(self.take(len)?).ok()
    }
    fn string(&mut self) -> Option<String> {
        self.str().map(str::to_owned)
    }
    fn opt_string(&mut self) -> Option<Option<String>> {
        match self.u8()? {
            0 => Some(None),
            _ => self.string().map(Some),
        }
    }
    fn opt_u64(&mut self) -> Option<Option<u64>> {
        match self.u8()? {
            0 => Some(None),
            _ => self.u64().map(Some),
        }
    }
    fn list(&mut self) -> Option<Vec<String>> {
        let n = self.len()?;
        (0..n).map(|_| self.string()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use threadlens_model::parse_timestamp;

    #[test]
    fn every_field_round_trips() {
        let mut p = Post::minimal(
            Platform::Mastodon,
            "https://h.example/users/a/statuses/1",
            parse_timestamp("2022-06-28T09:00:00.123Z").unwrap(),
        );
        p.url = Some("u".into());
        p.author_followers = Some(u64::MAX);
        p.text = "ünïcode ✨\nline".into();
        p.kind = PostKind::Quote;
        p.hashtags = vec!["a".into(), "".into()];
        p.urls = vec!["x".into()];
        p.impressions = Some(0);
        p.local_ref = Some("h.example/1".into());
        p.collected_at = parse_timestamp("2022-06-29T00:00:00Z").unwrap();
        p.matched = false;
        p.source = "in.jsonl".into();
        p.text = "x".repeat(300) + &p.text;
        let sources = vec!["other".to_owned(), "in.jsonl".to_owned()];
        let mut bytes = Vec::new();
        encode(&p, 1, &mut bytes);
        assert_eq!(decode(&bytes, false, &sources).unwrap(), p);
        assert_eq!(
            key(&bytes),
            Some((Platform::Mastodon, "https://h.example/users/a/statuses/1"))
        );
        assert!(
            decode(&bytes[..bytes.len() - 1], true, &sources).is_none(),
            "a cut encoding is refused, not misread"
        );
        assert!(
            decode(&bytes, true, &sources[..1]).is_none(),
            "an unknown source index is refused"
        );
    }
}
