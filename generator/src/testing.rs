//! Helpers shared by unit tests.

/// Every string of up to `max_len` characters over `alphabet`, the empty one first, then
/// by length: the inputs of the exhaustive comparisons of fast paths with the rules they
/// stand for.
pub(crate) fn strings_over(alphabet: &[char], max_len: usize) -> Vec<String> {
    let mut last = vec![String::new()];
    let mut all = last.clone();
    for _ in 0..max_len {
        last = last
            .iter()
            .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
            .collect();
        all.extend(last.iter().cloned());
    }
    all
}
