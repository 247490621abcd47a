//! Fuzz target for takeover schedules (time-bounded:
//! `threadlens_testkit::fuzz`): the repository's schedules with lines
//! deleted, repeated, replaced by arbitrary text or cut short, and
//! arbitrary text. Read or refused with an error naming the file, never a
//! panic; a schedule that reads attributes instants without a panic.

use std::path::Path;

use proptest::collection::vec;
use proptest::prelude::*;
use threadlens_report::Schedule;
use threadlens_testkit::fuzz::fuzz;

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
        (
            0..seeds.len(),
            vec((0u8..4, any::<u16>(), any::<String>()), 0..6),
            any::<bool>(),
            any::<String>(),
        ),
        |(s, edits, arbitrary, text)| {
            let source = if arbitrary {
                text
            } else {
                let mut lines: Vec<String> = seeds[s].lines().map(str::to_owned).collect();
                for (op, at, with) in edits {
                    if lines.is_empty() {
                        break;
                    }
                    let i = usize::from(at) % lines.len();
                    match op {
                        0 => {
                            lines.remove(i);
                        }
                        1 => lines.insert(i, lines[i].clone()),
                        2 => lines[i] = with,
                        _ => lines.truncate(i),
                    }
                }
                lines.join("\n")
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
