//! [`ObjectMap`]: the catalog's map of objects, cheap to copy and cheap to compare with a copy.
//!
//! The N state of a history starts as a copy of the N-1 state, and a release (or one edit in the
//! language server) changes a handful of objects among thousands. So the map is split by key hash
//! into a fixed number of shards, each shared between copies until one of them writes to it; and
//! every object is shared on its own too. A copy costs one reference count per shard, a write copies
//! one shard (a handful of entries even on a long history) and the object written, and two copies can be
//! compared shard by shard, skipping the shards they still share ([`ObjectMap::differing_shards`]).
//!
//! Order: shards in a fixed order, entries in insertion order within a shard. That is stable from
//! run to run (the hash is not seeded), which is all that output needs; findings are sorted anyway.

use std::hash::{BuildHasher, Hash};
use std::sync::Arc;

type Shard<K, V> = indexmap::IndexMap<K, Arc<V>, rustc_hash::FxBuildHasher>;

/// Shards per map, a power of two. A copy costs this many counter increments (microseconds); a
/// written shard holds n/512 entries, ~5 for the 2,300 tables of the benchmark history, so a
/// release that touches a hundred objects copies a few hundred entries, not the whole history.
const SHARDS: usize = 512;

pub struct ObjectMap<K, V> {
    shards: Box<[Arc<Shard<K, V>>; SHARDS]>,
    len: usize,
}

impl<K, V> Clone for ObjectMap<K, V> {
    fn clone(&self) -> Self {
        ObjectMap { shards: self.shards.clone(), len: self.len }
    }
}

impl<K, V> Default for ObjectMap<K, V> {
    fn default() -> Self {
        // One empty shard shared by all: the first write to a shard gives it its own.
        let empty = Arc::new(Shard::default());
        ObjectMap { shards: Box::new(std::array::from_fn(|_| empty.clone())), len: 0 }
    }
}

impl<K: Hash + Eq, V: PartialEq> PartialEq for ObjectMap<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.shards.iter().zip(other.shards.iter()).all(|(a, b)| Arc::ptr_eq(a, b) || a == b)
    }
}

impl<K: Hash + Eq, V: Eq> Eq for ObjectMap<K, V> {}

impl<K: std::fmt::Debug, V: std::fmt::Debug> std::fmt::Debug for ObjectMap<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K, V> ObjectMap<K, V> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = (&K, &Arc<V>)> {
        self.shards.iter().flat_map(|shard| shard.iter())
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &Arc<V>> {
        self.iter().map(|(_, v)| v)
    }

    /// The entries of both maps in the shards they do not share, side by side: everything that can
    /// differ between a map and a copy of it. Shards still shared are skipped without a look.
    pub fn differing_shards<'a>(&'a self, other: &'a Self) -> impl Iterator<Item = (ShardView<'a, K, V>, ShardView<'a, K, V>)> {
        self.shards.iter().zip(other.shards.iter()).filter(|(a, b)| !Arc::ptr_eq(a, b)).map(|(a, b)| (ShardView(a), ShardView(b)))
    }
}

/// One shard's entries, from [`ObjectMap::differing_shards`].
pub struct ShardView<'a, K, V>(&'a Shard<K, V>);

impl<'a, K, V> ShardView<'a, K, V> {
    pub fn iter(&self) -> impl Iterator<Item = (&'a K, &'a Arc<V>)> + use<'a, K, V> {
        self.0.iter()
    }
}

impl<K: Hash + Eq + Clone, V: Clone> ObjectMap<K, V> {
    fn shard_of(key: &K) -> usize {
        // The high bits: the shard's own map uses the low ones.
        (rustc_hash::FxBuildHasher.hash_one(key) >> (64 - SHARDS.trailing_zeros())) as usize
    }

    fn shard(&self, key: &K) -> &Shard<K, V> {
        &self.shards[Self::shard_of(key)]
    }

    /// The shard holding `key`, copied first if shared.
    fn shard_mut(&mut self, key: &K) -> &mut Shard<K, V> {
        Arc::make_mut(&mut self.shards[Self::shard_of(key)])
    }

    pub fn get(&self, key: &K) -> Option<&Arc<V>> {
        self.shard(key).get(key)
    }

    pub fn get_key_value(&self, key: &K) -> Option<(&K, &Arc<V>)> {
        self.shard(key).get_key_value(key)
    }

    pub fn contains_key(&self, key: &K) -> bool {
        self.shard(key).contains_key(key)
    }

    pub fn insert(&mut self, key: K, value: Arc<V>) -> Option<Arc<V>> {
        let old = self.shard_mut(&key).insert(key, value);
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    /// Adds an object unless one has that key.
    pub fn insert_if_absent(&mut self, key: K, value: V) {
        if !self.contains_key(&key) {
            self.insert(key, Arc::new(value));
        }
    }

    /// Removes an entry, keeping the order of the others.
    pub fn remove(&mut self, key: &K) -> Option<Arc<V>> {
        if !self.contains_key(key) {
            return None;
        }
        let old = self.shard_mut(key).shift_remove(key);
        self.len -= usize::from(old.is_some());
        old
    }

    /// An object to change: its shard and the object are copied first if shared.
    pub fn get_mut_cow(&mut self, key: &K) -> Option<&mut V> {
        if !self.contains_key(key) {
            return None;
        }
        self.shard_mut(key).get_mut(key).map(Arc::make_mut)
    }

    /// Changes the entries `needs` selects; only their shards and the objects are copied (if shared).
    pub fn update(&mut self, needs: impl Fn(&K, &V) -> bool, mut change: impl FnMut(&K, &mut V)) {
        for shard in self.shards.iter_mut() {
            if !shard.iter().any(|(k, v)| needs(k, v)) {
                continue;
            }
            for (k, v) in Arc::make_mut(shard).iter_mut() {
                if needs(k, v) {
                    change(k, Arc::make_mut(v));
                }
            }
        }
    }

    /// Keeps the entries `keep` accepts; only shards that lose one are copied (if shared).
    pub fn retain_where(&mut self, keep: impl Fn(&K, &V) -> bool) {
        for shard in self.shards.iter_mut() {
            if shard.iter().all(|(k, v)| keep(k, v)) {
                continue;
            }
            let shard = Arc::make_mut(shard);
            let before = shard.len();
            shard.retain(|k, v| keep(k, v));
            self.len -= before - shard.len();
        }
    }
}

impl<'a, K, V> IntoIterator for &'a ObjectMap<K, V> {
    type Item = (&'a K, &'a Arc<V>);
    type IntoIter = Box<dyn Iterator<Item = (&'a K, &'a Arc<V>)> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(keys: impl IntoIterator<Item = u32>) -> ObjectMap<u32, String> {
        let mut m = ObjectMap::default();
        for k in keys {
            m.insert(k, Arc::new(k.to_string()));
        }
        m
    }

    #[test]
    fn behaves_as_a_map() {
        let mut m = map(0..500);
        assert_eq!(m.len(), 500);
        assert_eq!(m.get(&42).map(|v| v.as_str()), Some("42"));
        assert!(m.insert(42, Arc::new("x".into())).is_some());
        assert_eq!(m.len(), 500);
        assert_eq!(m.remove(&42).as_deref().map(String::as_str), Some("x"));
        assert_eq!(m.remove(&42), None);
        assert_eq!(m.len(), 499);
        m.retain_where(|k, _| k % 2 == 0);
        assert_eq!(m.len(), 249);
        assert_eq!(m.iter().count(), 249);
        m.update(|k, _| *k == 10, |_, v| v.push('!'));
        assert_eq!(m.get(&10).map(|v| v.as_str()), Some("10!"));
    }

    #[test]
    fn copies_share_what_they_did_not_write() {
        let original = map(0..1000);
        let mut copy = original.clone();
        assert_eq!(copy.differing_shards(&original).count(), 0);
        *copy.get_mut_cow(&7).unwrap() = "seven".into();
        // One shard copied; every object but the one written still shared.
        let differing: Vec<_> = copy.differing_shards(&original).collect();
        assert_eq!(differing.len(), 1);
        let (new, old) = &differing[0];
        let changed: Vec<&u32> = new
            .iter()
            .filter(|(k, v)| old.iter().find(|(ok, _)| ok == k).is_none_or(|(_, ov)| !Arc::ptr_eq(v, ov)))
            .map(|(k, _)| k)
            .collect();
        assert_eq!(changed, [&7]);
        assert_eq!(original.get(&7).map(|v| v.as_str()), Some("7"));
        assert_ne!(copy, original);
        *copy.get_mut_cow(&7).unwrap() = "7".into();
        assert_eq!(copy, original);
    }

    #[test]
    fn iteration_order_is_stable_and_removal_keeps_it() {
        let a: Vec<u32> = map(0..200).keys().copied().collect();
        let mut m = map(0..200);
        m.remove(&5);
        let b: Vec<u32> = m.keys().copied().collect();
        assert_eq!(b, a.iter().copied().filter(|k| *k != 5).collect::<Vec<_>>());
    }
}
