//! Where a query runs: DataFusion in this process, Ballista's standalone
//! mode (a scheduler and an executor inside this process, which is how a
//! cluster plans and ships work, without the network), or a Ballista
//! cluster. Every session knows threadlens's functions.

use std::sync::Arc;

use ballista::prelude::{SessionConfigExt, SessionContextExt};
use datafusion::execution::SessionStateBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};

use crate::codec::{LogicalCodec, PhysicalCodec};
use crate::error::SqlError;
use crate::functions::functions;
use crate::lexicon::ShippedLexicon;
use crate::object_stores::runtime_env;

/// Where queries run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Engine {
    /// DataFusion in this process (`local`, the default).
    Local,
    /// Ballista's scheduler and one executor inside this process
    /// (`ballista-standalone`).
    Standalone,
    /// A Ballista cluster's scheduler (`ballista://HOST:PORT`).
    Cluster {
        /// `ballista://HOST:PORT` as given.
        url: String,
    },
}

impl std::str::FromStr for Engine {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "local" => Ok(Engine::Local),
            "ballista-standalone" => Ok(Engine::Standalone),
            url if url.starts_with("ballista://") => {
                let rest = &url["ballista://".len()..];
                let (host, port) = rest.rsplit_once(':').unwrap_or((rest, ""));
                if host.is_empty() || port.parse::<u16>().is_err() {
                    return Err(format!(
                        "`{url}`: a cluster is ballista://HOST:PORT, the scheduler's address (port 50050 unless it was started with another)"
                    ));
                }
                Ok(Engine::Cluster {
                    url: url.to_owned(),
                })
            }
            other => Err(format!(
                "`{other}`: expected local, ballista-standalone or ballista://HOST:PORT"
            )),
        }
    }
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Engine::Local => f.write_str("local"),
            Engine::Standalone => f.write_str("ballista-standalone"),
            Engine::Cluster { url } => f.write_str(url),
        }
    }
}

/// A session on `engine` with threadlens's functions, scoring with
/// `lexicon`.
pub async fn session(
    engine: &Engine,
    lexicon: Option<Arc<ShippedLexicon>>,
) -> Result<SessionContext, SqlError> {
    let ctx = match engine {
        Engine::Local => SessionContext::new_with_config_rt(
            without_leaf_pushdown(SessionConfig::new()),
            runtime_env(None)?,
        ),
        Engine::Standalone => SessionContext::standalone_with_state(ballista_state()?).await?,
        Engine::Cluster { url } => SessionContext::remote_with_state(url, ballista_state()?)
            .await
            .map_err(|e| SqlError::Query(format!("the cluster at {url}: {e}")))?,
    };
    for udf in functions(lexicon) {
        ctx.register_udf(udf);
    }
    Ok(ctx)
}

/// `config` without DataFusion's leaf-expression pushdown. The rule moves
/// each struct field read (`tl_score(text)['x_hits']`) down as its own
/// expression, so `tl_score` was computed once per field: the report's
/// counts took 25.8 s instead of 5.8 s at 1M posts. And a plan it rewrote
/// names columns Ballista's scheduler cannot resolve after the trip through
/// protobuf (DataFusion 55.2, Ballista 55.0): "No field named
/// sum(__datafusion_extracted_4)".
fn without_leaf_pushdown(config: SessionConfig) -> SessionConfig {
    config.set_bool(
        "datafusion.optimizer.enable_leaf_expression_pushdown",
        false,
    )
}

/// A Ballista session's state, with the codecs that carry our functions
/// and the stores of [`crate::object_stores`].
fn ballista_state() -> Result<datafusion::execution::SessionState, SqlError> {
    let config = SessionConfig::new_with_ballista()
        .with_ballista_logical_extension_codec(Arc::new(LogicalCodec::default()))
        .with_ballista_physical_extension_codec(Arc::new(PhysicalCodec::default()));
    let config = without_leaf_pushdown(config);
    Ok(SessionStateBuilder::new()
        .with_default_features()
        .with_config(config)
        .with_runtime_env(runtime_env(None)?)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_parse_and_print() {
        for text in ["local", "ballista-standalone", "ballista://10.0.0.5:50050"] {
            assert_eq!(text.parse::<Engine>().unwrap().to_string(), text);
        }
        assert!(
            "ballista://host"
                .parse::<Engine>()
                .unwrap_err()
                .contains("HOST:PORT")
        );
        assert!("ballista://:1".parse::<Engine>().is_err());
        assert!(
            "spark://x:1"
                .parse::<Engine>()
                .unwrap_err()
                .contains("expected local")
        );
    }
}
