//! The lexicographic objective solved exactly by one maximum-weight matching on a general graph.
//!
//! Pools are vertices, compatible pairs are edges. Each edge gets one integer weight
//!
//! ```text
//! w = PAIR + CROSS·cross_site + KEPT·kept + closeness
//! ```
//!
//! With `m = ⌊n/2⌋` (no matching has more pairs) and `closeness ∈ [1, n-1]`:
//! `KEPT = m·(n-1) + 1` exceeds the closeness of any whole matching, `CROSS = m·KEPT + m·(n-1) + 1`
//! exceeds every kept and closeness total together, and `PAIR = m·(CROSS + KEPT + n-1) + 1` exceeds
//! every cross-site, kept and closeness total together. So for two matchings, the one with more pairs
//! always weighs more; with as many pairs, the one with more cross-site pairs; then more kept pairs;
//! then more closeness. The maximum-weight matching is therefore exactly the lexicographic optimum.
//!
//! `closeness = n - (j - i)` for vertices `i < j` in FQDN order prefers, among otherwise equal plans,
//! partners whose names sort together (`pool01` with `pool02`). It and the graph depend only on the
//! FQDNs, and the solver is deterministic, so the plan does not depend on the order of the inputs.

use integer_blossom::{Weight, max_weight_matching};

/// A candidate pair between vertices `a < b`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub a: usize,
    pub b: usize,
    pub cross_site: bool,
    pub kept: bool,
}

/// The multipliers of the objective levels for `n` vertices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Levels {
    pub pair: i128,
    pub cross_site: i128,
    pub kept: i128,
}

impl Levels {
    pub fn for_vertices(n: usize) -> Levels {
        let n = n as i128;
        let m = n / 2;
        let closeness_max = (n - 1).max(0);
        let kept = m * closeness_max + 1;
        let cross_site = m * kept + m * closeness_max + 1;
        let pair = m * (cross_site + kept + closeness_max) + 1;
        Levels {
            pair,
            cross_site,
            kept,
        }
    }

    pub fn weight(&self, n: usize, c: &Candidate) -> i128 {
        debug_assert!(c.a < c.b && c.b < n);
        let closeness = (n - (c.b - c.a)) as i128;
        self.pair
            + if c.cross_site { self.cross_site } else { 0 }
            + if c.kept { self.kept } else { 0 }
            + closeness
    }
}

/// The matching of maximum weight over `n` vertices: pairs `(a, b)` with `a < b`, sorted.
pub fn best_matching(n: usize, candidates: &[Candidate]) -> Vec<(usize, usize)> {
    if n < 2 || candidates.is_empty() {
        return Vec::new();
    }
    let levels = Levels::for_vertices(n);
    let heaviest = candidates
        .iter()
        .map(|c| levels.weight(n, c))
        .max()
        .unwrap_or(0);
    // The solver keeps dual variables of a few times the heaviest edge below `W::MAX / 4`;
    // i64 is faster and suffices for any realistic estate (thousands of pools), i128 beyond.
    let mate = if heaviest <= i128::from(i64::MAX / 64) {
        solve::<i64>(n, candidates, |w| w as i64, &levels)
    } else {
        solve::<i128>(n, candidates, |w| w, &levels)
    };
    let mut pairs: Vec<(usize, usize)> = mate
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.filter(|&j| i < j).map(|j| (i, j)))
        .collect();
    pairs.sort_unstable();
    pairs
}

fn solve<W: Weight>(
    n: usize,
    candidates: &[Candidate],
    convert: impl Fn(i128) -> W,
    levels: &Levels,
) -> Vec<Option<usize>> {
    let mut weights = vec![W::ZERO; n * n];
    for c in candidates {
        weights[c.a * n + c.b] = convert(levels.weight(n, c));
    }
    max_weight_matching(&weights, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(a: usize, b: usize, cross_site: bool, kept: bool) -> Candidate {
        Candidate {
            a,
            b,
            cross_site,
            kept,
        }
    }

    #[test]
    fn more_pairs_beat_any_cross_site_and_kept() {
        // Path 0-1-2-3: the middle edge is cross-site and kept, the outer two are neither.
        let c = [
            edge(0, 1, false, false),
            edge(1, 2, true, true),
            edge(2, 3, false, false),
        ];
        assert_eq!(best_matching(4, &c), [(0, 1), (2, 3)]);
    }

    #[test]
    fn cross_site_beats_any_number_of_kept() {
        // Either {0-1, 2-3} (both kept, same site) or {0-2, 1-3} (one cross-site, none kept).
        let c = [
            edge(0, 1, false, true),
            edge(2, 3, false, true),
            edge(0, 2, true, false),
            edge(1, 3, false, false),
        ];
        assert_eq!(best_matching(4, &c), [(0, 2), (1, 3)]);
    }

    #[test]
    fn kept_beats_closeness() {
        let c = [
            edge(0, 1, false, false),
            edge(2, 3, false, false),
            edge(0, 3, false, true),
            edge(1, 2, false, false),
        ];
        assert_eq!(best_matching(4, &c), [(0, 3), (1, 2)]);
    }

    #[test]
    fn closeness_breaks_remaining_ties() {
        let all: Vec<Candidate> = (0..4)
            .flat_map(|a| ((a + 1)..4).map(move |b| edge(a, b, false, false)))
            .collect();
        assert_eq!(best_matching(4, &all), [(0, 1), (2, 3)]);
    }

    #[test]
    fn levels_dominate_as_claimed() {
        for n in [2usize, 3, 10, 400, 5_000] {
            let l = Levels::for_vertices(n);
            let m = (n / 2) as i128;
            let t = (n - 1) as i128;
            assert!(l.kept > m * t);
            assert!(l.cross_site > m * l.kept + m * t);
            assert!(l.pair > m * (l.cross_site + l.kept + t));
        }
        // 400 pools stay well inside i64.
        let l = Levels::for_vertices(400);
        assert!(l.pair + l.cross_site + l.kept + 400 < i128::from(i64::MAX / 64));
    }
}
