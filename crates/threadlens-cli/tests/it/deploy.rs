//! The deployment examples in `docs/deploy/`: shown verbatim in
//! `docs/jobs.md`, and each checked by the tool that would read it.

use std::path::PathBuf;
use std::process::Command;

use crate::{bin, text};

fn deploy(name: &str) -> PathBuf {
    crate::repo("docs/deploy").join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(deploy(name)).unwrap()
}

#[test]
fn the_jobs_guide_shows_the_files_as_they_are() {
    let guide = std::fs::read_to_string(crate::repo("docs/jobs.md")).unwrap();
    for name in [
        "files-job.toml",
        "nightly.toml",
        "crontab",
        "threadlens-nightly.service",
        "threadlens-nightly.timer",
        "github-workflow.yml",
    ] {
        assert!(
            guide.contains(&read(name)),
            "docs/jobs.md does not show docs/deploy/{name} as it is"
        );
    }
}

#[test]
fn the_example_job_passes_check() {
    let output = Command::new(bin())
        .args(["run", "--check"])
        .arg(deploy("nightly.toml"))
        .env("X_BEARER_TOKEN", "set-for-the-check")
        .env_remove("MASTODON_TOKEN")
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("ok: job solvingtogether-nightly, 2 live and 0 file sources"),
        "{stdout}"
    );

    // Without the token, the same check fails and names the variable.
    let output = Command::new(bin())
        .args(["run", "--check"])
        .arg(deploy("nightly.toml"))
        .env_remove("X_BEARER_TOKEN")
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("X_BEARER_TOKEN"), "{stderr}");
}

#[test]
fn the_crontab_line_has_five_valid_time_fields() {
    let lines: Vec<String> = read("crontab")
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .map(str::to_owned)
        .collect();
    assert_eq!(lines.len(), 1);
    let fields: Vec<&str> = lines[0].split_whitespace().collect();
    let ranges = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)];
    for (field, (lo, hi)) in fields[..5].iter().zip(ranges) {
        let ok = *field == "*"
            || field.split(',').all(|part| {
                part.split('-')
                    .all(|n| n.parse::<u32>().is_ok_and(|n| (lo..=hi).contains(&n)))
            });
        assert!(ok, "cron field {field:?} is not in {lo}-{hi}");
    }
    assert!(lines[0].contains("threadlens run jobs/nightly.toml"));
}

#[test]
fn the_systemd_units_pass_systemd_analyze_verify() {
    let Ok(version) = Command::new("systemd-analyze").arg("--version").output() else {
        eprintln!("skipping: systemd-analyze is not installed");
        return;
    };
    assert!(version.status.success());
    // Point the unit at things that exist here: verify checks the binary,
    // the working directory and the environment file.
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join("secrets.env");
    std::fs::write(&env, "X_BEARER_TOKEN=x\n").unwrap();
    let service = read("threadlens-nightly.service")
        .replace("/usr/local/bin/threadlens", &bin().display().to_string())
        .replace(
            "WorkingDirectory=/srv/threadlens",
            &format!("WorkingDirectory={}", dir.path().display()),
        )
        .replace(
            "EnvironmentFile=/etc/threadlens/secrets.env",
            &format!("EnvironmentFile={}", env.display()),
        );
    let service_path = dir.path().join("threadlens-nightly.service");
    let timer_path = dir.path().join("threadlens-nightly.timer");
    std::fs::write(&service_path, service).unwrap();
    std::fs::write(&timer_path, read("threadlens-nightly.timer")).unwrap();
    let output = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&service_path)
        .arg(&timer_path)
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stdout}\n{stderr}");
}
