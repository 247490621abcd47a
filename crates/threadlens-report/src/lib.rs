//! The tables of docs/spec/formats.md §5, their writers, and the run
//! manifest.
//!
//! [`write_post_scores`] writes one row per post batch by batch (CSV with a
//! formula-injection guard, Parquet); [`Summary`] folds scored posts into
//! every summary table in one pass (themes, periods, contributors,
//! hashtags, entries, co-occurrence, kwic), with a [`Schedule`] the
//! takeover tables ([`takeover`]: slot attribution and engagement, §4);
//! [`write_tables`] writes them as CSV, Parquet, JSON, Markdown and XLSX,
//! [`write_html`] the one-page report; [`Manifest`] records what made them;
//! [`export_notebook`] writes a notebook that loads them. Every output is
//! written beside its final name and renamed into place when complete.
//!
//! Start reading at [`Summary`], then `takeover.rs`.

mod audit;
mod bootstrap;
mod contributors;
mod counts;
mod error;
mod format;
mod html;
mod intern;
mod manifest;
mod network;
mod notebook;
mod overview;
mod post_scores;
mod schedule;
mod stats;
mod summary;
mod summary_post;
mod takeover;
mod validation;
mod words;
mod writers;
mod xlsx;

pub use audit::{AuditFindings, audit_tables};
pub use bootstrap::Bootstrap;
pub use counts::read_counts;
pub use error::{Error, Result};
pub use format::{TableFormat, UnknownFormat};
pub use html::{HTML_FILE, HtmlReport, Methods, escape_html, render_html, write_html};
pub use manifest::{
    BootstrapRecord, FORMATS_SPEC, InputFile, Intervals, LexiconInfo, MANIFEST_FILE, Manifest,
    NetworkRecord, OutputFile, SCORING_SPEC, file_sha256,
};
pub use network::{
    DOMINANT_THEMES, GEXF_FILE, GRAPHML_FILE, GraphFormat, MeasuredNetwork, SlotNetwork,
    TOP_ACCOUNTS, attribute_posts, first_slots, gexf, graphml, network_slots_table, network_tables,
    schedule_hosts, slot_network, write_graph_file, write_network,
};
pub use notebook::{export_notebook, notebook};
pub use overview::Overview;
pub use post_scores::{POST_SCORES, ScoredBatch, Written, post_scores_columns, write_post_scores};
pub use schedule::{Schedule, ScheduleError, Slot, handle_key};
pub use stats::{Z95, quantile, wilson, wilson_z};
pub use summary::{
    ACTIVITY_BUCKET_MIN, BatchScan, BatchScanner, COUNTED_TABLES, ContributorCounts, EventPage,
    PageData, PeriodHits, SUMMARY_COLUMNS, Summary, SummaryCounts, SummaryOptions, Table,
    ThemeShare,
};
pub use summary_post::{SummaryPost, batch_posts, summary_posts};
pub use takeover::{Attribution, EngagementRow, Takeover, TakeoverPost, takeover};
pub use threadlens_model::SplitMix64;
pub use threadlens_model::guard_cell;
pub use threadlens_model::{Period, PeriodStart};
pub use validation::{
    CodedRow, DESIGN_VERSION, DesignFile, DesignRow, EntryValidation, Reservoir, SAMPLE_COLUMNS,
    SampleDesign, SampledPost, Stratum, ThemeValidation, design_path, read_coded, shuffle,
    validate, validation_tables, write_sample,
};
pub use writers::{MARKDOWN_FILE, read_parquet_table, write_tables};
pub use xlsx::XLSX_FILE;
