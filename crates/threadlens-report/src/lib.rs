//! Summary tables and their writers (CSV, Parquet, JSON, Markdown, HTML,
//! XLSX), the run manifest and notebook export.
//!
//! Not built yet: issue 4 fills this crate. It is part of the workspace now
//! so the layout and dependency directions are fixed from the start; it
//! exports nothing, so nothing can depend on it by accident.
