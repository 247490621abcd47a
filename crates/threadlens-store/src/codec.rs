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
pub(crate) fn encode<'a, L: Strs<'a>>(post: &PostView<'a, L>, source: u32, out: &mut Vec<u8>) {
    out.push(
        PLATFORMS
            .iter()
            .position(|p| *p == post.platform)
            .unwrap_or(0) as u8,
    );
    out.push(KINDS.iter().position(|k| *k == post.kind).unwrap_or(0) as u8);
    out.extend_from_slice(&post.created_at.get().to_le_bytes());
    out.extend_from_slice(&post.collected_at.get().to_le_bytes());
    put_str(out, post.post_id);
    put_opt_str(out, post.url);
    put_str(out, post.author_id);
    put_str(out, post.author_handle);
    put_opt_str(out, post.author_name);
    put_opt_u64(out, post.author_followers);
    put_str(out, post.text);
    put_opt_str(out, post.lang);
    put_opt_str(out, post.conversation_id);
    put_opt_str(out, post.reply_to_post_id);
    put_opt_str(out, post.reply_to_author_id);
    put_opt_str(out, post.referenced_post_id);
    for list in [post.hashtags, post.mentions, post.urls] {
        put_list(out, list);
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
    put_opt_str(out, post.local_ref);
    put_list(out, post.seen_on);
}

fn put_list<'a>(out: &mut Vec<u8>, list: impl Strs<'a>) {
    put_len(out, list.len());
    for item in list.iter() {
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

/// A list of strings held somewhere else: in an encoding ([`StrList`]), a
/// [`Post`] (`&[String]`) or a table's columns (`&[&str]`).
pub(crate) trait Strs<'a>: Copy {
    /// How many strings.
    fn len(&self) -> usize;
    /// The strings, in order.
    fn iter(&self) -> impl Iterator<Item = &'a str>;
}

impl<'a> Strs<'a> for &'a [String] {
    fn len(&self) -> usize {
        <[String]>::len(self)
    }

    fn iter(&self) -> impl Iterator<Item = &'a str> {
        <[String]>::iter(self).map(String::as_str)
    }
}

impl<'a> Strs<'a> for &'a [&'a str] {
    fn len(&self) -> usize {
        <[&str]>::len(self)
    }

    fn iter(&self) -> impl Iterator<Item = &'a str> {
        <[&str]>::iter(self).copied()
    }
}

/// A time as the store holds it: milliseconds since the Unix epoch,
/// checked when made to be within what a [`Timestamp`] holds. The table's
/// time columns and the encoding are such numbers, so a post goes between
/// them without a calendar; only [`Millis::timestamp`] makes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Millis(i64);

impl Millis {
    /// The first millisecond a [`Timestamp`] holds.
    const FIRST: i64 = Timestamp::MIN_UTC.timestamp_millis();
    /// The last millisecond a [`Timestamp`] holds.
    const LAST: i64 = Timestamp::MAX_UTC.timestamp_millis();

    /// The milliseconds of `t`.
    pub fn of(t: Timestamp) -> Self {
        Millis(t.timestamp_millis())
    }

    /// `millis`, if a [`Timestamp`] can hold it.
    pub fn checked(millis: i64) -> Option<Self> {
        (Self::FIRST..=Self::LAST)
            .contains(&millis)
            .then_some(Millis(millis))
    }

    /// Milliseconds since the Unix epoch.
    pub fn get(self) -> i64 {
        self.0
    }

    /// As a [`Timestamp`].
    pub fn timestamp(self) -> Timestamp {
        // Checked to be in range when made, so never the default.
        timestamp_from_millis(self.0).unwrap_or_default()
    }
}

/// A post read in place: every string borrowed, nothing allocated. From
/// an encoding ([`view`]), it is what the table writer builds its columns
/// from; from a [`Post`] ([`PostView::of`]) or a row of the table, what
/// [`encode`] writes. `L` is how its lists are held.
#[derive(Debug, Clone)]
pub(crate) struct PostView<'a, L = StrList<'a>> {
    pub platform: Platform,
    pub kind: PostKind,
    pub created_at: Millis,
    pub collected_at: Millis,
    pub post_id: &'a str,
    pub url: Option<&'a str>,
    pub author_id: &'a str,
    pub author_handle: &'a str,
    pub author_name: Option<&'a str>,
    pub author_followers: Option<u64>,
    pub text: &'a str,
    pub lang: Option<&'a str>,
    pub conversation_id: Option<&'a str>,
    pub reply_to_post_id: Option<&'a str>,
    pub reply_to_author_id: Option<&'a str>,
    pub referenced_post_id: Option<&'a str>,
    pub hashtags: L,
    pub mentions: L,
    pub urls: L,
    pub replies: Option<u64>,
    pub reposts: Option<u64>,
    pub likes: Option<u64>,
    pub quotes: Option<u64>,
    pub impressions: Option<u64>,
    pub matched: bool,
    pub source: &'a str,
    pub local_ref: Option<&'a str>,
    pub seen_on: L,
}

/// A list of strings inside an encoding (already checked to be whole UTF-8).
#[derive(Debug, Clone, Copy)]
pub(crate) struct StrList<'a> {
    count: usize,
    bytes: &'a [u8],
}

impl<'a> Strs<'a> for StrList<'a> {
    fn len(&self) -> usize {
        self.count
    }

    fn iter(&self) -> impl Iterator<Item = &'a str> {
        let mut r = Reader {
            bytes: self.bytes,
            at: 0,
        };
        (0..self.count).map_while(move |_| r.str())
    }
}

/// A list held either in an encoding or in a table's columns: what a
/// batch mixing posts of both kinds (the stored table and posts added to
/// it) is written from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum EitherList<'a> {
    /// In an encoding.
    Encoded(StrList<'a>),
    /// In a table's columns.
    Cells(&'a [&'a str]),
}

impl<'a> Strs<'a> for EitherList<'a> {
    fn len(&self) -> usize {
        match self {
            EitherList::Encoded(list) => list.len(),
            EitherList::Cells(list) => <[&str]>::len(list),
        }
    }

    fn iter(&self) -> impl Iterator<Item = &'a str> {
        let (encoded, cells) = match self {
            EitherList::Encoded(list) => (Some(list.iter()), None),
            EitherList::Cells(list) => (None, Some(<[&str]>::iter(list).copied())),
        };
        encoded
            .into_iter()
            .flatten()
            .chain(cells.into_iter().flatten())
    }
}

/// The strings of `list`, owned.
fn to_vec<'a>(list: impl Strs<'a>) -> Vec<String> {
    list.iter().map(str::to_owned).collect()
}

/// Read an encoding made by [`encode`] with the same table of `sources`,
/// in place; `None` only if the bytes are not one.
pub(crate) fn view<'a>(
    bytes: &'a [u8],
    matched: bool,
    sources: &'a [String],
) -> Option<PostView<'a>> {
    let mut r = Reader { bytes, at: 0 };
    Some(PostView {
        platform: *PLATFORMS.get(usize::from(r.u8()?))?,
        kind: *KINDS.get(usize::from(r.u8()?))?,
        created_at: r.time()?,
        collected_at: r.time()?,
        post_id: r.str()?,
        url: r.opt_str()?,
        author_id: r.str()?,
        author_handle: r.str()?,
        author_name: r.opt_str()?,
        author_followers: r.opt_u64()?,
        text: r.str()?,
        lang: r.opt_str()?,
        conversation_id: r.opt_str()?,
        reply_to_post_id: r.opt_str()?,
        reply_to_author_id: r.opt_str()?,
        referenced_post_id: r.opt_str()?,
        hashtags: r.list()?,
        mentions: r.list()?,
        urls: r.list()?,
        replies: r.opt_u64()?,
        reposts: r.opt_u64()?,
        likes: r.opt_u64()?,
        quotes: r.opt_u64()?,
        impressions: r.opt_u64()?,
        matched,
        source: sources.get(r.len()?)?,
        local_ref: r.opt_str()?,
        seen_on: r.list()?,
    })
}

impl<'a> PostView<'a, &'a [String]> {
    /// `post`, borrowed.
    pub fn of(post: &'a Post) -> Self {
        let borrowed = |s: &'a Option<String>| s.as_deref();
        PostView {
            platform: post.platform,
            kind: post.kind,
            created_at: Millis::of(post.created_at),
            collected_at: Millis::of(post.collected_at),
            post_id: &post.post_id,
            url: borrowed(&post.url),
            author_id: &post.author_id,
            author_handle: &post.author_handle,
            author_name: borrowed(&post.author_name),
            author_followers: post.author_followers,
            text: &post.text,
            lang: borrowed(&post.lang),
            conversation_id: borrowed(&post.conversation_id),
            reply_to_post_id: borrowed(&post.reply_to_post_id),
            reply_to_author_id: borrowed(&post.reply_to_author_id),
            referenced_post_id: borrowed(&post.referenced_post_id),
            hashtags: &post.hashtags,
            mentions: &post.mentions,
            urls: &post.urls,
            replies: post.replies,
            reposts: post.reposts,
            likes: post.likes,
            quotes: post.quotes,
            impressions: post.impressions,
            matched: post.matched,
            source: &post.source,
            local_ref: borrowed(&post.local_ref),
            seen_on: &post.seen_on,
        }
    }
}

impl<'a, L: Strs<'a>> PostView<'a, L> {
    /// The same post with its lists held as `lists` makes them.
    pub fn with_lists<M>(self, lists: impl Fn(L) -> M) -> PostView<'a, M> {
        PostView {
            platform: self.platform,
            kind: self.kind,
            created_at: self.created_at,
            collected_at: self.collected_at,
            post_id: self.post_id,
            url: self.url,
            author_id: self.author_id,
            author_handle: self.author_handle,
            author_name: self.author_name,
            author_followers: self.author_followers,
            text: self.text,
            lang: self.lang,
            conversation_id: self.conversation_id,
            reply_to_post_id: self.reply_to_post_id,
            reply_to_author_id: self.reply_to_author_id,
            referenced_post_id: self.referenced_post_id,
            hashtags: lists(self.hashtags),
            mentions: lists(self.mentions),
            urls: lists(self.urls),
            replies: self.replies,
            reposts: self.reposts,
            likes: self.likes,
            quotes: self.quotes,
            impressions: self.impressions,
            matched: self.matched,
            source: self.source,
            local_ref: self.local_ref,
            seen_on: lists(self.seen_on),
        }
    }

    /// The post, owned.
    pub fn to_post(&self) -> Post {
        let owned = |s: Option<&str>| s.map(str::to_owned);
        Post {
            platform: self.platform,
            post_id: self.post_id.to_owned(),
            url: owned(self.url),
            created_at: self.created_at.timestamp(),
            author_id: self.author_id.to_owned(),
            author_handle: self.author_handle.to_owned(),
            author_name: owned(self.author_name),
            author_followers: self.author_followers,
            text: self.text.to_owned(),
            lang: owned(self.lang),
            kind: self.kind,
            conversation_id: owned(self.conversation_id),
            reply_to_post_id: owned(self.reply_to_post_id),
            reply_to_author_id: owned(self.reply_to_author_id),
            referenced_post_id: owned(self.referenced_post_id),
            hashtags: to_vec(self.hashtags),
            mentions: to_vec(self.mentions),
            urls: to_vec(self.urls),
            replies: self.replies,
            reposts: self.reposts,
            likes: self.likes,
            quotes: self.quotes,
            impressions: self.impressions,
            matched: self.matched,
            source: self.source.to_owned(),
            collected_at: self.collected_at.timestamp(),
            local_ref: owned(self.local_ref),
            seen_on: to_vec(self.seen_on),
        }
    }
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
    fn time(&mut self) -> Option<Millis> {
        Millis::checked(i64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn str(&mut self) -> Option<&'a str> {
        let len = self.len()?;
        simdutf8::basic::from_utf8(self.take(len)?).ok()
    }
    fn opt_str(&mut self) -> Option<Option<&'a str>> {
        match self.u8()? {
            0 => Some(None),
            _ => self.str().map(Some),
        }
    }
    fn opt_u64(&mut self) -> Option<Option<u64>> {
        match self.u8()? {
            0 => Some(None),
            _ => self.u64().map(Some),
        }
    }
    /// A list, checked whole (each string UTF-8) and kept in place.
    fn list(&mut self) -> Option<StrList<'a>> {
        let count = self.len()?;
        let start = self.at;
        for _ in 0..count {
            self.str()?;
        }
        Some(StrList {
            count,
            bytes: &self.bytes[start..self.at],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use threadlens_model::parse_timestamp;

    fn decode(bytes: &[u8], matched: bool, sources: &[String]) -> Option<Post> {
        view(bytes, matched, sources).map(|v| v.to_post())
    }

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
        encode(&PostView::of(&p), 1, &mut bytes);
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

    #[test]
    fn text_that_is_not_utf8_is_refused() {
        let mut p = Post::minimal(
            Platform::X,
            "1",
            parse_timestamp("2022-06-28T09:00:00Z").unwrap(),
        );
        p.text = format!("{}ab", "x".repeat(80));
        p.author_name = Some("cd".into());
        p.hashtags = vec!["ef".into()];
        let sources = vec![p.source.clone()];
        let mut bytes = Vec::new();
        encode(&PostView::of(&p), 0, &mut bytes);
        assert!(decode(&bytes, true, &sources).is_some());
        // A stray byte, a cut character and a surrogate, in a long text, an
        // optional text and a list item.
        for (field, bad) in [
            (&b"ab"[..], &[0xff, b'b'][..]),
            (b"cd", &[0xc3, b'd']),
            (b"ef", &[0xed, 0xa0]),
        ] {
            let at = bytes.windows(2).position(|w| w == field).unwrap();
            let mut broken = bytes.clone();
            broken[at..at + 2].copy_from_slice(bad);
            assert!(decode(&broken, true, &sources).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn millis_hold_what_a_timestamp_holds() {
        for (millis, held) in [
            (Millis::FIRST - 1, false),
            (Millis::FIRST, true),
            (0, true),
            (Millis::LAST, true),
            (Millis::LAST + 1, false),
            (i64::MIN, false),
            (i64::MAX, false),
        ] {
            assert_eq!(timestamp_from_millis(millis).is_some(), held, "{millis}");
            let checked = Millis::checked(millis);
            assert_eq!(checked.is_some(), held, "{millis}");
            if let Some(m) = checked {
                assert_eq!(m.timestamp().timestamp_millis(), millis);
                assert_eq!(Millis::of(m.timestamp()), m);
            }
        }
    }
}
