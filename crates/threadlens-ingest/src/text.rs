//! Platform markup to plain text (text-processing.md §1).

/// Decode the five entities platforms escape in post text: `&amp;` `&lt;`
/// `&gt;` `&quot;` `&#39;`. Anything else (other entities, a lone `&`) is
/// left as it is: X escapes only these, and decoding more would change text
/// that was never escaped.
pub fn decode_entities(text: &str) -> String {
    const X_ENTITIES: [(&str, char); 5] = [
        ("&amp;", '&'),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&#39;", '\''),
    ];
    replace_entities(text, |rest| {
        X_ENTITIES
            .iter()
            .find(|(entity, _)| rest.starts_with(entity))
            .map(|&(entity, c)| (c, entity.len()))
    })
}

/// Replace entities in `text`: at each `&`, `entity` gets the rest of the
/// text and returns the character and how many bytes it stands for, or
/// `None` to keep the `&` as it is.
fn replace_entities(text: &str, entity: impl Fn(&str) -> Option<(char, usize)>) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let (c, len) = entity(rest).unwrap_or(('&', 1));
        out.push(c);
        rest = &rest[len..];
    }
    out.push_str(rest);
    out
}

/// Plain text and links of a Mastodon status's HTML `content`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct HtmlText {
    /// The text: tags removed, entities decoded, `<br>` and paragraph breaks as newlines.
    pub text: String,
    /// `href`s of links that are neither mentions nor hashtags, in order.
    pub links: Vec<String>,
}

/// Turn Mastodon status HTML into plain text (text-processing.md §1).
///
/// Mastodon's sanitiser emits a small, regular subset of HTML: `<p>`, `<br>`,
/// `<a>`, `<span>` (with `invisible`/`ellipsis` classes for shortened link
/// text) and a few inline tags. Tags are removed; `<br>` becomes `\n`; a
/// paragraph boundary (`</p><p>`) becomes `\n\n`; the hidden parts of
/// shortened links are kept, so a link reads as its full URL. Entities are
/// decoded after tags are removed, including numeric ones (`&#8217;`).
pub fn html_to_text(html: &str) -> HtmlText {
    let mut raw = String::with_capacity(html.len());
    let mut links = Vec::new();
    let mut paragraphs = 0usize;
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        raw.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            // A stray `<` with no end: keep it as text.
            raw.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let closing = tag.starts_with('/');
        match name.as_str() {
            "br" => raw.push('\n'),
            "p" if !closing => {
                if paragraphs > 0 {
                    raw.push_str("\n\n");
                }
                paragraphs += 1;
            }
            "a" if !closing => {
                let class = attribute(tag, "class").unwrap_or_default();
                let is_tag_or_mention = class
                    .split_whitespace()
                    .any(|c| c == "mention" || c == "hashtag")
                    || attribute(tag, "rel")
                        .is_some_and(|r| r.split_whitespace().any(|v| v == "tag"));
                if !is_tag_or_mention && let Some(href) = attribute(tag, "href") {
                    links.push(decode_html_entities(&href));
                }
            }
            _ => {}
        }
    }
    raw.push_str(rest);
    HtmlText {
        text: decode_html_entities(&raw),
        links,
    }
}

/// The value of attribute `name` in the inside of a start tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let mut search = tag;
    while let Some(at) = search.find(name) {
        let before_ok = search[..at].ends_with(|c: char| c.is_ascii_whitespace());
        let after = search[at + name.len()..].trim_start();
        if before_ok && let Some(value) = after.strip_prefix('=') {
            let value = value.trim_start();
            let quote = value.chars().next()?;
            return if quote == '"' || quote == '\'' {
                value[1..]
                    .find(quote)
                    .map(|end| value[1..1 + end].to_owned())
            } else {
                Some(
                    value
                        .split(|c: char| c.is_ascii_whitespace())
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                )
            };
        }
        search = &search[at + name.len()..];
    }
    None
}

/// Decode named (the common ones) and numeric HTML entities.
fn decode_html_entities(text: &str) -> String {
    replace_entities(text, |rest| {
        let end = rest.find(';').filter(|&e| e <= 12)?;
        entity_char(&rest[1..end]).map(|c| (c, end + 1))
    })
}

fn entity_char(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x_entities_decode_once() {
        assert_eq!(
            decode_entities("Fish &amp; chips &lt;3 &quot;yes&quot; it&#39;s &amp;amp;"),
            "Fish & chips <3 \"yes\" it's &amp;"
        );
        assert_eq!(decode_entities("AT&T &copy; & more"), "AT&T &copy; & more");
    }

    #[test]
    fn mastodon_paragraphs_breaks_and_links() {
        let html = r#"<p>&quot;I lost it&quot;</p><p>line one<br>line two <a href="https://www.theguardian.com/x" rel="nofollow"><span class="invisible">https://www.</span><span class="ellipsis">theguardian.com/</span><span class="invisible">x</span></a></p>"#;
        let out = html_to_text(html);
        assert_eq!(
            out.text,
            "\"I lost it\"\n\nline one\nline two https://www.theguardian.com/x"
        );
        assert_eq!(out.links, vec!["https://www.theguardian.com/x"]);
    }

    #[test]
    fn mentions_and_hashtags_are_text_not_links() {
        let html = r##"<p><span class="h-card"><a href="https://a.example/@bob" class="u-url mention">@<span>bob</span></a></span> hi <a href="https://a.example/tags/cats" class="mention hashtag" rel="tag">#<span>Cats</span></a> &amp; &#8217;ok&#x2019;</p>"##;
        let out = html_to_text(html);
        assert_eq!(out.text, "@bob hi #Cats & \u{2019}ok\u{2019}");
        assert!(out.links.is_empty());
    }

    #[test]
    fn broken_markup_keeps_text() {
        assert_eq!(html_to_text("a < b").text, "a < b");
        assert_eq!(html_to_text("plain").text, "plain");
    }
}
