//! An S3-compatible object store on 127.0.0.1 for tests: the `moto_server`
//! program (PyPI `moto[server]`, which `.ci/run` installs), started on a
//! free port and killed when the test ends. Buckets and objects are made
//! with plain unsigned HTTP requests, which moto accepts, so the tests need
//! no S3 client of their own.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::{Children, free_port, wait_for_listener};

/// A running moto server.
#[derive(Debug)]
pub struct S3Server {
    address: String,
    _process: Children,
}

/// Where `moto_server` is: `THREADLENS_MOTO_SERVER`, else the CI's venv
/// (`target/nb-venv`), else `PATH`.
fn moto_server() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("THREADLENS_MOTO_SERVER") {
        return Some(PathBuf::from(path));
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/nb-venv/bin/moto_server");
    if venv.is_file() {
        return Some(venv);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("moto_server"))
            .find(|p| p.is_file())
    })
}

impl S3Server {
    /// Start one, its log in `log`. `None` when moto is not installed
    /// (the test says it skipped), unless `THREADLENS_REQUIRE_MOTO=1` (as
    /// in CI), when that panics.
    pub fn start(log: &Path) -> Option<S3Server> {
        let Some(program) = moto_server() else {
            assert!(
                std::env::var_os("THREADLENS_REQUIRE_MOTO").is_none(),
                "THREADLENS_REQUIRE_MOTO is set but moto_server was not found (pip install 'moto[server]')"
            );
            return None;
        };
        let port = free_port();
        let log_file = std::fs::File::create(log)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", log.display()));
        let child = Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
        let process = Children(vec![child]);
        let address = format!("127.0.0.1:{port}");
        assert!(
            wait_for_listener(&address, Duration::from_secs(60)),
            "moto_server did not start: {}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        Some(S3Server {
            address,
            _process: process,
        })
    }

    /// Its `http://HOST:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The environment a process needs to read from it, with `secret` as
    /// the secret key (so a test can check it is never printed).
    pub fn env(&self, secret: &str) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT", self.endpoint()),
            ("AWS_ALLOW_HTTP", "true".into()),
            ("AWS_ACCESS_KEY_ID", "threadlens-test".into()),
            ("AWS_SECRET_ACCESS_KEY", secret.into()),
            ("AWS_REGION", "us-east-1".into()),
        ]
    }

    /// Make a bucket.
    pub fn create_bucket(&self, bucket: &str) {
        self.put(&format!("/{bucket}"), &[]);
    }

    /// Upload every file under `dir` to `bucket` under `prefix`, keeping
    /// the folders as `/`-separated keys.
    pub fn upload_folder(&self, dir: &Path, bucket: &str, prefix: &str) {
        let mut stack = vec![dir.to_owned()];
        while let Some(at) = stack.pop() {
            for entry in std::fs::read_dir(&at).unwrap_or_else(|e| panic!("{}: {e}", at.display()))
            {
                let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let key = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                let body =
                    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                self.put(&format!("/{bucket}/{prefix}/{key}"), &body);
            }
        }
    }

    /// An unsigned `PUT target`, which must answer 200.
    fn put(&self, target: &str, body: &[u8]) {
        let mut stream = TcpStream::connect(&self.address)
            .unwrap_or_else(|e| panic!("moto at {}: {e}", self.address));
        let head = format!(
            "PUT {target} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.address,
            body.len()
        );
        stream
            .write_all(head.as_bytes())
            .and_then(|()| stream.write_all(body))
            .unwrap_or_else(|e| panic!("PUT {target}: {e}"));
        let mut answer = String::new();
        stream
            .read_to_string(&mut answer)
            .unwrap_or_else(|e| panic!("PUT {target}: {e}"));
        assert!(
            answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.0 200"),
            "PUT {target}: {}",
            answer.lines().next().unwrap_or_default()
        );
    }
}
