//! The tables a query sees: `posts` (the store's `posts.parquet`, or a
//! folder of Parquet files written by `store export --partition-by`), every
//! other Parquet file in the data folder under its name (`post_scores`, a
//! report's tables), and tables named on the command line.

use std::path::{Path, PathBuf};

use datafusion::arrow::datatypes::DataType;
use datafusion::prelude::{ParquetReadOptions, SessionContext};

use crate::error::SqlError;

/// A table to register: its SQL name and its file or folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSource {
    /// The name queries use.
    pub name: String,
    /// A Parquet file, or a folder of them (hive-partitioned or not).
    pub path: PathBuf,
}

impl std::str::FromStr for TableSource {
    type Err = String;

    /// `NAME=PATH`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (name, path) = s.split_once('=').ok_or_else(|| {
            format!("`{s}`: expected NAME=PATH, e.g. theme_summary=report/theme_summary.parquet")
        })?;
        if !is_identifier(name) {
            return Err(format!(
                "`{name}`: a table name is lowercase letters, digits and `_`, not starting with a digit"
            ));
        }
        Ok(TableSource {
            name: name.to_owned(),
            path: PathBuf::from(path),
        })
    }
}

/// Whether `name` can be a table's name without quoting.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The tables of a data folder: `posts` from `posts.parquet` or the folder
/// `posts/`, every other `*.parquet` in it by its stem, then those of its
/// report folder (`report/`: `post_scores`, `theme_summary`, ...) whose
/// names are not taken, in name order.
pub fn data_tables(data: &Path) -> Result<Vec<TableSource>, SqlError> {
    let mut tables = tables_in(data)?;
    let report = data.join("report");
    if report.is_dir() {
        for table in tables_in(&report)? {
            if table.name != "posts" && !tables.iter().any(|t| t.name == table.name) {
                tables.push(table);
            }
        }
        tables.sort_by(|a, b| a.name.cmp(&b.name));
    }
    if !tables.iter().any(|t| t.name == "posts") {
        return Err(SqlError::Table(format!(
            "{}: no posts.parquet (or posts/ folder) here; is it a threadlens data folder? (`threadlens import --data {}` makes one)",
            data.display(),
            data.display()
        )));
    }
    Ok(tables)
}

/// The Parquet tables directly in `dir`.
fn tables_in(dir: &Path) -> Result<Vec<TableSource>, SqlError> {
    let entries = std::fs::read_dir(dir).map_err(|source| SqlError::Io {
        path: dir.to_owned(),
        source,
    })?;
    let mut tables = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|source| SqlError::Io {
                path: dir.to_owned(),
                source,
            })?
            .path();
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let is_parquet = path.extension().is_some_and(|e| e == "parquet") && path.is_file();
        let is_posts_folder = stem == "posts" && path.is_dir();
        if (is_parquet || is_posts_folder) && is_identifier(stem) {
            tables.push(TableSource {
                name: stem.to_owned(),
                path,
            });
        }
    }
    tables.sort_by(|a, b| a.name.cmp(&b.name).then(a.path.cmp(&b.path)));
    if tables.windows(2).any(|w| w[0].name == w[1].name) {
        return Err(SqlError::Table(format!(
            "{}: holds both posts.parquet and a folder posts/; keep one",
            dir.display()
        )));
    }
    Ok(tables)
}

/// Register `table` with `ctx`: a file as it is, a folder as one dataset
/// whose `key=value` folders become columns (text).
pub async fn register(ctx: &SessionContext, table: &TableSource) -> Result<(), SqlError> {
    let path = &table.path;
    if !path.exists() {
        return Err(SqlError::Table(format!(
            "table `{}`: {} does not exist",
            table.name,
            path.display()
        )));
    }
    let partition_cols: Vec<(String, DataType)> = if path.is_dir() {
        partition_columns(path)?
            .into_iter()
            .map(|c| (c, DataType::Utf8))
            .collect()
    } else {
        Vec::new()
    };
    let mut location = path.to_string_lossy().into_owned();
    if path.is_dir() && !location.ends_with('/') {
        location.push('/');
    }
    let options = ParquetReadOptions::default().table_partition_cols(partition_cols);
    ctx.register_parquet(table.name.as_str(), &location, options)
        .await
        .map_err(|e| SqlError::Table(format!("table `{}` ({}): {e}", table.name, path.display())))
}

/// The hive partition columns of a folder: `key` of the first `key=value`
/// folder at each level down to the first file.
fn partition_columns(folder: &Path) -> Result<Vec<String>, SqlError> {
    let mut columns = Vec::new();
    let mut at = folder.to_owned();
    loop {
        let mut next = None;
        let entries = std::fs::read_dir(&at).map_err(|source| SqlError::Io {
            path: at.clone(),
            source,
        })?;
        let mut names: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        names.sort();
        for path in names {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if let Some((key, _)) = name.split_once('=')
                && path.is_dir()
            {
                columns.push(key.to_owned());
                next = Some(path);
                break;
            }
        }
        match next {
            Some(path) => at = path,
            None => return Ok(columns),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_arguments_are_checked() {
        let t: TableSource = "summary=out/theme_summary.parquet".parse().unwrap();
        assert_eq!(t.name, "summary");
        assert!("no-equals".parse::<TableSource>().is_err());
        assert!(
            "Bad=x"
                .parse::<TableSource>()
                .unwrap_err()
                .contains("lowercase")
        );
        assert!("1x=y".parse::<TableSource>().is_err());
    }

    #[test]
    fn a_data_folder_lists_posts_and_other_tables() {
        let dir = tempfile::tempdir().unwrap();
        let err = data_tables(dir.path()).unwrap_err().to_string();
        assert!(err.contains("no posts.parquet"), "{err}");
        for f in [
            "posts.parquet",
            "post_scores.parquet",
            "rejects.jsonl",
            "Odd Name.parquet",
        ] {
            std::fs::write(dir.path().join(f), b"").unwrap();
        }
        let names: Vec<_> = data_tables(dir.path())
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(names, ["post_scores", "posts"]);
        let report = dir.path().join("report");
        std::fs::create_dir(&report).unwrap();
        for f in [
            "theme_summary.parquet",
            "post_scores.parquet",
            "posts.parquet",
        ] {
            std::fs::write(report.join(f), b"").unwrap();
        }
        let tables = data_tables(dir.path()).unwrap();
        let names: Vec<_> = tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            ["post_scores", "posts", "theme_summary"],
            "the report's tables join; the folder's win"
        );
        assert_eq!(tables[0].path, dir.path().join("post_scores.parquet"));
        std::fs::create_dir(dir.path().join("posts")).unwrap();
        assert!(
            data_tables(dir.path())
                .unwrap_err()
                .to_string()
                .contains("keep one")
        );
    }

    #[test]
    fn partition_folders_name_columns() {
        let dir = tempfile::tempdir().unwrap();
        let leaf = dir.path().join("month=2022-06").join("platform=x");
        std::fs::create_dir_all(&leaf).unwrap();
        std::fs::write(leaf.join("part-0.parquet"), b"").unwrap();
        assert_eq!(
            partition_columns(dir.path()).unwrap(),
            ["month", "platform"]
        );
    }
}
