//! Tweet-like texts: everyday words with Zipfian frequencies, the themes'
//! vocabulary in about a quarter of posts, hashtags in realistic shapes,
//! mentions of fictional handles, links, emoji, curly apostrophes, and some
//! Welsh and French.

use crate::SplitMix64;

/// Everyday words, most frequent first (Zipfian draws favour the start).
const COMMON: &[&str] = &[
    "the",
    "to",
    "and",
    "a",
    "of",
    "in",
    "is",
    "for",
    "we",
    "our",
    "you",
    "it",
    "on",
    "with",
    "this",
    "that",
    "are",
    "be",
    "at",
    "so",
    "all",
    "from",
    "today",
    "about",
    "how",
    "what",
    "can",
    "your",
    "us",
    "will",
    "more",
    "have",
    "people",
    "do",
    "not",
    "by",
    "great",
    "thanks",
    "join",
    "session",
    "team",
    "care",
    "time",
    "work",
    "really",
    "here",
    "they",
    "who",
    "one",
    "just",
    "up",
    "out",
    "now",
    "an",
    "good",
    "new",
    "get",
    "was",
    "share",
    "learning",
    "day",
    "health",
    "staff",
    "patients",
    "services",
    "making",
    "ideas",
    "next",
    "hear",
    "questions",
    "looking",
    "forward",
    "local",
    "community",
    "change",
    "better",
    "support",
    "system",
    "data",
    "nurses",
    "doctors",
    "hospital",
    "ward",
    "morning",
    "afternoon",
    "slides",
    "notes",
    "thread",
    "listen",
    "example",
    "story",
    "stories",
    "lovely",
    "brilliant",
    "takeover",
    "hosting",
    "colleagues",
    "everyone",
    "practice",
    "improvement",
    "quality",
    "safety",
    "teams",
    "leaders",
    "networks",
    "big",
    "small",
    "first",
    "last",
    "week",
    "year",
    "please",
    "reply",
    "below",
    "see",
    "link",
    "read",
    "watch",
    "live",
    "online",
    "room",
    "hands",
    "coffee",
    "lunch",
    "minutes",
    "hour",
    "plan",
    "project",
    "results",
    "measure",
    "tests",
    "cycles",
    "run",
    "charts",
    "family",
    "families",
    "carers",
    "voice",
    "power",
    "trust",
    "kind",
    "open",
];

/// The themes' vocabulary (three Cs and the wider improvement field).
const THEMED: &[&str] = &[
    "coproduction",
    "co-production",
    "co-produce",
    "co-design",
    "codesign",
    "partnership",
    "candour",
    "candor",
    "honest",
    "honesty",
    "transparency",
    "openness",
    "sorry",
    "conversation",
    "conversations",
    "dialogue",
    "listening",
    "lived experience",
    "experts by experience",
    "psychological safety",
    "speak up",
    "health inequalities",
    "equity",
    "spread",
    "adoption",
    "scale up",
    "digital",
    "involvement",
    "involved",
];

const HASHTAGS: &[&str] = &[
    "#SolvingTogether",
    "#NHS",
    "#CoProduction",
    "#DutyOfCandour",
    "#LivedExperience",
    "#QualityImprovement",
    "#QI",
    "#PatientSafety",
    "#3Cs",
    "#NextConversation",
    "#coproduction",
    "#candour",
    "#HealthEquity",
    "#NHSEngland",
    "#COVID19",
    "#co_design",
    "#EDI",
];

const HANDLES: &[&str] = &[
    "@host_equity",
    "@host_spread",
    "@host_candour",
    "@host_digital",
    "@ward_team_7",
    "@qi_network",
    "@patient_voice_1",
    "@carer_alex",
    "@nurse_sam",
    "@member@social.example",
];

const EMOJI: &[&str] = &["🙌", "❤️", "👍🏽", "🎉", "👏", "💡", "🇬🇧", "😊", "1️⃣", "👩‍⚕️"];

const WELSH: &[&str] = &[
    "diolch", "bore", "da", "croeso", "iechyd", "gofal", "sgwrs", "heddiw",
];
const FRENCH: &[&str] = &[
    "merci", "à", "tous", "santé", "soins", "équipe", "très", "bien",
];

/// An endless, deterministic stream of tweet-like texts (about 110
/// characters on average).
#[derive(Debug, Clone)]
pub struct TextGenerator {
    rng: SplitMix64,
}

impl TextGenerator {
    /// A stream started from `seed`.
    pub fn new(seed: u64) -> Self {
        TextGenerator {
            rng: SplitMix64::new(seed),
        }
    }

    /// The next text.
    pub fn next_text(&mut self) -> String {
        self.next_post().0
    }

    /// The next text and its language (`en`, `cy` or `fr`).
    pub fn next_post(&mut self) -> (String, &'static str) {
        let r = &mut self.rng;
        let mut words: Vec<String> = Vec::new();
        if r.percent(25) {
            words.push(HANDLES[r.zipf(HANDLES.len())].to_owned());
        }
        let language = r.below(100);
        let length = 6 + r.below(18);
        let themed = if r.percent(25) { 1 + r.below(3) } else { 0 };
        let themed_at: Vec<usize> = (0..themed).map(|_| r.below(length)).collect();
        for i in 0..length {
            if themed_at.contains(&i) {
                words.push(THEMED[r.zipf(THEMED.len())].to_owned());
                continue;
            }
            let word = match language {
                0..=2 => WELSH[r.below(WELSH.len())],
                3..=4 => FRENCH[r.below(FRENCH.len())],
                _ => COMMON[r.zipf(COMMON.len())],
            };
            let mut word = word.to_owned();
            if i == 0 {
                capitalise(&mut word);
            }
            if r.percent(3) {
                word.push_str("\u{2019}s");
            }
            words.push(word);
            if r.percent(6) {
                let mark = [",", ".", "!", "?", ":"][r.below(5)];
                if let Some(last) = words.last_mut() {
                    last.push_str(mark);
                }
            }
        }
        for _ in 0..r.below(3) {
            words.push(HASHTAGS[r.zipf(HASHTAGS.len())].to_owned());
        }
        if r.percent(30) {
            words.push(EMOJI[r.zipf(EMOJI.len())].to_owned());
        }
        if r.percent(20) {
            words.push(format!("https://t.co/{:010x}", r.next_u64() >> 24));
        }
        let lang = match language {
            0..=2 => "cy",
            3..=4 => "fr",
            _ => "en",
        };
        (words.join(" "), lang)
    }
}

impl Iterator for TextGenerator {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        Some(self.next_text())
    }
}

fn capitalise(word: &mut String) {
    if let Some(first) = word.get(..1) {
        let upper = first.to_ascii_uppercase();
        word.replace_range(..1, &upper);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_texts_other_seed_other_texts() {
        let a: Vec<String> = TextGenerator::new(1).take(100).collect();
        let b: Vec<String> = TextGenerator::new(1).take(100).collect();
        let c: Vec<String> = TextGenerator::new(2).take(100).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn texts_look_like_posts() {
        let texts: Vec<String> = TextGenerator::new(42).take(2000).collect();
        let mean = texts.iter().map(|t| t.chars().count()).sum::<usize>() / texts.len();
        assert!((60..=200).contains(&mean), "mean length {mean}");
        let share = |needle: &str| texts.iter().filter(|t| t.contains(needle)).count();
        assert!(share("#") > 500, "hashtags are common");
        assert!(share("https://t.co/") > 200, "links appear");
        assert!(share("@host_") > 100, "mentions appear");
        assert!(
            texts.iter().filter(|t| !t.is_ascii()).count() > 300,
            "non-ASCII appears"
        );
        let themed = texts
            .iter()
            .filter(|t| THEMED.iter().any(|w| t.contains(w)))
            .count();
        assert!(
            (300..=900).contains(&themed),
            "about a quarter of posts use theme words: {themed}"
        );
    }
}
