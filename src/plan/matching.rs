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
///
/// Pools of different versions or editions can never pair, so the graph falls apart into groups
/// with no edge between them. Each connected component is solved on its own: a matching is a union
/// of matchings of the components and every edge keeps the weight it has in the whole graph (the
/// levels of all `n` vertices, closeness from the positions among all `n`), so the union of the
/// components' maximum matchings is a maximum matching of the whole. The solver is cubic in the
/// vertices it is given and needs their square in memory; this makes both depend on the largest
/// group rather than on the estate.
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
    let small = heaviest <= i128::from(i64::MAX / 64);
    let mut pairs = Vec::new();
    for component in components(n, candidates) {
        let mate = if small {
            solve::<i64>(
                n,
                &component,
                |w| i64::try_from(w).expect("`small`: every weight is at most i64::MAX / 64"),
                &levels,
            )
        } else {
            solve::<i128>(n, &component, |w| w, &levels)
        };
        pairs.extend(mate);
    }
    pairs.sort_unstable();
    pairs
}

/// The vertices of one connected component of the candidate graph (ascending) and its edges.
struct Component<'c> {
    vertices: Vec<usize>,
    edges: Vec<&'c Candidate>,
}

/// The connected components with at least one edge, in order of their smallest vertex.
fn components(n: usize, candidates: &[Candidate]) -> Vec<Component<'_>> {
    // Union-find with path halving; the root of a set is its smallest vertex.
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut v: usize) -> usize {
        while parent[v] != v {
            parent[v] = parent[parent[v]];
            v = parent[v];
        }
        v
    }
    for c in candidates {
        let (ra, rb) = (root(&mut parent, c.a), root(&mut parent, c.b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut slot: Vec<Option<usize>> = vec![None; n];
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in candidates {
        let r = root(&mut parent, c.a);
        let i = *slot[r].get_or_insert_with(|| {
            out.push(Component {
                vertices: Vec::new(),
                edges: Vec::new(),
            });
            out.len() - 1
        });
        out[i].edges.push(c);
    }
    for v in 0..n {
        let r = root(&mut parent, v);
        if let Some(i) = slot[r] {
            out[i].vertices.push(v);
        }
    }
    out.sort_by_key(|c| c.vertices[0]);
    out
}

/// The maximum-weight matching of one component, as pairs of vertices of the whole graph.
fn solve<W: Weight>(
    n: usize,
    component: &Component<'_>,
    convert: impl Fn(i128) -> W,
    levels: &Levels,
) -> Vec<(usize, usize)> {
    let k = component.vertices.len();
    let local = |v: usize| {
        component
            .vertices
            .binary_search(&v)
            .expect("an edge's ends are in its component")
    };
    let mut weights = vec![W::ZERO; k * k];
    for c in &component.edges {
        weights[local(c.a) * k + local(c.b)] = convert(levels.weight(n, c));
    }
    max_weight_matching(&weights, k)
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.filter(|&j| i < j).map(|j| (i, j)))
        .map(|(i, j)| (component.vertices[i], component.vertices[j]))
        .collect()
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
    fn components_are_solved_apart_with_the_weights_of_the_whole() {
        // Two groups that can never pair across ({0, 1, 4} and {2, 3, 5}) and a lone vertex 6.
        // In the first, closeness among all seven decides (0-1 sit closer than 1-4); in the
        // second, the cross-site pair beats two closer ones.
        let c = [
            edge(0, 1, false, false),
            edge(1, 4, false, false),
            edge(2, 3, false, false),
            edge(3, 5, false, false),
            edge(2, 5, true, false),
        ];
        assert_eq!(best_matching(7, &c), [(0, 1), (2, 5)]);
        let parts = components(7, &c);
        let vertices: Vec<&[usize]> = parts.iter().map(|p| p.vertices.as_slice()).collect();
        assert_eq!(vertices, [&[0, 1, 4][..], &[2, 3, 5]]);
        assert_eq!(parts[1].edges.len(), 3);
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
