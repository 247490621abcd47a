//! Where files may live: local paths everywhere, and `s3://BUCKET/...`
//! (Amazon S3 or any service that speaks its API, such as MinIO or Ceph),
//! configured on each node from that node's own `AWS_*` environment
//! variables. Nothing about a store travels in a plan, so credentials never
//! leave the process that was given them.

use std::sync::Arc;

use datafusion::error::DataFusionError;
use datafusion::execution::object_store::{DefaultObjectStoreRegistry, ObjectStoreRegistry};
use datafusion::execution::runtime_env::{RuntimeEnv, RuntimeEnvBuilder};
use object_store::ObjectStore;
use object_store::aws::AmazonS3Builder;
use url::Url;

/// The URL schemes a data location may have besides a local path.
pub const REMOTE_SCHEMES: [&str; 1] = ["s3"];

/// Whether `location` names an object store (`s3://…`) rather than a
/// local path.
pub fn is_remote(location: &str) -> bool {
    REMOTE_SCHEMES
        .iter()
        .any(|scheme| location.starts_with(&format!("{scheme}://")))
}

/// The stores of a session: DataFusion's (local files), and an S3 client
/// per bucket, made from the environment the first time the bucket is
/// read. The environment variables are the AWS SDK's: `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION` (or
/// `AWS_DEFAULT_REGION`), `AWS_ENDPOINT` for a service other than AWS, and
/// `AWS_ALLOW_HTTP=true` for one without TLS.
#[derive(Debug, Default)]
pub struct EnvObjectStores {
    known: DefaultObjectStoreRegistry,
}

impl ObjectStoreRegistry for EnvObjectStores {
    fn register_store(
        &self,
        url: &Url,
        store: Arc<dyn ObjectStore>,
    ) -> Option<Arc<dyn ObjectStore>> {
        self.known.register_store(url, store)
    }

    fn deregister_store(&self, url: &Url) -> datafusion::error::Result<Arc<dyn ObjectStore>> {
        self.known.deregister_store(url)
    }

    fn get_store(&self, url: &Url) -> datafusion::error::Result<Arc<dyn ObjectStore>> {
        if let Ok(store) = self.known.get_store(url) {
            return Ok(store);
        }
        if url.scheme() != "s3" {
            return Err(DataFusionError::Configuration(format!(
                "`{}://`: not a store threadlens reads; a location is a local path or s3://BUCKET/PATH",
                url.scheme()
            )));
        }
        let bucket = url.host_str().unwrap_or_default();
        let store = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()
            .map_err(|e| {
                DataFusionError::Configuration(format!(
                    "s3://{bucket}: {e} (the AWS_* environment variables of this process configure it; docs/cluster.md)"
                ))
            })?;
        let store: Arc<dyn ObjectStore> = Arc::new(store);
        tracing::debug!(bucket, "S3 store made from the environment");
        self.known.register_store(url, store.clone());
        Ok(store)
    }
}

/// A runtime whose object stores are [`EnvObjectStores`], its spill files
/// in `temp_dir` when given.
pub fn runtime_env(temp_dir: Option<&str>) -> datafusion::error::Result<Arc<RuntimeEnv>> {
    let mut builder =
        RuntimeEnvBuilder::new().with_object_store_registry(Arc::new(EnvObjectStores::default()));
    if let Some(dir) = temp_dir {
        builder = builder.with_temp_file_path(dir);
    }
    Ok(Arc::new(builder.build()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_remote_only_with_a_known_scheme() {
        assert!(is_remote("s3://archive/posts/"));
        assert!(!is_remote("/srv/archive"));
        assert!(!is_remote("archive/s3://x"));
        assert!(!is_remote("gs://archive"));
    }

    #[test]
    fn an_unknown_scheme_is_refused_and_local_files_are_known() {
        let stores = EnvObjectStores::default();
        let err = stores
            .get_store(&Url::parse("gs://bucket/x").unwrap())
            .unwrap_err()
            .to_string();
        assert!(err.contains("s3://BUCKET/PATH"), "{err}");
        assert!(
            stores
                .get_store(&Url::parse("file:///tmp").unwrap())
                .is_ok()
        );
    }

    #[test]
    fn a_bucket_gets_one_store() {
        let stores = EnvObjectStores::default();
        let url = Url::parse("s3://threadlens-test-bucket/a").unwrap();
        let first = stores.get_store(&url).unwrap();
        let again = stores
            .get_store(&Url::parse("s3://threadlens-test-bucket/b").unwrap())
            .unwrap();
        assert!(Arc::ptr_eq(&first, &again));
    }
}
