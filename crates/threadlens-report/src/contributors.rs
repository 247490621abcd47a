//! The people behind the posts: per platform and handle key, found without
//! allocating for a handle already seen.

use rustc_hash::FxHashMap;

use threadlens_model::push_handle_key;

/// One contributor's counts.
#[derive(Debug, Default)]
pub(crate) struct Contributor {
    /// The handle as first seen (handles are grouped case-insensitively).
    pub handle: String,
    pub posts: u64,
    pub replies: u64,
    pub hits: Vec<u64>,
}

/// Contributors by platform, then by [`handle_key`](threadlens_model::handle_key).
#[derive(Debug, Default)]
pub(crate) struct Contributors {
    /// Per platform (a handful at most, so found by a scan): where each
    /// handle key's contributor is in `people`.
    by_platform: Vec<(String, FxHashMap<String, usize>)>,
    people: Vec<Contributor>,
    /// The key being looked up, reused.
    key: String,
}

/// A contributor found by [`Contributors::of`].
pub(crate) struct Found<'c> {
    /// Which contributor: numbered from 0 in the order first seen.
    pub index: usize,
    /// The handle key it was found by.
    pub key: &'c str,
    /// Its counts.
    pub contributor: &'c mut Contributor,
}

impl Contributors {
    /// The contributor writing as `handle` on `platform`, made by `new` the
    /// first time: one hash of the handle key for a contributor already seen.
    pub fn of(
        &mut self,
        platform: &str,
        handle: &str,
        new: impl FnOnce() -> Contributor,
    ) -> Found<'_> {
        self.key.clear();
        push_handle_key(handle, &mut self.key);
        let keys = keys_of(&mut self.by_platform, platform);
        let index = match keys.get(self.key.as_str()) {
            Some(&at) => at,
            None => {
                keys.insert(self.key.clone(), self.people.len());
                self.people.push(new());
                self.people.len() - 1
            }
        };
        Found {
            index,
            key: &self.key,
            contributor: &mut self.people[index],
        }
    }

    /// Add a contributor counted elsewhere, keyed by `platform` and `key`
    /// (replacing one held under that key).
    pub fn insert(&mut self, platform: String, key: String, contributor: Contributor) {
        let keys = keys_of(&mut self.by_platform, &platform);
        match keys.get(key.as_str()) {
            Some(&at) => self.people[at] = contributor,
            None => {
                keys.insert(key, self.people.len());
                self.people.push(contributor);
            }
        }
    }

    /// How many contributors.
    pub fn len(&self) -> usize {
        self.people.len()
    }

    /// Every contributor with its `(platform, key)`, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = ((&str, &str), &Contributor)> {
        self.by_platform.iter().flat_map(move |(platform, keys)| {
            keys.iter()
                .map(move |(key, &at)| ((platform.as_str(), key.as_str()), &self.people[at]))
        })
    }
}

/// The handle keys of `platform`, added empty the first time.
fn keys_of<'m>(
    by_platform: &'m mut Vec<(String, FxHashMap<String, usize>)>,
    platform: &str,
) -> &'m mut FxHashMap<String, usize> {
    let at = match by_platform.iter().position(|(p, _)| p == platform) {
        Some(at) => at,
        None => {
            by_platform.push((platform.to_owned(), FxHashMap::default()));
            by_platform.len() - 1
        }
    };
    &mut by_platform[at].1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_group_by_platform_and_key() {
        let mut people = Contributors::default();
        let new = |handle: &str| {
            let handle = handle.to_owned();
            move || Contributor {
                handle,
                ..Contributor::default()
            }
        };
        people.of("x", "@Ann", new("@Ann")).contributor.posts += 1;
        let found = people.of("x", " ann", new(" ann"));
        assert_eq!((found.index, found.key), (0, "ann"));
        found.contributor.posts += 1;
        people.of("bluesky", "ann", new("ann")).contributor.posts += 1;
        let found = people.of("x", "Bob", new("Bob"));
        assert_eq!((found.index, found.key), (2, "bob"));
        found.contributor.posts += 1;
        people.insert("mastodon".into(), "cy".into(), Contributor::default());
        // Inserting under a key held replaces its contributor.
        people.insert("x".into(), "bob".into(), new("BOB")());
        people.of("x", "bob", new("never")).contributor.posts += 1;
        assert_eq!(people.len(), 4);
        let mut seen: Vec<(String, String, String, u64)> = people
            .iter()
            .map(|((p, k), c)| (p.to_owned(), k.to_owned(), c.handle.clone(), c.posts))
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            [
                ("bluesky".into(), "ann".into(), "ann".into(), 1),
                ("mastodon".into(), "cy".into(), String::new(), 0),
                ("x".into(), "ann".into(), "@Ann".into(), 2),
                ("x".into(), "bob".into(), "BOB".into(), 1),
            ]
        );
    }
}
