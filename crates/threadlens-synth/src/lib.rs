//! Deterministic synthetic data. Every text is made up; every handle is
//! fictional. Same seed, same output, on every machine and every version of
//! the dependencies (the generator is our own, not `rand`'s).
//!
//! So far: tweet-like texts for the scoring benchmarks ([`TextGenerator`]).
//! Issue 5 adds whole platform-native corpora on top of it.
//!
//! ```
//! use threadlens_synth::TextGenerator;
//!
//! let a: Vec<String> = TextGenerator::new(7).take(3).collect();
//! let b: Vec<String> = TextGenerator::new(7).take(3).collect();
//! assert_eq!(a, b);
//! ```

mod rng;
mod text;

pub use rng::SplitMix64;
pub use text::TextGenerator;
