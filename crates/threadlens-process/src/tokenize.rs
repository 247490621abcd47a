//! text-processing.md §4: tokens of normalised text.

use crate::classes::{is_letter, is_letter_or_number, is_lmn, is_white_space};

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// `https://…`, `http://…`, `www.…` up to white space. Not scored.
    Url,
    /// An e-mail address. Not scored.
    Email,
    /// `@handle` (or `@user@host`). Not scored.
    Mention,
    /// `#tag`. Scored through its tag and segments (§5).
    Hashtag,
    /// A word. Scored.
    Word,
}

/// One token: its kind and where it is, in characters (Unicode scalars) of
/// the normalised text, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// The kind.
    pub kind: TokenKind,
    /// First character.
    pub start: usize,
    /// One past the last character, possessive `'s` included.
    pub end: usize,
    /// For mentions and hashtags: one past the last character before a
    /// possessive `'s`; equal to `end` otherwise.
    pub body_end: usize,
}

/// Split normalised text into tokens by the rules of §4: at each position
/// the first rule that matches consumes its text; where none does, one
/// character is skipped.
///
/// This is the literal reading, one character at a time; the scorer uses
/// the byte-level tokenizer, which is tested against it.
pub fn tokenize(chars: &[char]) -> Vec<Token> {
    let mut tokens = Vec::new();
    // Where the next `@` is: an e-mail address is only tried before one.
    let mut next_at = chars.iter().position(|&c| c == '@');
    let mut i = 0;
    while i < chars.len() {
        if next_at.is_some_and(|at| at < i) {
            next_at = chars[i..].iter().position(|&c| c == '@').map(|n| i + n);
        }
        let previous = i.checked_sub(1).map(|p| chars[p]);
        // The rules in §4's order; each rule's first character decides
        // which can apply here, so most positions try only one or two.
        let token = match chars[i] {
            '@' => mention(chars, i, previous),
            '#' => hashtag(chars, i, previous),
            c if is_letter_or_number(c) => url(chars, i)
                .or_else(|| next_at.and_then(|_| email(chars, i)))
                .or_else(|| word(chars, i)),
            _ => None,
        };
        match token {
            Some(token) => {
                i = token.end;
                tokens.push(token);
            }
            None => i += 1,
        }
    }
    tokens
}

fn at(chars: &[char], i: usize) -> Option<char> {
    chars.get(i).copied()
}

/// The end of the run of characters from `i` that satisfy `class`.
fn run(chars: &[char], mut i: usize, class: impl Fn(char) -> bool) -> usize {
    while at(chars, i).is_some_and(&class) {
        i += 1;
    }
    i
}

/// `(?i)(https?://|www\.)\S+`
fn url(chars: &[char], i: usize) -> Option<Token> {
    if !matches!(at(chars, i), Some('h' | 'H' | 'w' | 'W')) {
        return None;
    }
    let starts_with = |prefix: &str| {
        prefix
            .chars()
            .enumerate()
            .all(|(k, p)| at(chars, i + k).is_some_and(|c| c.eq_ignore_ascii_case(&p)))
    };
    let prefix = ["https://", "http://", "www."]
        .into_iter()
        .find(|p| starts_with(p))?
        .len();
    let end = run(chars, i + prefix, |c| !is_white_space(c));
    (end > i + prefix).then_some(Token {
        kind: TokenKind::Url,
        start: i,
        end,
        body_end: end,
    })
}

/// `[\p{L}\p{N}][\p{L}\p{M}\p{N}._%+'-]*@[\p{L}\p{M}\p{N}-]+(\.[\p{L}\p{M}\p{N}-]+)+`
fn email(chars: &[char], i: usize) -> Option<Token> {
    if !is_letter_or_number(at(chars, i)?) {
        return None;
    }
    // The local part cannot hold `@`, so only its longest run can be followed by one.
    let at_sign = run(chars, i + 1, |c| {
        is_lmn(c) || matches!(c, '.' | '_' | '%' | '+' | '\'' | '-')
    });
    if at(chars, at_sign) != Some('@') {
        return None;
    }
    let label = |c: char| is_lmn(c) || c == '-';
    let mut end = run(chars, at_sign + 1, label);
    if end == at_sign + 1 {
        return None;
    }
    let mut groups = 0;
    while at(chars, end) == Some('.') {
        let next = run(chars, end + 1, label);
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
fn possessive(chars: &[char], i: usize) -> usize {
    let is_possessive = at(chars, i) == Some('\'')
        && matches!(at(chars, i + 1), Some('s' | 'S'))
        && !at(chars, i + 2).is_some_and(is_lmn);
    if is_possessive { 2 } else { 0 }
}

/// `@[\p{L}\p{M}\p{N}_]+(@[\p{L}\p{M}\p{N}.-]*[\p{L}\p{N}])?P?`, after a
/// character not in `[\p{L}\p{M}\p{N}_]`.
fn mention(chars: &[char], i: usize, previous: Option<char>) -> Option<Token> {
    if at(chars, i) != Some('@') || previous.is_some_and(|p| is_lmn(p) || p == '_') {
        return None;
    }
    let mut end = run(chars, i + 1, |c| is_lmn(c) || c == '_');
    if end == i + 1 {
        return None;
    }
    if at(chars, end) == Some('@') {
        // The host part must end on a letter or number: back off to the last one.
        let host_end = run(chars, end + 1, |c| is_lmn(c) || matches!(c, '.' | '-'));
        if let Some(last) = (end + 1..host_end)
            .rev()
            .find(|&k| is_letter_or_number(chars[k]))
        {
            end = last + 1;
        }
    }
    let body_end = end;
    Some(Token {
        kind: TokenKind::Mention,
        start: i,
        end: end + possessive(chars, end),
        body_end,
    })
}

/// `#[\p{L}\p{M}\p{N}_]+P?` whose part before `P` holds a letter, after a
/// character not in `[\p{L}\p{M}\p{N}_&]`.
fn hashtag(chars: &[char], i: usize, previous: Option<char>) -> Option<Token> {
    if at(chars, i) != Some('#') || previous.is_some_and(|p| is_lmn(p) || p == '_' || p == '&') {
        return None;
    }
    let body_end = run(chars, i + 1, |c| is_lmn(c) || c == '_');
    if !chars[i + 1..body_end].iter().any(|&c| is_letter(c)) {
        return None;
    }
    Some(Token {
        kind: TokenKind::Hashtag,
        start: i,
        end: body_end + possessive(chars, body_end),
        body_end,
    })
}

/// `[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(['-][\p{L}\p{N}][\p{L}\p{M}\p{N}]*)*`
fn word(chars: &[char], i: usize) -> Option<Token> {
    if !is_letter_or_number(at(chars, i)?) {
        return None;
    }
    let mut end = run(chars, i + 1, is_lmn);
    while matches!(at(chars, end), Some('\'' | '-'))
        && at(chars, end + 1).is_some_and(is_letter_or_number)
    {
        end = run(chars, end + 2, is_lmn);
    }
    Some(Token {
        kind: TokenKind::Word,
        start: i,
        end,
        body_end: end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(TokenKind, String)> {
        let chars: Vec<char> = text.chars().collect();
        tokenize(&chars)
            .iter()
            .map(|t| (t.kind, chars[t.start..t.end].iter().collect()))
            .collect()
    }

    use TokenKind::*;

    #[test]
    fn the_contract_consequences() {
        assert_eq!(kinds("#1"), vec![(Word, "1".into())], "#1 is not a hashtag");
        assert_eq!(kinds("a#b"), vec![(Word, "a".into()), (Word, "b".into())]);
        assert_eq!(
            kinds("#co-production"),
            vec![(Hashtag, "#co".into()), (Word, "production".into())]
        );
        assert_eq!(
            kinds("see https://t.co/x,y! next"),
            vec![
                (Word, "see".into()),
                (Url, "https://t.co/x,y!".into()),
                (Word, "next".into())
            ]
        );
        let glued = kinds("seehttps://t.co/x");
        assert_eq!(
            glued[0],
            (Word, "seehttps".into()),
            "a URL glued after letters is not found"
        );
        assert!(glued.iter().all(|(k, _)| *k == Word));
        assert_eq!(
            kinds("nhs.uk"),
            vec![(Word, "nhs".into()), (Word, "uk".into())]
        );
        assert_eq!(kinds("1"), vec![(Word, "1".into())]);
    }

    #[test]
    fn urls_need_something_after_the_prefix() {
        assert_eq!(
            kinds("WWW.Example.org/a"),
            vec![(Url, "WWW.Example.org/a".into())]
        );
        assert_eq!(
            kinds("http:// x"),
            vec![(Word, "http".into()), (Word, "x".into())]
        );
    }

    #[test]
    fn emails_mentions_and_possessives() {
        assert_eq!(
            kinds("jane.doe@nhs.net."),
            vec![(Email, "jane.doe@nhs.net".into())]
        );
        assert_eq!(
            kinds("a@b.c d@e"),
            vec![
                (Email, "a@b.c".into()),
                (Word, "d".into()),
                (Word, "e".into())
            ],
            "no dot: not an email"
        );
        assert_eq!(
            kinds("@HorizonsNHS's team"),
            vec![(Mention, "@HorizonsNHS's".into()), (Word, "team".into())]
        );
        assert_eq!(
            kinds("@bob@mastodon.social."),
            vec![(Mention, "@bob@mastodon.social".into())]
        );
        assert_eq!(
            kinds("@bob@-."),
            vec![(Mention, "@bob".into())],
            "a host part needs a letter or number at its end"
        );
        assert_eq!(
            kinds("x@y"),
            vec![(Word, "x".into()), (Word, "y".into())],
            "@ after a letter is not a mention"
        );
        assert_eq!(kinds("#NHS's"), vec![(Hashtag, "#NHS's".into())]);
        assert_eq!(
            kinds("#NHS'sx"),
            vec![(Hashtag, "#NHS".into()), (Word, "sx".into())],
            "'s followed by a letter is not a possessive"
        );
        assert_eq!(
            kinds("&#39;"),
            vec![(Word, "39".into())],
            "# after & is not a hashtag"
        );
    }

    #[test]
    fn words_join_apostrophes_and_hyphens() {
        assert_eq!(
            kinds("don't co-design patients' -x"),
            vec![
                (Word, "don't".into()),
                (Word, "co-design".into()),
                (Word, "patients".into()),
                (Word, "x".into()),
            ]
        );
        assert_eq!(
            kinds("café\u{0301}s"),
            vec![(Word, "café\u{0301}s".into())],
            "marks continue a word"
        );
    }
}
