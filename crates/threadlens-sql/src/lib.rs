//! SQL over a threadlens store with Apache DataFusion, and the same queries
//! on an Apache Ballista cluster.
//!
//! The scorer core (`threadlens-process`, text in, plain values out)
//! becomes four SQL functions ([`functions`]: `tl_score`, `tl_themes`,
//! `tl_normalize`, `tl_tokens`); the store's Parquet files become tables
//! ([`tables`]); a query runs in this process, in Ballista's standalone
//! mode, or on a cluster ([`Engine`]), whose scheduler and executors
//! [`cluster`] runs with codecs that carry the functions and their lexicon
//! inside the plan ([`codec`]). This crate meets the polars side of
//! threadlens only through files: it reads what the store and the report
//! wrote.
//!
//! Start at [`run_query`].

pub mod cluster;
pub mod codec;
mod error;
pub mod functions;
mod lexicon;
pub mod object_stores;
mod output;
pub mod report_counts;
mod session;
pub mod tables;

use std::sync::Arc;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;

pub use error::SqlError;
pub use lexicon::ShippedLexicon;
pub use output::{OutputFormat, write_result};
pub use session::{Engine, session};
pub use tables::TableSource;

/// A query and what it runs on.
#[derive(Debug, Clone)]
pub struct Query {
    /// The SQL statement.
    pub sql: String,
    /// Where it runs.
    pub engine: Engine,
    /// A data folder (a path or an `s3://` URL) whose tables it sees
    /// ([`tables::data_tables`]).
    pub data: Option<String>,
    /// More tables it sees; a name here wins over the data folder's.
    pub tables: Vec<TableSource>,
    /// The lexicon `tl_score` and `tl_themes` score against.
    pub lexicon: Option<Arc<ShippedLexicon>>,
}

/// Run `query`: its result's schema and rows.
pub async fn run_query(query: &Query) -> Result<(SchemaRef, Vec<RecordBatch>), SqlError> {
    let ctx = session(&query.engine, query.lexicon.clone()).await?;
    let mut tables = match &query.data {
        Some(data) => tables::data_tables(&ctx, data).await?,
        None => Vec::new(),
    };
    for table in &query.tables {
        tables.retain(|t| t.name != table.name);
        tables.push(table.clone());
    }
    for table in &tables {
        tables::register(&ctx, table).await?;
    }
    let frame = ctx.sql(&query.sql).await?;
    let schema = Arc::new(frame.schema().as_arrow().clone());
    let batches = frame.collect().await?;
    Ok((schema, batches))
}

/// `message` (an error from DataFusion or Ballista), with advice when it
/// says that a node could not read one of threadlens's functions: the
/// node runs Ballista's stock binaries instead of `threadlens cluster`.
pub fn explain_missing_functions(message: &str) -> String {
    let missing = functions::NAMES.iter().any(|name| {
        message.contains(&format!("not provided for scalar function {name}"))
            || message.contains(&format!("no UDF named \"{name}\""))
    });
    // An executor that cannot read a task's plan rejects the task, and
    // the scheduler reports only that; the executor's log has the reason.
    let rejected = message.contains("rejected by executor");
    if missing {
        format!(
            "{message}\n  a node of the cluster does not know threadlens's functions: run its scheduler and executors as `threadlens cluster scheduler` and `threadlens cluster executor`, not Ballista's stock binaries (docs/cluster.md)"
        )
    } else if rejected {
        format!(
            "{message}\n  an executor could not read its task; if the query uses threadlens's functions (tl_score, tl_themes, tl_normalize, tl_tokens), every executor must run as `threadlens cluster executor`, because Ballista's stock executor does not know threadlens's functions (its log says why; docs/cluster.md)"
        )
    } else {
        message.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advice_is_added_only_where_a_node_lacks_the_functions() {
        let missing = explain_missing_functions(
            "Internal error: PhysicalExtensionCodec is not provided for scalar function tl_score",
        );
        assert!(missing.contains("threadlens cluster executor"), "{missing}");
        let rejected = explain_missing_functions(
            "Job 1 failed: task could not be prepared or was rejected by executor",
        );
        assert!(rejected.contains("its log says why"), "{rejected}");
        let other = "Schema error: No field named nosuch";
        assert_eq!(explain_missing_functions(other), other);
        assert_eq!(
            explain_missing_functions("not provided for scalar function upper"),
            "not provided for scalar function upper",
            "only our functions"
        );
    }
}
