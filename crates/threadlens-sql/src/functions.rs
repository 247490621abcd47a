//! threadlens's SQL functions: `tl_score`, `tl_themes`, `tl_matches`,
//! `tl_hashtags`, `tl_normalize`, `tl_tokens`, `tl_handle_key` and
//! `tl_period`, each a thin wrapper of the arrow-free core
//! (`threadlens-process`, `threadlens-model`): plain values in and out,
//! built into Arrow arrays here. Text may be `Utf8`, `LargeUtf8` or
//! `Utf8View`; a NULL in gives NULL.

use std::any::Any;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayBuilder, ArrayRef, ListArray, ListBuilder, StringBuilder, StructArray,
    TimestampMillisecondBuilder, UInt32Builder,
};
use datafusion::arrow::buffer::{NullBuffer, OffsetBuffer};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Fields, TimeUnit};
use datafusion::common::cast::{
    as_large_string_array, as_string_array, as_string_view_array, as_timestamp_millisecond_array,
};
use datafusion::common::{Result, ScalarValue, exec_err, plan_err};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use threadlens_model::{Period, handle_key};
use threadlens_process::{Scorer, analyze, normalize};

use crate::lexicon::ShippedLexicon;

/// `tl_score(text)`: a struct of `word_count`, `emoji_count` and, per theme
/// of the lexicon, `<theme>_hits`, as `post_scores` has them.
pub const SCORE: &str = "tl_score";
/// `tl_themes(text)`: the ids of the themes the text hits, in lexicon order.
pub const THEMES: &str = "tl_themes";
/// `tl_normalize(text)`: the text after text-processing.md §3.
pub const NORMALIZE: &str = "tl_normalize";
/// `tl_tokens(text)`: the forms of the text's units (§5-6): the words and
/// hashtag segments `word_count` counts, lowercased, hyphens dropped.
pub const TOKENS: &str = "tl_tokens";
/// `tl_matches(text)`: the matches §8 counts, left to right, each a struct
/// of `theme` (its id) and `entry` (as the lexicon writes it).
pub const MATCHES: &str = "tl_matches";
/// `tl_hashtags(text)`: the text's hashtags as the analyzer reads them
/// (§5: lowercased, no `#`), each once, in order of first appearance.
pub const HASHTAGS: &str = "tl_hashtags";
/// `tl_handle_key(handle)`: a handle as accounts are grouped
/// (case-insensitive, no leading `@`).
pub const HANDLE_KEY: &str = "tl_handle_key";
/// `tl_period(created_at, 'hour'|'day'|'week', 'Area/City')`: the first
/// instant (UTC) of the period of local time that holds the instant, as
/// `theme_by_period` groups posts (formats.md §5).
pub const PERIOD: &str = "tl_period";

/// Every function's name.
pub const NAMES: [&str; 8] = [
    SCORE, THEMES, MATCHES, HASHTAGS, NORMALIZE, TOKENS, HANDLE_KEY, PERIOD,
];

/// Every function, scoring with `lexicon` (without one, `tl_score` gives
/// only the counts, and `tl_themes` and `tl_matches` refuse to plan).
pub fn functions(lexicon: Option<Arc<ShippedLexicon>>) -> Vec<ScalarUDF> {
    NAMES
        .iter()
        .filter_map(|name| function(name, lexicon.clone()))
        .collect()
}

/// The function called `name` with `lexicon`, when `name` is one of ours.
pub fn function(name: &str, lexicon: Option<Arc<ShippedLexicon>>) -> Option<ScalarUDF> {
    if name == PERIOD {
        return Some(ScalarUDF::new_from_impl(PeriodFunction::new()));
    }
    if !NAMES.contains(&name) {
        return None;
    }
    // Only the scoring functions carry the lexicon (and ship it in plans);
    // the others are the same function whatever the lexicon.
    let lexicon = lexicon.filter(|_| SCORING.contains(&name));
    Some(ScalarUDF::new_from_impl(TextFunction::new(name, lexicon)))
}

/// The functions that score against a lexicon.
pub const SCORING: [&str; 3] = [SCORE, THEMES, MATCHES];

/// The lexicon a function of ours carries, or `None` when `udf` is not
/// one of ours; `Some(None)` for ours without a lexicon.
pub fn lexicon_of(udf: &ScalarUDF) -> Option<Option<Arc<ShippedLexicon>>> {
    let inner: &dyn Any = udf.inner().as_ref();
    if inner.is::<PeriodFunction>() {
        return Some(None);
    }
    inner
        .downcast_ref::<TextFunction>()
        .map(|f| f.lexicon.clone())
}

/// Which of the four a [`TextFunction`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Score,
    Themes,
    Matches,
    Hashtags,
    Normalize,
    Tokens,
    HandleKey,
}

/// One of the four functions, with the lexicon it scores against.
#[derive(Debug)]
struct TextFunction {
    name: &'static str,
    kind: Kind,
    signature: Signature,
    lexicon: Option<Arc<ShippedLexicon>>,
}

/// Functions are equal when they are the same function with the same
/// lexicon (by SHA-256), so plans with different lexicons never merge.
impl PartialEq for TextFunction {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.lexicon_sha256() == other.lexicon_sha256()
    }
}

impl Eq for TextFunction {}

impl Hash for TextFunction {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.kind.hash(state);
        self.lexicon_sha256().hash(state);
    }
}

impl TextFunction {
    fn new(name: &str, lexicon: Option<Arc<ShippedLexicon>>) -> TextFunction {
        let (name, kind) = match name {
            SCORE => (SCORE, Kind::Score),
            THEMES => (THEMES, Kind::Themes),
            MATCHES => (MATCHES, Kind::Matches),
            HASHTAGS => (HASHTAGS, Kind::Hashtags),
            NORMALIZE => (NORMALIZE, Kind::Normalize),
            HANDLE_KEY => (HANDLE_KEY, Kind::HandleKey),
            _ => (TOKENS, Kind::Tokens),
        };
        TextFunction {
            name,
            kind,
            signature: Signature::string(1, Volatility::Immutable),
            lexicon,
        }
    }

    fn lexicon_sha256(&self) -> Option<&str> {
        self.lexicon.as_deref().map(ShippedLexicon::sha256)
    }

    fn score_fields(&self) -> Fields {
        let mut fields = vec![
            Field::new("word_count", DataType::UInt32, false),
            Field::new("emoji_count", DataType::UInt32, false),
        ];
        if let Some(lexicon) = &self.lexicon {
            for theme in &lexicon.lexicon().themes {
                fields.push(Field::new(
                    format!("{}_hits", theme.id),
                    DataType::UInt32,
                    false,
                ));
            }
        }
        Fields::from(fields)
    }

    fn score(&self, texts: &ArrayRef) -> Result<ArrayRef> {
        let themes = self
            .lexicon
            .as_ref()
            .map_or(0, |l| l.lexicon().themes.len());
        let mut words = UInt32Builder::with_capacity(texts.len());
        let mut emoji = UInt32Builder::with_capacity(texts.len());
        let mut hits: Vec<UInt32Builder> = (0..themes)
            .map(|_| UInt32Builder::with_capacity(texts.len()))
            .collect();
        let mut valid = Vec::with_capacity(texts.len());
        let mut counts = vec![0u32; themes];
        let mut scorer = self.lexicon.as_ref().map(|l| Scorer::new(l.lexicon()));
        each_text(texts, |text| {
            valid.push(text.is_some());
            let text = text.unwrap_or_default();
            counts.fill(0);
            match scorer.as_mut() {
                Some(scorer) => {
                    let scan = scorer.scan(text);
                    words.append_value(scan.word_count as u32);
                    emoji.append_value(scan.emoji_count as u32);
                    for m in scan.matches {
                        counts[m.theme] += 1;
                    }
                }
                None => {
                    let analysis = analyze(text);
                    words.append_value(analysis.word_count() as u32);
                    emoji.append_value(analysis.emoji_count as u32);
                }
            }
            for (column, &count) in hits.iter_mut().zip(&counts) {
                column.append_value(count);
            }
        })?;
        let mut columns: Vec<ArrayRef> = vec![Arc::new(words.finish()), Arc::new(emoji.finish())];
        columns.extend(hits.iter_mut().map(|b| Arc::new(b.finish()) as ArrayRef));
        let nulls = NullBuffer::from(valid);
        let nulls = (nulls.null_count() > 0).then_some(nulls);
        Ok(Arc::new(StructArray::try_new(
            self.score_fields(),
            columns,
            nulls,
        )?))
    }

    fn themes(&self, texts: &ArrayRef) -> Result<ArrayRef> {
        let Some(lexicon) = &self.lexicon else {
            return plan_err!("{THEMES} needs a lexicon: give --lexicon FILE");
        };
        let lexicon = lexicon.lexicon();
        let mut scorer = Scorer::new(lexicon);
        let mut hit = vec![false; lexicon.themes.len()];
        let mut out = ListBuilder::new(StringBuilder::new());
        each_text(texts, |text| match text {
            None => out.append_null(),
            Some(text) => {
                hit.fill(false);
                for m in scorer.scan(text).matches {
                    hit[m.theme] = true;
                }
                for (theme, _) in lexicon.themes.iter().zip(&hit).filter(|(_, h)| **h) {
                    out.values().append_value(&theme.id);
                }
                out.append(true);
            }
        })?;
        Ok(Arc::new(out.finish()))
    }

    fn matches(&self, texts: &ArrayRef) -> Result<ArrayRef> {
        let Some(lexicon) = &self.lexicon else {
            return plan_err!("{MATCHES} needs a lexicon: give --lexicon FILE");
        };
        let lexicon = lexicon.lexicon();
        let mut scorer = Scorer::new(lexicon);
        let (mut theme, mut entry) = (StringBuilder::new(), StringBuilder::new());
        let mut offsets = vec![0i32];
        let mut valid = Vec::with_capacity(texts.len());
        each_text(texts, |text| {
            valid.push(text.is_some());
            if let Some(text) = text {
                for m in scorer.scan(text).matches {
                    let t = &lexicon.themes[m.theme];
                    theme.append_value(&t.id);
                    entry.append_value(&t.entries[m.entry].text);
                }
            }
            offsets.push(theme.len() as i32);
        })?;
        let items = StructArray::try_new(
            match_fields(),
            vec![Arc::new(theme.finish()), Arc::new(entry.finish())],
            None,
        )?;
        let nulls = NullBuffer::from(valid);
        Ok(Arc::new(ListArray::try_new(
            Arc::new(Field::new_list_field(
                DataType::Struct(match_fields()),
                true,
            )),
            OffsetBuffer::new(offsets.into()),
            Arc::new(items),
            (nulls.null_count() > 0).then_some(nulls),
        )?))
    }

    fn hashtags(texts: &ArrayRef) -> Result<ArrayRef> {
        let mut out = ListBuilder::new(StringBuilder::new());
        each_text(texts, |text| match text {
            None => out.append_null(),
            Some(text) => {
                let mut seen: Vec<String> = Vec::new();
                for hashtag in analyze(text).hashtags {
                    if !seen.contains(&hashtag.tag) {
                        out.values().append_value(&hashtag.tag);
                        seen.push(hashtag.tag);
                    }
                }
                out.append(true);
            }
        })?;
        Ok(Arc::new(out.finish()))
    }

    fn handle_keys(texts: &ArrayRef) -> Result<ArrayRef> {
        let mut out = StringBuilder::new();
        each_text(texts, |text| out.append_option(text.map(handle_key)))?;
        Ok(Arc::new(out.finish()))
    }

    fn normalize(texts: &ArrayRef) -> Result<ArrayRef> {
        let mut out = StringBuilder::new();
        each_text(texts, |text| out.append_option(text.map(normalize)))?;
        Ok(Arc::new(out.finish()))
    }

    fn tokens(texts: &ArrayRef) -> Result<ArrayRef> {
        let mut out = ListBuilder::new(StringBuilder::new());
        each_text(texts, |text| match text {
            None => out.append_null(),
            Some(text) => {
                for unit in analyze(text).units {
                    out.values().append_value(unit.form);
                }
                out.append(true);
            }
        })?;
        Ok(Arc::new(out.finish()))
    }
}

impl ScalarUDFImpl for TextFunction {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        let text_list = DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)));
        Ok(match self.kind {
            Kind::Score => DataType::Struct(self.score_fields()),
            Kind::Themes if self.lexicon.is_none() => {
                return plan_err!("{THEMES} needs a lexicon: give --lexicon FILE");
            }
            Kind::Matches if self.lexicon.is_none() => {
                return plan_err!("{MATCHES} needs a lexicon: give --lexicon FILE");
            }
            Kind::Matches => DataType::List(Arc::new(Field::new_list_field(
                DataType::Struct(match_fields()),
                true,
            ))),
            Kind::Themes | Kind::Tokens | Kind::Hashtags => text_list,
            Kind::Normalize | Kind::HandleKey => DataType::Utf8,
        })
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let [text] = args.args.as_slice() else {
            return exec_err!("{} takes one argument, the text", self.name);
        };
        let texts = text.to_array(args.number_rows)?;
        let result = match self.kind {
            Kind::Score => self.score(&texts)?,
            Kind::Themes => self.themes(&texts)?,
            Kind::Matches => self.matches(&texts)?,
            Kind::Hashtags => TextFunction::hashtags(&texts)?,
            Kind::Normalize => TextFunction::normalize(&texts)?,
            Kind::Tokens => TextFunction::tokens(&texts)?,
            Kind::HandleKey => TextFunction::handle_keys(&texts)?,
        };
        Ok(ColumnarValue::Array(result))
    }
}

/// The fields of a `tl_matches` item.
fn match_fields() -> Fields {
    Fields::from(vec![
        Field::new("theme", DataType::Utf8, false),
        Field::new("entry", DataType::Utf8, false),
    ])
}

/// `tl_period`: the period start of each instant, the period and the time
/// zone given as literals.
#[derive(Debug, PartialEq, Eq, Hash)]
struct PeriodFunction {
    signature: Signature,
}

impl PeriodFunction {
    fn new() -> PeriodFunction {
        PeriodFunction {
            signature: Signature::any(3, Volatility::Immutable),
        }
    }
}

/// A text literal argument of `tl_period`.
fn literal_text<'a>(arg: &'a ColumnarValue, what: &str) -> Result<&'a str> {
    match arg {
        ColumnarValue::Scalar(
            ScalarValue::Utf8(Some(s))
            | ScalarValue::LargeUtf8(Some(s))
            | ScalarValue::Utf8View(Some(s)),
        ) => Ok(s),
        _ => plan_err!(
            "{PERIOD}: its {what} must be a text literal, such as 'day' or 'Europe/London'"
        ),
    }
}

impl ScalarUDFImpl for PeriodFunction {
    fn name(&self) -> &str {
        PERIOD
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        if !matches!(
            arg_types.first(),
            Some(DataType::Timestamp(..) | DataType::Null)
        ) {
            return plan_err!(
                "{PERIOD}(created_at, period, timezone): created_at must be a timestamp"
            );
        }
        Ok(DataType::Timestamp(
            TimeUnit::Millisecond,
            Some("UTC".into()),
        ))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let [at, period, zone] = args.args.as_slice() else {
            return exec_err!("{PERIOD} takes three arguments: created_at, period, timezone");
        };
        let period: Period = match literal_text(period, "period")?.parse() {
            Ok(period) => period,
            Err(_) => return plan_err!("{PERIOD}: the period is hour, day or week"),
        };
        let zone_name = literal_text(zone, "time zone")?;
        let Ok(zone) = zone_name.parse::<chrono_tz::Tz>() else {
            return plan_err!(
                "{PERIOD}: `{zone_name}` is not a time zone (use an IANA name such as Europe/London)"
            );
        };
        let instants = at.to_array(args.number_rows)?;
        let millis = cast(&instants, &DataType::Timestamp(TimeUnit::Millisecond, None))?;
        let millis = as_timestamp_millisecond_array(&millis)?;
        let mut out = TimestampMillisecondBuilder::with_capacity(millis.len()).with_timezone("UTC");
        for value in millis.iter() {
            let start = value
                .and_then(chrono::DateTime::from_timestamp_millis)
                .map(|t| period.of(t, zone).utc.timestamp_millis());
            out.append_option(start);
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
    }
}

/// Call `f` with each text of a string array (any of the three string
/// types), `None` for NULL.
fn each_text(array: &ArrayRef, mut f: impl FnMut(Option<&str>)) -> Result<()> {
    match array.data_type() {
        DataType::Utf8 => as_string_array(array)?.iter().for_each(&mut f),
        DataType::LargeUtf8 => as_large_string_array(array)?.iter().for_each(&mut f),
        DataType::Utf8View => as_string_view_array(array)?.iter().for_each(&mut f),
        DataType::Null => (0..array.len()).for_each(|_| f(None)),
        other => return exec_err!("threadlens's functions take text, not {other}"),
    }
    Ok(())
}
