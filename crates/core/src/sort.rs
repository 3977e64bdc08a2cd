//! Sorting through one compiled sort. Each element type given to the standard library's
//! `sort_by`/`sort_unstable_by` compiles another copy of its sort (2–3 KB of wasm each; the
//! worker and the page carried six each). Here the sort runs on indices, the comparison
//! behind a `dyn` call, and only the final reordering is compiled per element type.

use std::cmp::Ordering;
use std::collections::BTreeSet;

/// Sorts `items` by `compare`, keeping equal items in their order (a stable sort).
///
/// ```
/// let mut words = vec!["pear", "fig", "apple", "kiwi"];
/// owndir_core::sort::sort_by(&mut words, |a, b| a.len().cmp(&b.len()));
/// assert_eq!(words, ["fig", "pear", "kiwi", "apple"]);
/// ```
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    let mut order = sorted_indices(items.len(), &mut |a, b| compare(&items[a], &items[b]));
    reorder(items, &mut order);
}

/// The set of `items`, built by inserting each: collecting into a `BTreeSet` sorts them
/// first, with another compiled copy of the standard library's stable sort.
///
/// ```
/// let set = owndir_core::sort::set(["b", "a", "b"]);
/// assert_eq!(set.into_iter().collect::<Vec<_>>(), ["a", "b"]);
/// ```
pub fn set<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    set.extend(items);
    set
}

/// The indices `0..len` in the order `compare` gives their items, ties by index.
fn sorted_indices(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_unstable_by(|&a, &b| compare(a, b).then(a.cmp(&b)));
    order
}

/// Puts the item at `order[k]` at `k`, for every `k`, in place: each cycle of the
/// permutation is walked once (`order` is left as `0..len`).
fn reorder<T>(items: &mut [T], order: &mut [usize]) {
    for start in 0..order.len() {
        let mut current = start;
        while order[current] != start {
            let next = order[current];
            items.swap(current, next);
            order[current] = current;
            current = next;
        }
        order[current] = current;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorting_matches_the_standard_stable_sort() {
        let mut seed = 7u64;
        for len in [0, 1, 2, 3, 10, 100, 1_000] {
            let items: Vec<(u8, usize)> = (0..len)
                .map(|index| {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                    ((seed >> 59) as u8, index)
                })
                .collect();
            let mut ours = items.clone();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            let mut standard = items;
            standard.sort_by_key(|a| a.0);
            assert_eq!(ours, standard, "{len}");
        }
    }

    #[test]
    fn strings_sort_by_code_point() {
        let mut names = vec!["b".to_owned(), "é".to_owned(), "A".to_owned(), "a".to_owned()];
        sort_by(&mut names, Ord::cmp);
        assert_eq!(names, ["A", "a", "b", "é"]);
    }
}
