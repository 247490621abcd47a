//! The README and the guides in `docs/` are tested: every ```console block
//! is run as a user following the page would run it, and its output must
//! match what the page shows; every relative link must lead to a file of
//! the repository.
//!
//! In a console block, a line `$ command` (continued by lines ending in `\`)
//! is run with `sh` in a fresh folder per page (holding links to the
//! repository's `datasets`, `crates`, `docs` and `notebooks-export`), with
//! this test run's `threadlens` first on `PATH`; the lines up to the next
//! `$` are its output, stdout and stderr together. In expected output,
//! `[..]` stands for any text within a line, a line `...` for any number
//! of lines, and a last line `[exit N]` for the exit code (else 0).
//! Blocks marked ```sh are shown, not run (they need the network or
//! secrets, or take long).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::repo;

/// One command of a console block and what the page says it prints.
#[derive(Debug)]
struct Example {
    line: usize,
    command: String,
    expected: Vec<String>,
    exit: i32,
}

fn examples(page: &str) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut in_block = false;
    let mut continued = false;
    for (i, line) in page.lines().enumerate() {
        if !in_block {
            in_block = line.trim_end() == "```console";
            continue;
        }
        if line.trim_end() == "```" {
            in_block = false;
            continue;
        }
        if continued {
            let example = out.last_mut().unwrap();
            example.command.push('\n');
            example.command.push_str(line);
            continued = line.ends_with('\\');
        } else if let Some(command) = line.strip_prefix("$ ") {
            out.push(Example {
                line: i + 1,
                command: command.to_owned(),
                expected: Vec::new(),
                exit: 0,
            });
            continued = line.ends_with('\\');
        } else if let Some(example) = out.last_mut() {
            match line
                .strip_prefix("[exit ")
                .and_then(|rest| rest.strip_suffix(']'))
            {
                Some(code) => example.exit = code.parse().unwrap(),
                None => example.expected.push(line.trim_end().to_owned()),
            }
        }
    }
    out
}

/// Whether `line` matches `pattern`, where `[..]` is any text.
fn line_matches(pattern: &str, line: &str) -> bool {
    let parts: Vec<&str> = pattern.split("[..]").collect();
    if parts.len() == 1 {
        return pattern == line;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !line.starts_with(first) || !line[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &line[first.len()..line.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// Whether `lines` match `expected`, where a line `...` is any lines.
fn lines_match(expected: &[String], lines: &[&str]) -> bool {
    match expected.split_first() {
        None => lines.is_empty(),
        Some((first, rest)) if first == "..." => {
            (0..=lines.len()).any(|skip| lines_match(rest, &lines[skip..]))
        }
        Some((first, rest)) => {
            !lines.is_empty() && line_matches(first, lines[0]) && lines_match(rest, &lines[1..])
        }
    }
}

/// A folder to run a page's examples in, with the repository's data.
fn sandbox() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["datasets", "crates", "docs", "notebooks-export"] {
        std::os::unix::fs::symlink(repo(name).canonicalize().unwrap(), dir.path().join(name))
            .unwrap();
    }
    dir
}

fn run_page(relative: &str) -> usize {
    let page = std::fs::read_to_string(repo(relative)).unwrap();
    let examples = examples(&page);
    let dir = sandbox();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_threadlens"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for example in &examples {
        let output = Command::new("sh")
            .arg("-c")
            .arg(format!("exec 2>&1\n{}", example.command))
            .current_dir(dir.path())
            .env("PATH", &path)
            .env_remove("RUST_LOG")
            .env("NO_COLOR", "1")
            .env("TZ", "UTC")
            .output()
            .unwrap();
        let printed = String::from_utf8_lossy(&output.stdout);
        let lines: Vec<&str> = printed.lines().map(str::trim_end).collect();
        let code = output.status.code().unwrap_or(-1);
        assert!(
            code == example.exit && lines_match(&example.expected, &lines),
            "{relative}:{}: `{}` printed (exit {code}, the page says {}):\n{printed}\nthe page shows:\n{}",
            example.line,
            example.command,
            example.exit,
            example.expected.join("\n")
        );
    }
    examples.len()
}

/// The Markdown pages of the repository (outside `target/`).
fn pages() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with('.') || name == "target" || name == "threadlens-demo" {
                continue;
            }
            if path.is_dir() {
                walk(&path, out);
            } else if name.ends_with(".md") {
                out.push(path);
            }
        }
    }
    let root = repo("").canonicalize().unwrap();
    let mut out = Vec::new();
    walk(&root, &mut out);
    out.sort();
    out
}

/// The targets of the Markdown links in `text` (`[text](target)`), outside
/// code blocks and inline code.
fn link_targets(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut in_code = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        // Drop inline code: every other piece between backticks.
        let prose: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        let mut rest = prose.as_str();
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            if let Some(end) = rest.find(')') {
                out.push((i + 1, rest[..end].to_owned()));
                rest = &rest[end..];
            }
        }
    }
    out
}

#[test]
fn every_relative_link_leads_to_a_file_of_the_repository() {
    let root = repo("").canonicalize().unwrap();
    let pages = pages();
    assert!(pages.len() >= 10, "{pages:?}");
    let mut broken = Vec::new();
    for page in &pages {
        let text = std::fs::read_to_string(page).unwrap();
        for (line, target) in link_targets(&text) {
            if target.contains("://") || target.starts_with('#') || target.starts_with("mailto:") {
                continue;
            }
            let file = target.split('#').next().unwrap();
            let resolved = page.parent().unwrap().join(file);
            let inside = resolved
                .canonicalize()
                .map(|p| p.starts_with(&root))
                .unwrap_or(false);
            if !inside {
                broken.push(format!("{}:{line}: {target}", page.display()));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "links to nothing or outside the repository:\n{}",
        broken.join("\n")
    );
}

/// The contracts are the repository's own (`docs/spec/`): nothing users
/// read points at the folder they were first written in.
#[test]
fn nothing_points_at_the_contracts_outside_the_repository() {
    let root = repo("").canonicalize().unwrap();
    let mut files = pages();
    for dir in ["crates", "benches", "datasets", "docs", "notebooks-export"] {
        let mut stack = vec![root.join(dir)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if ["rs", "toml", "py", "sh", "ipynb"]
                    .iter()
                    .any(|e| path.extension().is_some_and(|x| x == *e))
                {
                    files.push(path);
                }
            }
        }
    }
    // Spelt in pieces, so this file does not find itself.
    let outside = [concat!("shared", "/spec"), concat!("shared", "/seeds")];
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (i, line) in text.lines().enumerate() {
            if outside.iter().any(|p| line.contains(p)) {
                found.push(format!("{}:{}: {line}", file.display(), i + 1));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
    // The help users read names only files in the repository.
    let help = crate::threadlens(&["--help"]);
    assert!(!String::from_utf8_lossy(&help.stdout).contains("../"));
}

#[test]
fn the_readme_is_short_and_links_every_guide() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(lines <= 200, "README.md has {lines} lines (at most 200)");
    assert!(
        readme.starts_with("# threadlens\n\n```sh\ncargo run -p threadlens-cli -- demo\ncargo test --workspace\n```\n"),
        "README.md starts with the two commands"
    );
    for guide in std::fs::read_dir(repo("docs")).unwrap() {
        let path = guide.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                readme.contains(&format!("](docs/{name})")),
                "README.md does not link docs/{name}"
            );
        }
    }
}

#[test]
fn links_are_read_outside_code_only() {
    let page = "see [the spec](docs/spec/formats.md) and `[..](not)`\n```\n[a](b)\n```\n[c](d#x)\n";
    let found: Vec<String> = link_targets(page).into_iter().map(|(_, t)| t).collect();
    assert_eq!(found, ["docs/spec/formats.md", "d#x"]);
}

#[test]
fn the_matcher_reads_wildcards_as_the_pages_use_them() {
    assert!(line_matches(
        "wrote [..] files in [..]/report",
        "wrote 22 files in data/day/report"
    ));
    assert!(!line_matches("wrote [..] files", "wrote 22 tables"));
    let expected: Vec<String> = ["a", "...", "z"].map(String::from).to_vec();
    assert!(lines_match(&expected, &["a", "b", "c", "z"]));
    assert!(lines_match(&expected, &["a", "z"]));
    assert!(!lines_match(&expected, &["a", "b"]));
    let page = "```console\n$ threadlens a \\\n  --b\nout\n[exit 2]\n```\n```sh\n$ not run\n```\n";
    let found = examples(page);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].command, "threadlens a \\\n  --b");
    assert_eq!(
        (found[0].expected.clone(), found[0].exit),
        (vec!["out".to_owned()], 2)
    );
}

macro_rules! page_test {
    ($name:ident, $page:expr) => {
        #[test]
        fn $name() {
            assert!(run_page($page) > 0, "{} shows no console example", $page);
        }
    };
}

page_test!(readme_examples, "README.md");
page_test!(importing_guide, "docs/importing.md");
page_test!(collecting_guide, "docs/collecting.md");
page_test!(scoring_guide, "docs/scoring.md");
page_test!(reports_guide, "docs/reports.md");
page_test!(validating_guide, "docs/validating.md");
page_test!(networks_guide, "docs/networks.md");
page_test!(jobs_guide, "docs/jobs.md");
page_test!(cluster_guide, "docs/cluster.md");
page_test!(reproducibility_guide, "docs/reproducibility.md");
page_test!(troubleshooting_guide, "docs/troubleshooting.md");
page_test!(installing_guide, "docs/installing.md");
