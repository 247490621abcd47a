//! A real cluster on 127.0.0.1: one scheduler and two executors, each a
//! `threadlens-sql cluster` process on free ports, started and stopped by
//! the test; the queries give the rows they give in process. And an
//! executor that runs Ballista's stock codecs fails with advice.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use ballista_executor::executor_process::{ExecutorProcessConfig, start_executor_process};
use threadlens_sql::tables::TableSource;
use threadlens_sql::{Engine, Query, run_query};
use threadlens_testkit::{Children, free_port, wait_for_listener};

use crate::engines::{QUERIES, table};
use crate::fixture::{contract_lexicon, texts, write_posts};

/// How long a whole cluster test may take.
const LIMIT: Duration = Duration::from_secs(180);

fn threadlens_sql(args: &[&str], log: &std::path::Path) -> Child {
    let log = std::fs::File::create(log).unwrap();
    Command::new(env!("CARGO_BIN_EXE_threadlens-sql"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap()
}

/// Start a scheduler; wait until it accepts connections.
fn scheduler(dir: &std::path::Path, processes: &mut Children) -> u16 {
    let port = free_port();
    let bind = format!("127.0.0.1:{port}");
    processes.0.push(threadlens_sql(
        &[
            "cluster",
            "scheduler",
            "--bind",
            &bind,
            "--external-host",
            "127.0.0.1",
        ],
        &dir.join("scheduler.log"),
    ));
    assert!(
        wait_for_listener(&bind, Duration::from_secs(60)),
        "the scheduler did not start: {}",
        std::fs::read_to_string(dir.join("scheduler.log")).unwrap_or_default()
    );
    port
}

fn executor(dir: &std::path::Path, n: usize, scheduler: u16, processes: &mut Children) {
    let (port, grpc_port) = (free_port().to_string(), free_port().to_string());
    let work = dir.join(format!("executor-{n}"));
    std::fs::create_dir_all(&work).unwrap();
    processes.0.push(threadlens_sql(
        &[
            "cluster",
            "executor",
            "--scheduler",
            &format!("ballista://127.0.0.1:{scheduler}"),
            "--bind",
            "127.0.0.1",
            "--external-host",
            "127.0.0.1",
            "--port",
            &port,
            "--grpc-port",
            &grpc_port,
            "--slots",
            "1",
            "--work-dir",
            work.to_str().unwrap(),
        ],
        &dir.join(format!("executor-{n}.log")),
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_three_process_cluster_gives_the_rows_datafusion_gives() {
    let dir = tempfile::tempdir().unwrap();
    let mut processes = Children::default();
    let port = scheduler(dir.path(), &mut processes);
    executor(dir.path(), 1, port, &mut processes);
    executor(dir.path(), 2, port, &mut processes);
    let mut many = texts();
    for i in 0..40 {
        many.extend(texts().into_iter().map(|t| format!("{t} {i}")));
    }
    let posts = TableSource {
        name: "posts".into(),
        location: write_posts(dir.path(), &many)
            .to_string_lossy()
            .into_owned(),
    };
    let cluster = Engine::Cluster {
        url: format!("ballista://127.0.0.1:{port}"),
    };
    let all = async {
        for sql in QUERIES {
            let local = table(Engine::Local, &posts, sql).await;
            let remote = table(cluster.clone(), &posts, sql).await;
            assert_eq!(remote, local, "{sql}");
        }
    };
    tokio::time::timeout(LIMIT, all).await.unwrap_or_else(|_| {
        panic!(
            "the cluster took longer than {LIMIT:?}; logs in {}",
            dir.path().display()
        )
    });
    // Both executors registered and the work reached at least one.
    for n in 1..=2 {
        let log = std::fs::read_to_string(dir.path().join(format!("executor-{n}.log"))).unwrap();
        assert!(log.contains("executor starting"), "executor {n}:\n{log}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_executor_without_our_functions_fails_with_advice() {
    let dir = tempfile::tempdir().unwrap();
    let mut processes = Children::default();
    let port = scheduler(dir.path(), &mut processes);
    // Ballista's own executor, in this process, with its stock codecs.
    let stock = ExecutorProcessConfig {
        bind_host: "127.0.0.1".into(),
        external_host: Some("127.0.0.1".into()),
        port: free_port(),
        grpc_port: free_port(),
        scheduler_host: "127.0.0.1".into(),
        scheduler_port: port,
        vcores: 1,
        work_dir: Some(dir.path().join("stock").to_string_lossy().into_owned()),
        ..ExecutorProcessConfig::default()
    };
    std::fs::create_dir_all(dir.path().join("stock")).unwrap();
    let executor = tokio::spawn(async move { start_executor_process(Arc::new(stock)).await });
    let posts = TableSource {
        name: "posts".into(),
        location: write_posts(dir.path(), &texts())
            .to_string_lossy()
            .into_owned(),
    };
    let query = Query {
        sql: "SELECT sum(tl_score(text)['candour_hits']) FROM posts".into(),
        engine: Engine::Cluster {
            url: format!("ballista://127.0.0.1:{port}"),
        },
        data: None,
        tables: vec![posts],
        lexicon: Some(contract_lexicon()),
    };
    let result = tokio::time::timeout(LIMIT, run_query(&query))
        .await
        .expect("the job neither ran nor failed");
    executor.abort();
    let err = result
        .expect_err("a stock executor cannot run tl_score")
        .to_string();
    assert!(
        err.contains("does not know threadlens's functions"),
        "{err}"
    );
    assert!(
        err.contains("rejected by executor"),
        "Ballista's own words are kept: {err}"
    );
    assert!(err.contains("threadlens cluster executor"), "{err}");
}
