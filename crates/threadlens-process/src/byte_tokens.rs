//! text-processing.md §4 over the bytes of normalised text: the tokens of
//! [`tokenize`](crate::tokenize()), found without decoding ASCII and with
//! byte offsets. The scorer reads every post through this; the character
//! tokenizer is the literal reading it is tested against.
//!
//! An ASCII byte is a whole character, so the rules test it directly; a
//! byte of 0x80 or more starts a multi-byte character, which is decoded
//! and looked up in the Unicode tables. Positions only ever move by whole
//! characters, so every offset here is a character boundary.

use crate::ascii::{
    HIGH_BITS, ascii_alphanumeric, ascii_digits, ascii_letters, ascii_white_space, equal_to,
    word_at,
};
use crate::classes::{is_letter, is_letter_or_number, is_lmn, is_white_space};
use crate::tokenize::{Token, TokenKind};

/// The character at byte `i` and its length in bytes; `None` at the end.
#[inline]
fn char_at(text: &str, i: usize) -> Option<(char, usize)> {
    match *text.as_bytes().get(i)? {
        b if b.is_ascii() => Some((char::from(b), 1)),
        _ => text.get(i..)?.chars().next().map(|c| (c, c.len_utf8())),
    }
}

/// The character ending at byte `i`, if any.
fn char_before(text: &str, i: usize) -> Option<char> {
    text.get(..i)?.chars().next_back()
}

/// Whether `class` holds the character at byte `i`.
#[inline]
fn holds(text: &str, i: usize, class: impl Fn(char) -> bool) -> bool {
    char_at(text, i).is_some_and(|(c, _)| class(c))
}

/// The end of the run of characters from byte `i` that satisfy `class`.
#[inline]
fn run(text: &str, mut i: usize, class: impl Fn(char) -> bool) -> usize {
    while let Some((c, n)) = char_at(text, i) {
        if !class(c) {
            break;
        }
        i += n;
    }
    i
}

/// Per byte: whether it is an ASCII letter or digit (one load, where the
/// test is two ranges).
static ASCII_ALPHANUMERIC: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

/// Per byte: whether it is an ASCII character no token starts with (not a
/// letter or digit, `#` or `@`), which the scan steps over at once.
static STARTS_NO_TOKEN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        table[b] = !(byte.is_ascii_alphanumeric() || byte == b'#' || byte == b'@');
        b += 1;
    }
    table
};

/// The end of the run of `[\p{L}\p{M}\p{N}]` from byte `i`, and whether
/// it is all ASCII: ASCII letters and digits in a tight loop, the table
/// lookups only from the first non-ASCII character on.
#[inline]
fn lmn_run(text: &str, mut i: usize) -> (usize, bool) {
    let bytes = text.as_bytes();
    // Eight bytes at a time while eight are left: where a word ends is
    // found without a branch per byte, which the CPU would mispredict at
    // the end of every word.
    while let Some(word) = word_at(bytes, i) {
        let stops = !ascii_alphanumeric(word) & HIGH_BITS;
        if stops == 0 {
            i += 8;
            continue;
        }
        i += stops.trailing_zeros() as usize / 8;
        if bytes.get(i).is_some_and(|b| !b.is_ascii()) {
            let end = run(text, i, is_lmn);
            return (end, end == i);
        }
        return (i, true);
    }
    while let Some(&b) = bytes.get(i) {
        if ASCII_ALPHANUMERIC[usize::from(b)] {
            i += 1;
        } else if b.is_ascii() {
            break;
        } else {
            let end = run(text, i, is_lmn);
            return (end, end == i);
        }
    }
    (i, true)
}

/// Split normalised `text` into tokens (§4) with byte offsets, and call
/// `found` with each in order. Its second argument says whether the token
/// is a plain word: ASCII without a hyphen, so that its form (§5) is its
/// bytes lowercased.
#[inline]
pub(crate) fn for_each_token(text: &str, mut found: impl FnMut(Token, bool)) {
    let bytes = text.as_bytes();
    // Where the next `@` is: an e-mail address is only tried before one.
    let find_at = |from: usize| memchr::memchr(b'@', &bytes[from..]).map(|n| from + n);
    let mut next_at = find_at(0);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if STARTS_NO_TOKEN[usize::from(b)] {
            i += 1;
            continue;
        }
        if next_at.is_some_and(|at| at < i) {
            next_at = find_at(i);
        }
        let (token, width) = if b.is_ascii() {
            let token = match b {
                b'@' => mention(text, i).map(|t| (t, false)),
                b'#' => hashtag(text, i).map(|t| (t, false)),
                // Most words start with neither letter of a URL's prefix.
                _ if ASCII_ALPHANUMERIC[usize::from(b)] => matches!(b | 0x20, b'h' | b'w')
                    .then(|| url(text, i))
                    .flatten()
                    .or_else(|| next_at.and_then(|_| email(text, i, 1)))
                    .map(|t| (t, false))
                    .or_else(|| Some(word(text, i, 1))),
                _ => None,
            };
            (token, 1)
        } else {
            let Some((c, n)) = char_at(text, i) else {
                break;
            };
            let token = is_letter_or_number(c).then(|| {
                next_at
                    .and_then(|_| email(text, i, n))
                    .map(|t| (t, false))
                    .unwrap_or_else(|| word(text, i, n))
            });
            (token, n)
        };
        match token {
            Some((token, plain)) => {
                i = token.end;
                found(token, plain);
            }
            None => i += width,
        }
    }
}

/// `(?i)(https?://|www\.)\S+`
#[inline]
fn url(text: &str, i: usize) -> Option<Token> {
    let rest = &text.as_bytes()[i..];
    let starts_with = |p: &[u8]| {
        rest.get(..p.len())
            .is_some_and(|r| r.eq_ignore_ascii_case(p))
    };
    let prefix = match rest.first()? {
        b'h' | b'H' if starts_with(b"https://") => 8,
        b'h' | b'H' if starts_with(b"http://") => 7,
        b'w' | b'W' if starts_with(b"www.") => 4,
        _ => return None,
    };
    url_after_prefix(text, i, prefix)
}

/// The URL at byte `i` whose prefix is `prefix` bytes long, if anything
/// but white space follows it.
#[inline(never)]
fn url_after_prefix(text: &str, i: usize, prefix: usize) -> Option<Token> {
    let bytes = text.as_bytes();
    // Eight bytes at a time to the first ASCII white space or non-ASCII
    // byte; from there character by character.
    let mut end = i + prefix;
    while let Some(word) = word_at(bytes, end) {
        let stops = ascii_white_space(word) | word & HIGH_BITS;
        if stops != 0 {
            end += stops.trailing_zeros() as usize / 8;
            break;
        }
        end += 8;
    }
    let end = run(text, end, |c| !is_white_space(c));
    (end > i + prefix).then_some(Token {
        kind: TokenKind::Url,
        start: i,
        end,
        body_end: end,
    })
}

/// `[\p{L}\p{N}][\p{L}\p{M}\p{N}._%+'-]*@[\p{L}\p{M}\p{N}-]+(\.[\p{L}\p{M}\p{N}-]+)+`,
/// its first character (`first` bytes) already known to be a letter or number.
fn email(text: &str, i: usize, first: usize) -> Option<Token> {
    let bytes = text.as_bytes();
    // The local part cannot hold `@`, so only its longest run can be followed by one.
    let at_sign = run(text, i + first, |c| {
        is_lmn(c) || matches!(c, '.' | '_' | '%' | '+' | '\'' | '-')
    });
    if bytes.get(at_sign) != Some(&b'@') {
        return None;
    }
    let label = |c: char| is_lmn(c) || c == '-';
    let mut end = run(text, at_sign + 1, label);
    if end == at_sign + 1 {
        return None;
    }
    let mut groups = 0;
    while bytes.get(end) == Some(&b'.') {
        let next = run(text, end + 1, label);
        if next == end + 1 {
            break;
        }
        end = next;
        groups += 1;
    }
    (groups > 0).then_some(Token {
        kind: TokenKind::Email,
        start: i,
        end,
        body_end: end,
    })
}

/// `P`: `'s` or `'S` not followed by `[\p{L}\p{M}\p{N}]`; its length (0 or 2).
fn possessive(text: &str, i: usize) -> usize {
    let bytes = text.as_bytes();
    let is_possessive = bytes.get(i) == Some(&b'\'')
        && matches!(bytes.get(i + 1), Some(b's' | b'S'))
        && !holds(text, i + 2, is_lmn);
    if is_possessive { 2 } else { 0 }
}

/// `@[\p{L}\p{M}\p{N}_]+(@[\p{L}\p{M}\p{N}.-]*[\p{L}\p{N}])?P?`, after a
/// character not in `[\p{L}\p{M}\p{N}_]`.
fn mention(text: &str, i: usize) -> Option<Token> {
    if char_before(text, i).is_some_and(|p| is_lmn(p) || p == '_') {
        return None;
    }
    let mut end = run(text, i + 1, |c| is_lmn(c) || c == '_');
    if end == i + 1 {
        return None;
    }
    if text.as_bytes().get(end) == Some(&b'@') {
        // The host part must end on a letter or number: the last one read.
        let mut k = end + 1;
        while let Some((c, n)) = char_at(text, k) {
            if !(is_lmn(c) || matches!(c, '.' | '-')) {
                break;
            }
            k += n;
            if is_letter_or_number(c) {
                end = k;
            }
        }
    }
    Some(Token {
        kind: TokenKind::Mention,
        start: i,
        end: end + possessive(text, end),
        body_end: end,
    })
}

/// `#[\p{L}\p{M}\p{N}_]+P?` whose part before `P` holds a letter, after a
/// character not in `[\p{L}\p{M}\p{N}_&]`.
fn hashtag(text: &str, i: usize) -> Option<Token> {
    if char_before(text, i).is_some_and(|p| is_lmn(p) || p == '_' || p == '&') {
        return None;
    }
    let bytes = text.as_bytes();
    let mut body_end = i + 1;
    let mut has_letter = false;
    // ASCII bytes without decoding, eight at a time while eight are left,
    // then characters from the first other one.
    while let Some(word) = word_at(bytes, body_end) {
        let letters = ascii_letters(word);
        let underscores = equal_to(word & !HIGH_BITS, b'_') & !word;
        let stops = !(letters | ascii_digits(word) | underscores) & HIGH_BITS;
        if stops == 0 {
            has_letter |= letters != 0;
            body_end += 8;
            continue;
        }
        let stop = stops.trailing_zeros();
        // Only the letters before the first byte that is not in the body.
        has_letter |= letters & ((1 << stop) - 1) != 0;
        body_end += stop as usize / 8;
        break;
    }
    while let Some(&b) = bytes.get(body_end) {
        if !(ASCII_ALPHANUMERIC[usize::from(b)] || b == b'_') {
            break;
        }
        has_letter |= b.is_ascii_alphabetic();
        body_end += 1;
    }
    while let Some((c, n)) = char_at(text, body_end) {
        if !(is_lmn(c) || c == '_') {
            break;
        }
        has_letter |= is_letter(c);
        body_end += n;
    }
    has_letter.then(|| Token {
        kind: TokenKind::Hashtag,
        start: i,
        end: body_end + possessive(text, body_end),
        body_end,
    })
}

/// `[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(['-][\p{L}\p{N}][\p{L}\p{M}\p{N}]*)*`,
/// its first character (`first` bytes) already known to be a letter or
/// number; and whether it is plain (ASCII, no hyphen).
#[inline(always)]
fn word(text: &str, i: usize, first: usize) -> (Token, bool) {
    let bytes = text.as_bytes();
    let (mut end, mut plain) = lmn_run(text, i + first);
    plain &= first == 1;
    while let Some(&separator @ (b'\'' | b'-')) = bytes.get(end) {
        match char_at(text, end + 1) {
            Some((c, n)) if is_letter_or_number(c) => {
                let (next, ascii) = lmn_run(text, end + 1 + n);
                plain &= ascii && n == 1 && separator == b'\'';
                end = next;
            }
            _ => break,
        }
    }
    let token = Token {
        kind: TokenKind::Word,
        start: i,
        end,
        body_end: end,
    };
    (token, plain)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;
    use crate::tokenize::tokenize;

    /// The byte tokenizer's tokens with their offsets turned into
    /// character offsets; checks each plain word is ASCII without a hyphen
    /// and each other word is not.
    fn in_chars(text: &str) -> Vec<Token> {
        let mut tokens = Vec::new();
        for_each_token(text, |token, plain| {
            let spelled = &text[token.start..token.end];
            let is_plain =
                token.kind == TokenKind::Word && spelled.is_ascii() && !spelled.contains('-');
            assert_eq!(plain, is_plain, "{spelled:?} in {text:?}");
            tokens.push(token);
        });
        let char_of = |byte: usize| text[..byte].chars().count();
        tokens
            .into_iter()
            .map(|t| Token {
                kind: t.kind,
                start: char_of(t.start),
                end: char_of(t.end),
                body_end: char_of(t.body_end),
            })
            .collect()
    }

    fn literal(text: &str) -> Vec<Token> {
        tokenize(&text.chars().collect::<Vec<_>>())
    }

    /// The byte tokenizer gives `text` the character tokenizer's tokens.
    fn assert_agrees(text: &str) {
        assert_eq!(in_chars(text), literal(text), "{text:?}");
    }

    #[test]
    fn agrees_with_the_character_tokenizer_on_the_rules_edges() {
        for text in [
            "",
            "#1 a#b #co-production &#39; &#amp; é#x #NHS's #NHS'sx #a's1 @b's\u{0301} x@y",
            "see https://t.co/x,y! next seehttps://t.co/x WWW.Example.org/a http:// x",
            "jane.doe@nhs.net. a@b.c d@e @HorizonsNHS's team @bob@mastodon.social. @bob@-.",
            "don't co-design patients' -x café\u{0301}s naïve-ish é'é",
            "@élodie's #Café_Crème é@ü.fr ü@é x\u{0301}@y.z #\u{0301}a",
            "中文 #中文 @中 #١٢ ١٢ ½x",
            "@a@b\u{0301}.c\u{0301}- @a@\u{0301} #_ #_a_ ab'\u{0301}s",
            "\u{00A0}https://x\u{00A0}y www.\u{2003} hTTp://é",
        ] {
            assert_agrees(text);
        }
    }

    #[test]
    fn words_of_every_length_end_where_the_characters_say() {
        // Words read eight bytes at a time end inside or after a chunk, on
        // an ASCII byte or at a non-ASCII character, or run into the tail.
        for len in 1..=20 {
            let word: String = "Ab3deFgh9jKlmnoPqrsT".chars().take(len).collect();
            for after in [
                "",
                " x",
                "é",
                "\u{0301}b",
                "'s",
                "-x",
                "_",
                "中",
                "@a.b",
                " #Tag",
            ] {
                for before in ["", "(", "é"] {
                    let text = format!("{before}{word}{after} tail");
                    assert_agrees(&text);
                    let text = format!("{before}{word}{after}");
                    assert_agrees(&text);
                }
            }
        }
    }

    #[test]
    fn urls_and_hashtags_of_every_length_end_where_the_characters_say() {
        // Read eight bytes at a time, they end inside or after a chunk, at
        // ASCII or Unicode white space, at another character, or at the end.
        for len in 0..=20 {
            let path: String = "t.co/0c2BA77_de1x9Zq".chars().take(len).collect();
            let body: String = "Solving_Together2022".chars().take(len).collect();
            let digits: String = "2022_12_01_0930_1045".chars().take(len).collect();
            for after in [
                "",
                " x",
                "\t",
                "\n",
                "\u{00A0}y",
                "\u{2003}",
                "\u{3000}",
                "é",
                "\u{0301}",
                "中",
                "'s",
                ".",
                "&",
                "#x",
            ] {
                for text in [
                    format!("see https://{path}{after} tail"),
                    format!("www.{path}{after}"),
                    format!("x #{body}{after} tail"),
                    format!("#{body}{after}"),
                    format!("#123{body}{after}"),
                    format!("#{digits}{after} tail"),
                ] {
                    assert_agrees(&text);
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn bytes_and_characters_give_the_same_tokens(
            text in crate::test_strategies::tricky_text()
        ) {
            let text = normalize(&text);
            proptest::prop_assert_eq!(in_chars(&text), literal(&text));
        }

        #[test]
        fn the_same_on_pieces_of_tokens(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "https://", "HTTP://", "www.", "@", "#", ".", "'s", "'", "-", "_", "&", " ",
                "a", "h", "1", "x.y", "É", "é", "\u{0301}", "\u{00A0}", "中", "١", "%+",
            ]), 0..24)
        ) {
            let text = pieces.concat();
            proptest::prop_assert_eq!(in_chars(&text), literal(&text));
        }

        #[test]
        fn the_same_on_any_text(text in proptest::prelude::any::<String>()) {
            proptest::prop_assert_eq!(in_chars(&text), literal(&text));
        }
    }
}
