//! Fuzz target for takeover schedules (time-bounded:
//! `threadlens_testkit::fuzz`): the repository's schedules with lines
//! deleted, repeated, replaced by arbitrary text or cut short, and
//! arbitrary text. Read or refused with an error naming the file, never a
//! panic; a schedule that reads attributes instants without a panic.

use std::path::Path;

use proptest::prelude::*;
use threadlens_report::Schedule;
use threadlens_testkit::fuzz::fuzz;
use threadlens_testkit::hostile::{edit_lines, line_edits};

fn schedules() -> Vec<String> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    ["fixture-day/schedule.toml", "hostile-day/schedule.toml"]
        .iter()
        .map(|p| std::fs::read_to_string(data.join(p)).unwrap_or_default())
        .collect()
}

#[test]
fn fuzz_schedule_files() {
    let seeds = schedules();
    assert!(seeds.iter().all(|s| !s.is_empty()));
    fuzz(
        "schedule_files",
        (0..seeds.len(), line_edits(), any::<bool>(), any::<String>()),
        |(s, edits, arbitrary, text)| {
            let source = if arbitrary {
                text
            } else {
                edit_lines(&seeds[s], &edits)
            };
            let path = Path::new("day.toml");
            match Schedule::parse(&source, path) {
                Ok(schedule) => {
                    for slot in &schedule.slots {
                        let _ = schedule.slot_at(slot.start);
                        prop_assert!(slot.start < slot.end, "{:?}", slot);
                    }
                }
                Err(e) => prop_assert!(e.to_string().contains("day.toml"), "{}", e),
            }
            Ok(())
        },
    );
}
