//! Ballista's scheduler and executor as threadlens runs them: the same
//! processes as Ballista's stock binaries, with the codecs that read
//! threadlens's functions and their lexicons out of a plan (Ballista loads
//! no functions at run time, so the stock binaries cannot run them).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use ballista_executor::executor_process::{ExecutorProcessConfig, start_executor_process};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;

use datafusion::execution::{SessionState, SessionStateBuilder};
use datafusion::prelude::SessionConfig;

use crate::codec::{LogicalCodec, PhysicalCodec};
use crate::error::SqlError;
use crate::object_stores::runtime_env;

/// How to run a scheduler.
#[derive(Debug, Clone)]
pub struct SchedulerOptions {
    /// Where it listens for clients and executors.
    pub bind: SocketAddr,
    /// The host name executors and clients reach it by.
    pub external_host: String,
}

/// How to run an executor.
#[derive(Debug, Clone)]
pub struct ExecutorOptions {
    /// The scheduler's host.
    pub scheduler_host: String,
    /// The scheduler's port.
    pub scheduler_port: u16,
    /// The address it binds its services to.
    pub bind_host: String,
    /// The host name other executors reach it by (for shuffle data).
    pub external_host: Option<String>,
    /// Port of its Arrow Flight service (shuffle data).
    pub port: u16,
    /// Port of its gRPC service (tasks).
    pub grpc_port: u16,
    /// Tasks it runs at once.
    pub slots: usize,
    /// Where shuffle files go (a temporary folder when not given).
    pub work_dir: Option<PathBuf>,
}

/// Run a scheduler until the process ends.
pub async fn run_scheduler(options: SchedulerOptions) -> Result<(), SqlError> {
    let config = SchedulerConfig {
        bind_host: options.bind.ip().to_string(),
        bind_port: options.bind.port(),
        external_host: options.external_host,
        override_logical_codec: Some(Arc::new(LogicalCodec::default())),
        override_physical_codec: Some(Arc::new(PhysicalCodec::default())),
        override_session_builder: Some(Arc::new(scheduler_session)),
        ..SchedulerConfig::default()
    };
    let failed = |e: &dyn std::fmt::Display| SqlError::Query(format!("scheduler: {e}"));
    let cluster = BallistaCluster::new_from_config(&config)
        .await
        .map_err(|e| failed(&e))?;
    tracing::info!(bind = %options.bind, "scheduler listening");
    start_server(cluster, options.bind, Arc::new(config))
        .await
        .map_err(|e| failed(&e))
}

/// The scheduler's session for a job: Ballista's, reading files through
/// [`crate::object_stores`] (the scheduler lists a dataset's files when
/// it plans).
fn scheduler_session(config: SessionConfig) -> datafusion::error::Result<SessionState> {
    let state = ballista_core::utils::default_session_builder(config)?;
    Ok(SessionStateBuilder::new_from_existing(state)
        .with_runtime_env(runtime_env(None)?)
        .build())
}

/// Run an executor until the process ends.
pub async fn run_executor(options: ExecutorOptions) -> Result<(), SqlError> {
    let work_dir = options
        .work_dir
        .as_ref()
        .map(|p| p.to_string_lossy().into_owned());
    let spill_dir = work_dir.clone();
    let config = ExecutorProcessConfig {
        bind_host: options.bind_host,
        external_host: options.external_host,
        port: options.port,
        grpc_port: options.grpc_port,
        scheduler_host: options.scheduler_host.clone(),
        scheduler_port: options.scheduler_port,
        scheduler_connect_timeout_seconds: 30,
        vcores: options.slots.max(1),
        work_dir,
        print_thread_info: false,
        override_logical_codec: Some(Arc::new(LogicalCodec::default())),
        override_physical_codec: Some(Arc::new(PhysicalCodec::default())),
        override_runtime_producer: Some(Arc::new(move |_| runtime_env(spill_dir.as_deref()))),
        ..ExecutorProcessConfig::default()
    };
    tracing::info!(
        scheduler = %format!("{}:{}", options.scheduler_host, options.scheduler_port),
        port = options.port,
        grpc_port = options.grpc_port,
        slots = options.slots,
        "executor starting"
    );
    start_executor_process(Arc::new(config))
        .await
        .map_err(|e| SqlError::Query(format!("executor: {e}")))
}
