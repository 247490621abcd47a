//! Headless Chromium for the tests that look at `report.html` as a reader
//! does: the page's DOM after rendering, screenshots, a PDF, and the
//! geometry a small measuring script reads off a copy of the page.

use std::path::{Path, PathBuf};

/// Chromium, when it is installed. Without it the browser tests say that
/// `what` was not checked and pass, unless `THREADLENS_REQUIRE_CHROMIUM` is
/// set (CI sets it, after installing Chromium).
#[allow(clippy::print_stderr)] // the one place a test says why it checked nothing
pub fn chromium(what: &str) -> Option<PathBuf> {
    let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.is_file());
    assert!(
        found.is_some() || std::env::var_os("THREADLENS_REQUIRE_CHROMIUM").is_none(),
        "THREADLENS_REQUIRE_CHROMIUM is set but Chromium is not installed"
    );
    if found.is_none() {
        eprintln!("Chromium is not installed: {what} was not checked");
    }
    found
}

/// Run headless Chromium on `page` with `args` (the flags this machine's
/// closed network needs); its stdout.
pub fn headless(chromium: &Path, profile: &Path, args: &[&str], page: &Path) -> String {
    let output = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Appended to a copy of the page: measures every chart's text boxes and
/// the engagement table, and writes what it found as JSON into the page.
const MEASURE: &str = r#"<script>
(() => {
  const box = e => e.getBoundingClientRect();
  const viewport = document.documentElement.clientWidth;
  const out = {viewport, page_scrolls: document.documentElement.scrollWidth > viewport + 1,
    charts: [], problems: []};
  for (const svg of document.querySelectorAll('svg.chart')) {
    const frame = box(svg);
    const texts = [...svg.querySelectorAll('text')]
      .map(t => ({s: t.textContent, r: box(t)}))
      .filter(t => t.r.width > 0);
    out.charts.push({id: svg.id, texts: texts.length, width: frame.width});
    for (const t of texts) {
      if (t.r.left < frame.left - 0.5 || t.r.right > frame.right + 0.5
          || t.r.top < frame.top - 0.5 || t.r.bottom > frame.bottom + 0.5)
        out.problems.push(`${svg.id}: "${t.s}" leaves the chart`);
    }
    for (let i = 0; i < texts.length; i++)
      for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i].r, b = texts[j].r;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 0.5 && h > 0.5)
          out.problems.push(`${svg.id}: "${texts[i].s}" overlaps "${texts[j].s}"`);
      }
  }
  const table = document.querySelector('table.engagement');
  if (table) {
    const wrap = table.parentElement;
    const heads = [...table.querySelectorAll('thead th')];
    out.table = {
      scrolls: wrap.scrollWidth > wrap.clientWidth + 1,
      columns: heads.length,
      outside: heads.filter(th => box(th).right > viewport + 0.5).map(th => th.textContent),
      slot_position: getComputedStyle(table.querySelector('tbody .slot-col')).position,
      times: [...table.querySelectorAll('td.time')].map(td => td.firstChild ? td.firstChild.textContent : ''),
    };
  }
  if (parent !== window) {
    parent.postMessage(JSON.stringify(out), '*');
  } else {
    const pre = document.createElement('pre');
    pre.id = 'geometry';
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }
})();
</script>"#;

/// Headless Chromium's windows are at least 500 px wide: a narrower page
/// is measured in a frame of its width, which is the page's viewport
/// (media queries included); the frame posts what it measured out.
const FRAME: &str = r#"<!DOCTYPE html><html><body style="margin:0">
<iframe src="PAGE" style="width:WIDTHpx;height:900px;border:0"></iframe>
<script>
addEventListener('message', e => {
  const pre = document.createElement('pre');
  pre.id = 'geometry';
  pre.textContent = e.data;
  document.body.appendChild(pre);
});
</script></body></html>"#;

/// The narrowest window headless Chromium opens.
const NARROWEST_WINDOW: u32 = 500;

/// What [`measure`] found on a page at one width.
#[derive(Debug)]
pub struct Geometry {
    /// The page's width in CSS pixels, as the page saw it.
    pub viewport: f64,
    /// Whether the page itself scrolls sideways.
    pub page_scrolls: bool,
    /// Per chart: its id and how many text boxes it has.
    pub charts: Vec<(String, u64)>,
    /// Text leaving a chart, or two texts overlapping.
    pub problems: Vec<String>,
    /// The engagement table: whether its box scrolls, its headings right
    /// of the viewport, the slot column's `position`, and each slot's time.
    pub table: Option<(bool, Vec<String>, String, Vec<String>)>,
}

/// Open a copy of `page` with [`MEASURE`] appended at `width` CSS pixels,
/// and read back what it measured.
pub fn measure(chromium: &Path, dir: &Path, page: &Path, width: u32) -> Geometry {
    let html = std::fs::read_to_string(page).unwrap();
    let copy = dir.join(format!("measured-{width}.html"));
    std::fs::write(&copy, html.replace("</body>", &format!("{MEASURE}</body>"))).unwrap();
    let profile = dir.join(format!("profile-{width}"));
    let dom = if width >= NARROWEST_WINDOW {
        headless(
            chromium,
            &profile,
            &[&format!("--window-size={width},900"), "--dump-dom"],
            &copy,
        )
    } else {
        let frame = dir.join(format!("frame-{width}.html"));
        std::fs::write(
            &frame,
            FRAME
                .replace("PAGE", &format!("measured-{width}.html"))
                .replace("WIDTH", &width.to_string()),
        )
        .unwrap();
        headless(
            chromium,
            &profile,
            &[
                &format!("--window-size={NARROWEST_WINDOW},900"),
                "--virtual-time-budget=5000",
                "--dump-dom",
            ],
            &frame,
        )
    };
    let json = dom
        .split("<pre id=\"geometry\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or_else(|| panic!("the measuring script did not run: {dom:.2000}"))
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .map(|s| s.as_str().unwrap_or_default().to_owned())
            .collect()
    };
    Geometry {
        viewport: v["viewport"].as_f64().unwrap(),
        page_scrolls: v["page_scrolls"].as_bool().unwrap(),
        charts: v["charts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["id"].as_str().unwrap().to_owned(),
                    c["texts"].as_u64().unwrap(),
                )
            })
            .collect(),
        problems: strings(&v["problems"]),
        table: v.get("table").map(|t| {
            (
                t["scrolls"].as_bool().unwrap(),
                strings(&t["outside"]),
                t["slot_position"].as_str().unwrap().to_owned(),
                strings(&t["times"]),
            )
        }),
    }
}

/// Screenshot `page` at `width` (the full page, up to `height`) into
/// `target/e2e/<name>`, for people to review. A page narrower than a
/// window is shown in a frame of its width, at the window's left.
pub fn screenshot(chromium: &Path, dir: &Path, page: &Path, width: u32, height: u32, name: &str) {
    let shots = crate::repo("target/e2e");
    std::fs::create_dir_all(&shots).unwrap();
    let shot = shots.join(name);
    let shown = if width >= NARROWEST_WINDOW {
        page.to_owned()
    } else {
        let frame = dir.join(format!("shot-frame-{width}.html"));
        std::fs::write(
            &frame,
            format!(
                "<!DOCTYPE html><html><body style=\"margin:0;background:#fff\"><iframe src=\"file://{}\" style=\"width:{width}px;height:{height}px;border:0\"></iframe></body></html>",
                page.display()
            ),
        )
        .unwrap();
        frame
    };
    headless(
        chromium,
        &dir.join(format!("profile-shot-{width}")),
        &[
            &format!("--window-size={},{height}", width.max(NARROWEST_WINDOW)),
            &format!("--screenshot={}", shot.display()),
        ],
        &shown,
    );
    assert!(
        std::fs::metadata(&shot).unwrap().len() > 10_000,
        "a real picture"
    );
}
