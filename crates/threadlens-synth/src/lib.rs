//! Deterministic synthetic data. Every text is made up; every handle is
//! fictional. Same seed, same output, on every machine and every version of
//! the dependencies (the generator is our own, not `rand`'s).
//!
//! Tweet-like texts ([`TextGenerator`]) and whole collections around a
//! takeover day in the platforms' own formats ([`write_corpus`]), written
//! as they are made. Start reading at [`write_corpus`].
//!
//! ```
//! use threadlens_synth::TextGenerator;
//!
//! let a: Vec<String> = TextGenerator::new(7).take(3).collect();
//! let b: Vec<String> = TextGenerator::new(7).take(3).collect();
//! assert_eq!(a, b);
//! ```

mod corpus;
mod platforms;
mod rng;
mod text;

pub use corpus::{
    CorpusFormat, Generator, Kind, Parent, SynthEvent, SynthPost, SynthSlot, Written, write_corpus,
};
pub use rng::SplitMix64;
pub use text::TextGenerator;
