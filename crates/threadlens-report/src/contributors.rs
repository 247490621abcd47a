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
    by_platform: FxHashMap<String, FxHashMap<String, Contributor>>,
    /// The key being looked up, reused.
    key: String,
}

impl Contributors {
    /// The contributor writing as `handle` on `platform`, made by `new` the
    /// first time.
    pub fn of(
        &mut self,
        platform: &str,
        handle: &str,
        new: impl FnOnce() -> Contributor,
    ) -> &mut Contributor {
        self.key.clear();
        push_handle_key(handle, &mut self.key);
        if !self.by_platform.contains_key(platform) {
            self.by_platform
                .insert(platform.to_owned(), FxHashMap::default());
        }
        let Some(people) = self.by_platform.get_mut(platform) else {
            unreachable!("inserted above")
        };
        if !people.contains_key(self.key.as_str()) {
            people.insert(self.key.clone(), new());
        }
        people
            .get_mut(self.key.as_str())
            .unwrap_or_else(|| unreachable!("inserted above"))
    }

    /// Add a contributor counted elsewhere, keyed by `platform` and `key`.
    pub fn insert(&mut self, platform: String, key: String, contributor: Contributor) {
        self.by_platform
            .entry(platform)
            .or_default()
            .insert(key, contributor);
    }

    /// How many contributors.
    pub fn len(&self) -> usize {
        self.by_platform.values().map(FxHashMap::len).sum()
    }

    /// Every contributor with its `(platform, key)`, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = ((&str, &str), &Contributor)> {
        self.by_platform.iter().flat_map(|(platform, people)| {
            people
                .iter()
                .map(move |(key, c)| ((platform.as_str(), key.as_str()), c))
        })
    }
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
        people.of("x", "@Ann", new("@Ann")).posts += 1;
        people.of("x", " ann", new(" ann")).posts += 1;
        people.of("bluesky", "ann", new("ann")).posts += 1;
        people.of("x", "Bob", new("Bob")).posts += 1;
        people.insert("mastodon".into(), "cy".into(), Contributor::default());
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
                ("x".into(), "bob".into(), "Bob".into(), 1),
            ]
        );
    }
}
