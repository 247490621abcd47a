//! The tables a query sees: `posts` (the store's `posts.parquet`, or a
//! folder of Parquet files written by `store export --partition-by`), every
//! other Parquet file in the data folder under its name (`post_scores`, a
//! report's tables), and tables named on the command line. A data folder is
//! a local path or an object-store URL (`s3://BUCKET/PATH`, see
//! [`crate::object_stores`]); both are listed the same way.

use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::datatypes::DataType;
use datafusion::execution::object_store::ObjectStoreUrl;
use datafusion::prelude::{ParquetReadOptions, SessionContext};
use object_store::ObjectStore;
use url::Url;

use crate::error::SqlError;
use crate::object_stores::is_remote;

/// A table to register: its SQL name and its file or folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSource {
    /// The name queries use.
    pub name: String,
    /// A Parquet file, or a folder of them (hive-partitioned or not): a
    /// local path or an `s3://` URL.
    pub location: String,
}

impl std::str::FromStr for TableSource {
    type Err = String;

    /// `NAME=PATH`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (name, location) = s.split_once('=').ok_or_else(|| {
            format!("`{s}`: expected NAME=PATH, e.g. theme_summary=report/theme_summary.parquet")
        })?;
        if !is_identifier(name) {
            return Err(format!(
                "`{name}`: a table name is lowercase letters, digits and `_`, not starting with a digit"
            ));
        }
        Ok(TableSource {
            name: name.to_owned(),
            location: location.to_owned(),
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

/// One name in a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    name: String,
    is_folder: bool,
}

/// A folder to list: on this machine, or under a prefix of an object store
/// (the store from the session, so it is configured as queries will read).
#[derive(Clone)]
enum Folder {
    Local(std::path::PathBuf),
    Remote {
        store: Arc<dyn ObjectStore>,
        /// `s3://BUCKET/PREFIX/`, ending in `/`.
        url: String,
        prefix: object_store::path::Path,
    },
}

impl Folder {
    fn open(ctx: &SessionContext, location: &str) -> Result<Folder, SqlError> {
        if !is_remote(location) {
            return Ok(Folder::Local(location.into()));
        }
        let bad = |why: String| SqlError::Table(format!("{location}: {why}"));
        let url = Url::parse(location).map_err(|e| bad(e.to_string()))?;
        let bucket = url
            .host_str()
            .ok_or_else(|| bad("no bucket (expected s3://BUCKET/PATH)".into()))?;
        let store_url = ObjectStoreUrl::parse(format!("{}://{bucket}", url.scheme()))
            .map_err(|e| bad(e.to_string()))?;
        let store = ctx
            .runtime_env()
            .object_store(&store_url)
            .map_err(|e| bad(e.to_string()))?;
        let prefix =
            object_store::path::Path::from_url_path(url.path()).map_err(|e| bad(e.to_string()))?;
        let mut url = location.to_owned();
        if !url.ends_with('/') {
            url.push('/');
        }
        Ok(Folder::Remote { store, url, prefix })
    }

    /// What the folder holds, by name; `None` when there is no such
    /// folder.
    async fn entries(&self) -> Result<Option<Vec<Entry>>, SqlError> {
        let mut entries = match self {
            Folder::Local(dir) => {
                if !dir.is_dir() {
                    return Ok(None);
                }
                local_entries(dir)?
            }
            Folder::Remote { store, url, prefix } => {
                let listed = store
                    .list_with_delimiter(Some(prefix))
                    .await
                    .map_err(|e| SqlError::Table(format!("listing {url}: {e}")))?;
                let name = |path: &object_store::path::Path| {
                    path.filename().unwrap_or_default().to_owned()
                };
                let folders = listed.common_prefixes.iter().map(|p| Entry {
                    name: name(p),
                    is_folder: true,
                });
                let files = listed.objects.iter().map(|o| Entry {
                    name: name(&o.location),
                    is_folder: false,
                });
                let entries: Vec<Entry> = folders.chain(files).collect();
                if entries.is_empty() {
                    return Ok(None);
                }
                entries
            }
        };
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Some(entries))
    }

    fn child(&self, name: &str) -> Folder {
        match self {
            Folder::Local(dir) => Folder::Local(dir.join(name)),
            Folder::Remote { store, url, prefix } => Folder::Remote {
                store: store.clone(),
                url: format!("{url}{name}/"),
                prefix: prefix.clone().join(name),
            },
        }
    }

    /// The location of `name` in this folder, as DataFusion reads it.
    fn location_of(&self, name: &str) -> String {
        match self {
            Folder::Local(dir) => dir.join(name).to_string_lossy().into_owned(),
            Folder::Remote { url, .. } => format!("{url}{name}"),
        }
    }

    fn display(&self) -> String {
        match self {
            Folder::Local(dir) => dir.display().to_string(),
            Folder::Remote { url, .. } => url.clone(),
        }
    }
}

/// The names directly in `dir`, each marked file or folder.
fn local_entries(dir: &Path) -> Result<Vec<Entry>, SqlError> {
    let io = |source| SqlError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        entries.push(Entry {
            name: path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned(),
            is_folder: path.is_dir(),
        });
    }
    Ok(entries)
}

/// The tables of a data folder (a path or an `s3://` URL, listed with
/// `ctx`'s stores): `posts` from `posts.parquet` or the folder `posts/`,
/// every other `*.parquet` in it by its stem, then those of its report
/// folder (`report/`: `post_scores`, `theme_summary`, ...) whose names are
/// not taken, in name order.
pub async fn data_tables(ctx: &SessionContext, data: &str) -> Result<Vec<TableSource>, SqlError> {
    let folder = Folder::open(ctx, data)?;
    let Some(entries) = folder.entries().await? else {
        return Err(SqlError::Table(format!(
            "{}: no such folder (or nothing in it)",
            folder.display()
        )));
    };
    let mut tables = tables_in(&folder, &entries)?;
    let report = folder.child("report");
    if entries.iter().any(|e| e.name == "report" && e.is_folder)
        && let Some(report_entries) = report.entries().await?
    {
        for table in tables_in(&report, &report_entries)? {
            if table.name != "posts" && !tables.iter().any(|t| t.name == table.name) {
                tables.push(table);
            }
        }
        tables.sort_by(|a, b| a.name.cmp(&b.name));
    }
    if !tables.iter().any(|t| t.name == "posts") {
        return Err(SqlError::Table(format!(
            "{}: no posts.parquet (or posts/ folder) here; is it a threadlens data folder? (`threadlens import --data {}` makes one)",
            folder.display(),
            folder.display()
        )));
    }
    Ok(tables)
}

/// The Parquet tables directly in `folder`, whose names are `entries`.
fn tables_in(folder: &Folder, entries: &[Entry]) -> Result<Vec<TableSource>, SqlError> {
    let mut tables = Vec::new();
    for entry in entries {
        let (stem, is_parquet) = match entry.name.strip_suffix(".parquet") {
            Some(stem) => (stem, !entry.is_folder),
            None => (entry.name.as_str(), false),
        };
        let is_posts_folder = stem == "posts" && entry.is_folder;
        if (is_parquet || is_posts_folder) && is_identifier(stem) {
            tables.push(TableSource {
                name: stem.to_owned(),
                location: folder.location_of(&entry.name),
            });
        }
    }
    tables.sort_by(|a, b| a.name.cmp(&b.name).then(a.location.cmp(&b.location)));
    if tables.windows(2).any(|w| w[0].name == w[1].name) {
        return Err(SqlError::Table(format!(
            "{}: holds both posts.parquet and a folder posts/; keep one",
            folder.display()
        )));
    }
    Ok(tables)
}

/// Register `table` with `ctx`: a file as it is, a folder as one dataset
/// whose `key=value` folders become columns (text).
pub async fn register(ctx: &SessionContext, table: &TableSource) -> Result<(), SqlError> {
    let location = &table.location;
    let missing = || SqlError::Table(format!("table `{}`: {location} does not exist", table.name));
    let is_folder = if is_remote(location) {
        !location.ends_with(".parquet")
    } else {
        let path = Path::new(location);
        if !path.exists() {
            return Err(missing());
        }
        path.is_dir()
    };
    let mut location = location.clone();
    let partition_cols: Vec<(String, DataType)> = if is_folder {
        let folder = Folder::open(ctx, &location)?;
        partition_columns(&folder)
            .await?
            .ok_or_else(missing)?
            .into_iter()
            .map(|c| (c, DataType::Utf8))
            .collect()
    } else {
        Vec::new()
    };
    if is_folder && !location.ends_with('/') {
        location.push('/');
    }
    let options = ParquetReadOptions::default().table_partition_cols(partition_cols);
    ctx.register_parquet(table.name.as_str(), &location, options)
        .await
        .map_err(|e| SqlError::Table(format!("table `{}` ({}): {e}", table.name, table.location)))
}

/// The hive partition columns of a folder: `key` of the first `key=value`
/// folder at each level down to the first file; `None` when there is no
/// such folder.
async fn partition_columns(folder: &Folder) -> Result<Option<Vec<String>>, SqlError> {
    let mut columns = Vec::new();
    let Some(mut entries) = folder.entries().await? else {
        return Ok(None);
    };
    let mut at = folder.clone();
    loop {
        let next = entries
            .iter()
            .filter(|e| e.is_folder)
            .find_map(|e| e.name.split_once('=').map(|(key, _)| (key, &e.name)));
        let Some((key, name)) = next else {
            return Ok(Some(columns));
        };
        columns.push(key.to_owned());
        at = at.child(name);
        entries = at.entries().await?.unwrap_or_default();
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

    fn tables_of(dir: &Path) -> Result<Vec<TableSource>, SqlError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let ctx = SessionContext::new();
        runtime.block_on(data_tables(&ctx, &dir.to_string_lossy()))
    }

    #[test]
    fn a_data_folder_lists_posts_and_other_tables() {
        let dir = tempfile::tempdir().unwrap();
        let missing = tables_of(&dir.path().join("nosuch"))
            .unwrap_err()
            .to_string();
        assert!(missing.contains("no such folder"), "{missing}");
        std::fs::write(dir.path().join("notes.txt"), b"").unwrap();
        let err = tables_of(dir.path()).unwrap_err().to_string();
        assert!(err.contains("no posts.parquet"), "{err}");
        for f in [
            "posts.parquet",
            "post_scores.parquet",
            "rejects.jsonl",
            "Odd Name.parquet",
        ] {
            std::fs::write(dir.path().join(f), b"").unwrap();
        }
        let names: Vec<_> = tables_of(dir.path())
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
        let tables = tables_of(dir.path()).unwrap();
        let names: Vec<_> = tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            ["post_scores", "posts", "theme_summary"],
            "the report's tables join; the folder's win"
        );
        assert_eq!(
            tables[0].location,
            dir.path().join("post_scores.parquet").to_string_lossy()
        );
        std::fs::create_dir(dir.path().join("posts")).unwrap();
        assert!(
            tables_of(dir.path())
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
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let folder = Folder::Local(dir.path().to_owned());
        assert_eq!(
            runtime.block_on(partition_columns(&folder)).unwrap(),
            Some(vec!["month".to_owned(), "platform".to_owned()])
        );
        let none = Folder::Local(dir.path().join("nosuch"));
        assert_eq!(runtime.block_on(partition_columns(&none)).unwrap(), None);
    }
}
