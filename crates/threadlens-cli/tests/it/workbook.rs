//! `report.xlsx` as an analyst opens it: a first sheet "Summary" with the
//! headline figures and three native charts drawn from a "chart_data"
//! sheet, every table an Excel table with filters and bands, number
//! formats, timestamps as date cells; read from the workbook's XML, and
//! opened and converted by LibreOffice (headless) without errors.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::report_page::hostile_report;

/// The text of one part of the workbook (a zip of XML files).
fn part(path: &Path, name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} is missing"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The names of the workbook's parts.
fn parts(path: &Path) -> Vec<String> {
    let archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    archive
        .file_names()
        .map(|name| name.unwrap().into_owned())
        .collect()
}

/// LibreOffice, when it is installed. Without it the conversion is skipped
/// with a note, unless `THREADLENS_REQUIRE_LIBREOFFICE` is set (CI sets it,
/// after installing libreoffice-calc-nogui).
#[allow(clippy::print_stderr)] // says why the conversion was not checked
fn libreoffice() -> Option<PathBuf> {
    let found = ["/usr/bin/soffice", "/usr/bin/libreoffice"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.is_file());
    assert!(
        found.is_some() || std::env::var_os("THREADLENS_REQUIRE_LIBREOFFICE").is_none(),
        "THREADLENS_REQUIRE_LIBREOFFICE is set but LibreOffice is not installed"
    );
    if found.is_none() {
        eprintln!("LibreOffice is not installed: the workbook was not converted");
    }
    found
}

/// Convert `workbook` with LibreOffice's `filter` (`pdf`, or `csv:` with
/// options) into `out`; the converted file, named with `extension`.
fn convert(soffice: &Path, workbook: &Path, out: &Path, filter: &str, extension: &str) -> PathBuf {
    let profile = out.join("lo-profile");
    let output = std::process::Command::new(soffice)
        .args(["--headless", "--norestore"])
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--convert-to", filter, "--outdir"])
        .arg(out)
        .arg(workbook)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{said}");
    assert!(!said.contains("Error"), "{said}");
    let converted = out.join(format!(
        "{}.{extension}",
        workbook.file_stem().unwrap().to_str().unwrap()
    ));
    assert!(converted.is_file(), "{said}");
    converted
}

#[test]
fn the_workbook_opens_on_a_summary_with_native_charts() {
    let dir = tempfile::tempdir().unwrap();
    let report = hostile_report(dir.path());
    let xlsx = report.join("report.xlsx");

    let workbook = part(&xlsx, "xl/workbook.xml");
    let sheets: Vec<&str> = workbook
        .split("<sheet name=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert_eq!(sheets.first(), Some(&"Summary"), "{sheets:?}");
    assert_eq!(sheets.last(), Some(&"chart_data"), "{sheets:?}");
    for table in [
        "takeover_engagement",
        "theme_by_period",
        "theme_by_slot",
        "kwic",
        // `--network`: the two network tables are sheets too.
        "network_accounts",
        "network_communities",
    ] {
        assert!(sheets.contains(&table), "{table}: {sheets:?}");
    }

    // Three charts, anchored on the Summary sheet, drawn from chart_data.
    let names = parts(&xlsx);
    let charts: Vec<String> = (1..=3)
        .map(|n| part(&xlsx, &format!("xl/charts/chart{n}.xml")))
        .collect();
    assert!(!names.contains(&"xl/charts/chart4.xml".to_owned()));
    assert!(
        charts[0].contains("<c:barDir val=\"col\"/>")
            && charts[0].contains("Activity over the event")
    );
    assert!(
        charts[1].contains("<c:barDir val=\"bar\"/>") && charts[1].contains("Theme share per slot")
    );
    assert!(charts[2].contains("<c:lineChart>") && charts[2].contains("Theme frequency over time"));
    for chart in &charts {
        assert!(chart.contains("chart_data!$"), "series from chart_data");
    }
    assert_eq!(
        charts[1].matches("<c:ser>").count(),
        3,
        "a series per theme"
    );
    assert!(charts[1].contains("<c:numFmt formatCode=\"0%\""));
    let summary_rels = part(&xlsx, "xl/worksheets/_rels/sheet1.xml.rels");
    assert!(summary_rels.contains("drawing1.xml"), "{summary_rels}");
    assert_eq!(
        part(&xlsx, "xl/drawings/drawing1.xml")
            .matches("<c:chart ")
            .count(),
        3
    );

    // Every non-empty table an Excel table with filter buttons and bands,
    // and the Summary's theme shares too.
    let tables: Vec<String> = names
        .iter()
        .filter(|n| n.starts_with("xl/tables/"))
        .map(|n| part(&xlsx, n))
        .collect();
    assert!(tables.len() >= 9, "{}", tables.len());
    for table in &tables {
        assert!(
            table.contains("<autoFilter") && table.contains("showRowStripes=\"1\""),
            "{table}"
        );
    }
    assert!(
        tables
            .iter()
            .any(|t| t.contains("name=\"headline_themes\""))
    );
    assert!(
        tables
            .iter()
            .any(|t| t.contains("name=\"takeover_engagement\""))
    );

    // Local times are date cells, never text; formats for counts, shares
    // and minutes exist.
    let strings = part(&xlsx, "xl/sharedStrings.xml");
    assert!(!strings.contains("2022-10-29T"), "no timestamps as text");
    assert!(
        strings.contains("&lt;b&gt;markup&lt;/b&gt;"),
        "titles as text"
    );
    let styles = part(&xlsx, "xl/styles.xml");
    for format in ["#,##0", "0.0%", "0.0 &quot;min&quot;", "yyyy-mm-dd hh:mm"] {
        assert!(styles.contains(format), "{format}");
    }

    let Some(soffice) = libreoffice() else {
        return;
    };
    let out = dir.path().join("converted");
    let pdf = convert(&soffice, &xlsx, &out, "pdf", "pdf");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    // The first sheet as LibreOffice reads it (comma-separated, quoted,
    // UTF-8): the figures formatted.
    let csv = convert(
        &soffice,
        &xlsx,
        &out,
        "csv:Text - txt - csv (StarCalc):44,34,76",
        "csv",
    );
    let csv = std::fs::read_to_string(csv).unwrap();
    let manifest = std::fs::read_to_string(report.join("manifest.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    // Posts scored: those stored, less the reposts left out.
    let scored = manifest["inputs"][0]["rows"].as_u64().unwrap()
        - manifest["posts_left_out"].as_u64().unwrap();
    let thousands = format!("{},{:03}", scored / 1000, scored % 1000);
    assert!(
        csv.lines()
            .any(|l| l.starts_with("Posts,") && l.contains(&thousands)),
        "Posts {thousands}: {csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("Median time to first reply,") && l.contains(" min")),
        "{csv}"
    );
}
