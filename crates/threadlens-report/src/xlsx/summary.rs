//! The workbook's first sheet, "Summary": the title and event line, the
//! headline figures, each theme's share of posts as an Excel table, and
//! native charts (activity over the event, theme share per slot, themes
//! over time) drawn from a last sheet, "chart_data", that holds their
//! series.

use rust_xlsxwriter::{
    Chart, ChartFormat, ChartLegendPosition, ChartLine, ChartSolidFill, ChartType, Color, Format,
    Table as ExcelTable, TableStyle, Worksheet, XlsxError,
};

use super::{excel_datetime, number_format};
use crate::overview::{Overview, Unit, best_slot, multi_day};
use crate::summary::ACTIVITY_BUCKET_MIN;

/// The sheet the charts' series are on.
pub(crate) const CHART_DATA: &str = "chart_data";

/// The first sheet's name.
pub(crate) const SUMMARY: &str = "Summary";

/// Theme colours (the page's Okabe-Ito palette).
const PALETTE: [u32; 8] = [
    0x0072B2, 0xE69F00, 0x009E73, 0xCC79A7, 0x56B4E9, 0xD55E00, 0x000000, 0xF0E442,
];

/// Width of a chart in pixels.
const CHART_WIDTH: u32 = 880;

/// Default row height in pixels, for placing charts one under another.
const ROW_PX: u32 = 20;

/// Activity buckets in an hour: the activity chart labels every hour.
const BUCKETS_PER_HOUR: u16 = (60 / ACTIVITY_BUCKET_MIN) as u16;

/// Characters of a slot's title in the share chart's labels (the full
/// title is on the takeover_engagement sheet).
const SLOT_LABEL_CHARS: usize = 48;

/// The Summary sheet, and the chart data sheet when there is a chart.
pub(super) fn sheets(overview: &Overview<'_>) -> Result<(Worksheet, Option<Worksheet>), XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(SUMMARY)?;
    let title = Format::new().set_bold().set_font_size(16);
    let heading = Format::new().set_bold().set_font_size(12);
    let muted = Format::new().set_font_color(Color::RGB(0x59636E));
    let count = Format::new()
        .set_num_format(number_format::COUNT)
        .set_bold();
    let minutes = Format::new()
        .set_num_format(number_format::MINUTES)
        .set_bold();
    let decimal = Format::new().set_num_format("0.0").set_bold();
    sheet.set_column_width(0, 32)?;
    sheet.set_column_width(1, 14)?;
    sheet.set_column_width(2, 14)?;
    sheet.set_column_width(3, 14)?;
    sheet.set_column_width(4, 70)?;

    sheet.write_string_with_format(0, 0, overview.title, &title)?;
    sheet.write_string_with_format(1, 0, overview.event_line().join(" · "), &muted)?;
    sheet.write_string_with_format(3, 0, "At a glance", &heading)?;
    let mut row = 4;
    for figure in overview.figures() {
        sheet.write_string(row, 0, capitalised(figure.label))?;
        if let Some(value) = figure.value {
            let format = match figure.unit {
                Unit::Count => &count,
                Unit::Minutes => &minutes,
            };
            sheet.write_number_with_format(row, 1, value, format)?;
        }
        sheet.write_string_with_format(row, 4, figure.explain, &muted)?;
        row += 1;
    }
    if let (Some(event), Some(schedule)) = (&overview.page.event, overview.schedule)
        && let Some((i, best)) = best_slot(event)
    {
        let slot = &schedule.slots[i];
        sheet.write_string(row, 0, "Most engagement per host post")?;
        sheet.write_number_with_format(
            row,
            1,
            best.engagement_per_host_post.unwrap_or(0.0),
            &decimal,
        )?;
        sheet.write_string(
            row,
            4,
            format!(
                "{}. {} ({})",
                i + 1,
                crate::guard_cell(&slot.title),
                crate::words::time_range(
                    slot.start,
                    slot.end,
                    schedule.timezone,
                    multi_day(schedule)
                )
            ),
        )?;
        row += 1;
    }

    row += 1;
    sheet.write_string_with_format(row, 0, "Share of posts per theme", &heading)?;
    row += 1;
    let share = Format::new().set_num_format(number_format::SHARE);
    for (c, name) in ["theme", "share_of_posts", "ci_low", "ci_high"]
        .iter()
        .enumerate()
    {
        sheet.write_string(row, c as u16, *name)?;
    }
    let themes = &overview.page.themes;
    for (t, theme) in themes.iter().enumerate() {
        let r = row + 1 + t as u32;
        sheet.write_string(r, 0, crate::guard_cell(&theme.label))?;
        if let Some(s) = theme.share {
            sheet.write_number_with_format(r, 1, s, &share)?;
        }
        if let Some((low, high)) = theme.interval {
            sheet.write_number_with_format(r, 2, low, &share)?;
            sheet.write_number_with_format(r, 3, high, &share)?;
        }
    }
    if !themes.is_empty() {
        sheet.add_table(
            row,
            0,
            row + themes.len() as u32,
            3,
            &ExcelTable::new()
                .set_name("headline_themes")
                .set_style(TableStyle::Medium2),
        )?;
    }
    row += themes.len() as u32 + 2;

    let (data, charts) = chart_data(overview)?;
    for (chart, height) in &charts {
        sheet.insert_chart(row, 0, chart)?;
        row += height / ROW_PX + 2;
    }
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(1, 0);
    Ok((sheet, (!charts.is_empty()).then_some(data)))
}

/// `label` with a capital first letter.
fn capitalised(label: &str) -> String {
    let mut chars = label.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// The chart data sheet and the charts drawn from it, with their heights
/// in pixels.
fn chart_data(overview: &Overview<'_>) -> Result<(Worksheet, Vec<(Chart, u32)>), XlsxError> {
    let mut data = Worksheet::new();
    data.set_name(CHART_DATA)?;
    let bold = Format::new().set_bold();
    let page = overview.page;
    let tz = overview.timezone;
    let themes = &page.themes;
    let mut charts = Vec::new();
    let mut col: u16 = 0;

    if let (Some(schedule), false) = (overview.schedule, page.activity.is_empty()) {
        let time_format = "hh:mm";
        let time = Format::new().set_num_format(if multi_day(schedule) {
            "ddd d mmm hh:mm"
        } else {
            time_format
        });
        data.write_string_with_format(0, col, format!("local time ({})", tz.name()), &bold)?;
        data.write_string_with_format(0, col + 1, "posts", &bold)?;
        for (i, (at, posts)) in page.activity.iter().enumerate() {
            let r = i as u32 + 1;
            data.write_datetime_with_format(
                r,
                col,
                &excel_datetime(at.with_timezone(&tz).naive_local())?,
                &time,
            )?;
            data.write_number(r, col + 1, *posts as f64)?;
        }
        data.set_column_width(col, 18)?;
        let last = page.activity.len() as u32;
        let mut chart = Chart::new(ChartType::Column);
        chart
            .add_series()
            .set_name(&format!("posts per {ACTIVITY_BUCKET_MIN} minutes"))
            .set_categories((CHART_DATA, 1, col, last, col))
            .set_values((CHART_DATA, 1, col + 1, last, col + 1))
            .set_gap(15)
            .set_format(&mut fill(0x2B5D8A));
        chart.title().set_name(&format!(
            "Activity over the event: posts per {ACTIVITY_BUCKET_MIN} minutes"
        ));
        chart
            .x_axis()
            .set_name(&format!("local time ({})", tz.name()))
            .set_text_axis(true)
            .set_num_format(time_format)
            .set_label_interval(BUCKETS_PER_HOUR)
            .set_tick_interval(BUCKETS_PER_HOUR);
        chart.y_axis().set_name("posts").set_num_format("#,##0");
        chart.legend().set_hidden();
        chart.set_alt_text(format!(
            "Posts per {ACTIVITY_BUCKET_MIN} minutes over the event, from an hour before the first slot to two hours after the last, in {}.",
            tz.name()
        ));
        chart.set_width(CHART_WIDTH).set_height(320);
        charts.push((chart, 320));
        col += 3;
    }

    if let (Some(event), Some(schedule)) = (&page.event, overview.schedule) {
        let share = Format::new().set_num_format(number_format::SHARE);
        header(&mut data, col, "slot", themes)?;
        for (s, (slot, row)) in schedule.slots.iter().zip(&event.rows).enumerate() {
            let r = s as u32 + 1;
            let label = format!("{}. {}", s + 1, shortened(&slot.title, SLOT_LABEL_CHARS));
            data.write_string(r, col, crate::guard_cell(&label))?;
            for t in 0..themes.len() {
                if let Some(value) = row.share.get(t).copied().flatten() {
                    data.write_number_with_format(r, col + 1 + t as u16, value, &share)?;
                }
            }
        }
        data.set_column_width(col, 40)?;
        let last = schedule.slots.len() as u32;
        let mut chart = Chart::new(ChartType::Bar);
        for t in 0..themes.len() {
            let c = col + 1 + t as u16;
            chart
                .add_series()
                .set_name((CHART_DATA, 0, c))
                .set_categories((CHART_DATA, 1, col, last, col))
                .set_values((CHART_DATA, 1, c, last, c))
                .set_format(&mut fill(PALETTE[t % PALETTE.len()]));
        }
        chart
            .title()
            .set_name("Theme share per slot: share of each slot's posts with a hit");
        // In a bar chart the x axis is the horizontal one, the values.
        chart
            .x_axis()
            .set_num_format("0%")
            .set_name("share of posts");
        chart.y_axis().set_reverse();
        chart.legend().set_position(ChartLegendPosition::Top);
        chart.set_alt_text(format!(
            "For each of {} slots, the share of its posts with at least one hit for each of {} themes.",
            schedule.slots.len(),
            themes.len()
        ));
        let height = (90 + schedule.slots.len() * themes.len().max(1) * 12).clamp(300, 1400) as u32;
        chart.set_width(CHART_WIDTH).set_height(height);
        charts.push((chart, height));
        col += themes.len() as u16 + 2;
    }

    if !page.over_time.is_empty() {
        let date_format = if page.over_time.len() > 1
            && page
                .over_time
                .last()
                .map(|p| p.start)
                .zip(page.over_time.first().map(|p| p.start))
                .is_some_and(|(last, first)| (last - first).num_hours() >= 24)
        {
            "d mmm yyyy hh:mm"
        } else {
            "hh:mm"
        };
        let when = Format::new().set_num_format(date_format);
        header(
            &mut data,
            col,
            &format!("{} start ({})", page.period.name(), tz.name()),
            themes,
        )?;
        for (i, period) in page.over_time.iter().enumerate() {
            let r = i as u32 + 1;
            data.write_datetime_with_format(
                r,
                col,
                &excel_datetime(period.start.with_timezone(&tz).naive_local())?,
                &when,
            )?;
            for t in 0..themes.len() {
                data.write_number(
                    r,
                    col + 1 + t as u16,
                    period.hits.get(t).copied().unwrap_or(0) as f64,
                )?;
            }
        }
        data.set_column_width(col, 20)?;
        let last = page.over_time.len() as u32;
        let mut chart = Chart::new(ChartType::Line);
        for t in 0..themes.len() {
            let c = col + 1 + t as u16;
            let colour = PALETTE[t % PALETTE.len()];
            chart
                .add_series()
                .set_name((CHART_DATA, 0, c))
                .set_categories((CHART_DATA, 1, col, last, col))
                .set_values((CHART_DATA, 1, c, last, c))
                .set_format(
                    ChartFormat::new().set_line(
                        ChartLine::new()
                            .set_color(Color::RGB(colour))
                            .set_width(2.25),
                    ),
                );
        }
        chart.title().set_name(&format!(
            "Theme frequency over time: hits per {}",
            page.period.name()
        ));
        chart
            .x_axis()
            .set_name(&format!(
                "start of each {}, local time ({})",
                page.period.name(),
                tz.name()
            ))
            .set_text_axis(true)
            .set_num_format(date_format);
        chart
            .y_axis()
            .set_name(&format!("hits per {}", page.period.name()))
            .set_num_format("#,##0");
        chart.legend().set_position(ChartLegendPosition::Top);
        chart.set_alt_text(format!(
            "Hits per {} for each of {} themes over {} periods.",
            page.period.name(),
            themes.len(),
            page.over_time.len()
        ));
        chart.set_width(CHART_WIDTH).set_height(340);
        charts.push((chart, 340));
    }
    Ok((data, charts))
}

/// A block's header on the chart data sheet: `first` over its categories,
/// then a theme's label over each of its series.
fn header(
    data: &mut Worksheet,
    col: u16,
    first: &str,
    themes: &[crate::ThemeShare],
) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    data.write_string_with_format(0, col, first, &bold)?;
    for (t, theme) in themes.iter().enumerate() {
        data.write_string_with_format(
            0,
            col + 1 + t as u16,
            crate::guard_cell(&theme.label),
            &bold,
        )?;
    }
    Ok(())
}

/// `text` cut to `chars` characters, with `…` when cut.
fn shortened(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        text.to_owned()
    } else {
        text.chars()
            .take(chars - 1)
            .collect::<String>()
            .trim_end()
            .to_owned()
            + "…"
    }
}

/// A solid fill in `rgb`.
fn fill(rgb: u32) -> ChartFormat {
    let mut format = ChartFormat::new();
    format.set_solid_fill(ChartSolidFill::new().set_color(Color::RGB(rgb)));
    format
}
