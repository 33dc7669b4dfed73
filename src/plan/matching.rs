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

/// The candidate graph: vertices `0..vertices()` in FQDN order, an edge for each compatible pair.
///
/// It is asked pair by pair rather than handed over as a list of its edges: most pools of an
/// estate can pair with each other, so the list had n² entries (24 bytes each, 610 MB at 7,134
/// pools), while the shortcut that solves a large group needs only a few of them and the solver
/// only those of one group at a time.
pub trait Graph {
    fn vertices(&self) -> usize;
    /// The edge between `a < b`, when the pair is compatible.
    fn edge(&self, a: usize, b: usize) -> Option<Candidate>;
    /// The vertex `v`'s pool names as its backup, if that pool is a vertex. A kept edge joins a
    /// vertex and its named partner (`edge(a, b).kept` is `named_partner(a) == Some(b)` or
    /// `named_partner(b) == Some(a)`), so the kept edges are found without asking every pair.
    fn named_partner(&self, v: usize) -> Option<usize>;
}

/// The matching of maximum weight over the graph: pairs `(a, b)` with `a < b`, sorted.
///
/// Pools of different versions or editions can never pair, so the graph falls apart into groups
/// with no edge between them. Each connected component is solved on its own: a matching is a union
/// of matchings of the components and every edge keeps the weight it has in the whole graph (the
/// levels of all `n` vertices, closeness from the positions among all `n`), so the union of the
/// components' maximum matchings is a maximum matching of the whole. The solver is cubic in the
/// vertices it is given and needs their square in memory; this makes both depend on the largest
/// group rather than on the estate. A large component first tries `all_cross_site`, which
/// needs neither.
pub fn best_matching(graph: &impl Graph) -> Vec<(usize, usize)> {
    let n = graph.vertices();
    if n < 2 {
        return Vec::new();
    }
    let exact = Exact::new(n);
    let mut pairs = Vec::new();
    for component in dense_components(graph) {
        let shortcut = if component.len() >= SHORTCUT_FROM {
            all_cross_site(&exact, graph, &component)
        } else {
            None
        };
        pairs.extend(shortcut.unwrap_or_else(|| exact.solve(&component, |a, b| graph.edge(a, b))));
    }
    pairs.sort_unstable();
    pairs
}

/// Components of at least this many vertices try `all_cross_site` before the cubic solver.
/// Below it the solver takes a few milliseconds at most, and small estates (every fixture) keep
/// its choice among plans that are equally good on all three levels.
pub const SHORTCUT_FROM: usize = 64;

/// The exact solver with the weights of the whole graph of `n` vertices.
struct Exact {
    n: usize,
    levels: Levels,
    /// Every weight fits an `i64` with the headroom the solver needs.
    small: bool,
}

impl Exact {
    fn new(n: usize) -> Exact {
        let levels = Levels::for_vertices(n);
        // The weight of a cross-site, kept pair of neighbours, which no edge exceeds: enough to
        // choose the width, without a pass over the n² pairs of a large estate.
        let heaviest = levels.weight(
            n.max(2),
            &Candidate {
                a: 0,
                b: 1,
                cross_site: true,
                kept: true,
            },
        );
        // The solver keeps dual variables of a few times the heaviest edge below `W::MAX / 4`;
        // i64 is faster and suffices for any realistic estate (thousands of pools), i128 beyond.
        let small = heaviest <= i128::from(i64::MAX / 64);
        Exact { n, levels, small }
    }

    /// The maximum-weight matching of one component (its vertices ascending, `edge` its edges),
    /// cubic in its vertices.
    fn solve(
        &self,
        vertices: &[usize],
        edge: impl Fn(usize, usize) -> Option<Candidate>,
    ) -> Vec<(usize, usize)> {
        if self.small {
            solve::<i64>(
                self.n,
                vertices,
                edge,
                |w| i64::try_from(w).expect("`small`: every weight is at most i64::MAX / 64"),
                &self.levels,
            )
        } else {
            solve::<i128>(self.n, vertices, edge, |w| w, &self.levels)
        }
    }
}

/// A maximum-weight matching of a component in which every vertex can be paired across sites,
/// found without the cubic solver; `None` when this cannot be shown, and the solver decides.
///
/// 1. `K`, the edges that are both cross-site and kept, is sparse (a pool names one backup), and
///    its own connected components are small: each is solved exactly, which gives a maximum
///    matching of `K`, of size `ν(K)`.
/// 2. The vertices left are paired in FQDN order, each with the nearest earlier one still waiting
///    to which it has a cross-site edge; two left waiting at the end take the places of a pair of
///    this step that can be split into two cross-site pairs with them.
/// 3. If that pairs all but at most one of the component's `k` vertices, the result is kept.
///
/// Why the result is then a lexicographic optimum, over the component alone (and so, by the
/// argument of [`best_matching`], in the whole graph): it has `⌊k/2⌋` pairs, which no matching of
/// `k` vertices exceeds; every pair is cross-site, and a matching has no more cross-site pairs than
/// pairs; it has exactly `ν(K)` kept pairs (the pairs of step 1 are kept, and a step-2 pair in `K`
/// would join two vertices a maximum matching of `K` leaves free, which cannot be). Any matching
/// whose `⌊k/2⌋` pairs are all cross-site has its kept pairs in `K`, so at most `ν(K)` of them. So
/// no matching beats it on pairs, then cross-site, then kept pairs: the objective of CONTRACT.md.
/// What it does not promise is the solver's last tie-break (closeness of the FQDNs): step 2 pairs
/// near neighbours, but among plans equal on the three levels it may choose another than the solver.
fn all_cross_site(
    exact: &Exact,
    graph: &impl Graph,
    component: &[usize],
) -> Option<Vec<(usize, usize)>> {
    let k = component.len();
    let kept_cross_edge = |a: usize, b: usize| graph.edge(a, b).filter(|c| c.cross_site && c.kept);
    // Each kept edge joins a vertex and the partner it names (see [`Graph::named_partner`]).
    let mut kept_cross: Vec<(usize, usize)> = component
        .iter()
        .filter_map(|&v| {
            let u = graph.named_partner(v).filter(|&u| u != v)?;
            let (a, b) = (u.min(v), u.max(v));
            kept_cross_edge(a, b).map(|_| (a, b))
        })
        .collect();
    kept_cross.sort_unstable();
    kept_cross.dedup();
    let mut pairs = Vec::with_capacity(k / 2);
    for part in sparse_components(exact.n, &kept_cross) {
        pairs.extend(exact.solve(&part, kept_cross_edge));
    }
    let mut paired = vec![false; exact.n];
    for &(a, b) in &pairs {
        paired[a] = true;
        paired[b] = true;
    }
    let cross_site = |a: usize, b: usize| graph.edge(a, b).is_some_and(|c| c.cross_site);
    let kept_pairs = pairs.len();
    let mut waiting: Vec<usize> = Vec::new();
    for &v in component {
        if paired[v] {
            continue;
        }
        match waiting.iter().rposition(|&u| cross_site(u, v)) {
            Some(i) => pairs.push((waiting.remove(i), v)),
            None => waiting.push(v),
        }
    }
    // No two vertices still waiting have a cross-site edge (the later one looked at the earlier
    // one). Two of them can still be placed by splitting a pair of step 2, `x`–`y`, into `u`–`x`
    // and `w`–`y`: one pair more, all still cross-site, the kept pairs of step 1 untouched.
    while let [u, w, ..] = waiting[..] {
        let swap = (kept_pairs..pairs.len())
            .flat_map(|i| {
                let (x, y) = pairs[i];
                [(i, x, y), (i, y, x)]
            })
            .filter(|&(_, x, y)| cross_site(u.min(x), u.max(x)) && cross_site(w.min(y), w.max(y)))
            .min_by_key(|&(i, x, y)| (u.abs_diff(x) + w.abs_diff(y), i));
        let (i, x, y) = swap?;
        pairs[i] = (u.min(x), u.max(x));
        pairs.push((w.min(y), w.max(y)));
        waiting.drain(..2);
    }
    (pairs.len() == k / 2).then_some(pairs)
}

/// Disjoint sets of vertices (union-find with path halving); the root of a set is its smallest
/// vertex.
struct Sets {
    parent: Vec<usize>,
}

impl Sets {
    fn new(n: usize) -> Sets {
        Sets {
            parent: (0..n).collect(),
        }
    }

    fn root(&mut self, mut v: usize) -> usize {
        while self.parent[v] != v {
            self.parent[v] = self.parent[self.parent[v]];
            v = self.parent[v];
        }
        v
    }

    /// Joins the sets of `a` and `b`, or says they were one already (then nothing changes).
    fn join(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
        ra != rb
    }

    /// The sets of more than one vertex (a set of one has no edge), each ascending, in order of
    /// their smallest vertex.
    fn components(mut self) -> Vec<Vec<usize>> {
        let n = self.parent.len();
        let mut slot: Vec<Option<usize>> = vec![None; n];
        let mut out: Vec<Vec<usize>> = Vec::new();
        for v in 0..n {
            let r = self.root(v);
            // The root is the smallest vertex of its set, so a set's slot is made at its root,
            // in order of the smallest vertices.
            let i = *slot[r].get_or_insert_with(|| {
                out.push(Vec::new());
                out.len() - 1
            });
            out[i].push(v);
        }
        out.retain(|c| c.len() > 1);
        out
    }
}

/// The connected components of the graph with at least one edge, asking only the pairs whose
/// ends are not already known to be connected: in a group whose pools can all pair, most pairs
/// after the first row are (their ends hang under the same parent, two loads); pairs across
/// groups that can never pair are each asked once, as the list of candidates did.
fn dense_components(graph: &impl Graph) -> Vec<Vec<usize>> {
    let n = graph.vertices();
    let mut sets = Sets::new(n);
    for a in 0..n {
        for b in (a + 1)..n {
            if sets.parent[a] == sets.parent[b] || sets.root(a) == sets.root(b) {
                continue;
            }
            if graph.edge(a, b).is_some() {
                sets.join(a, b);
            }
        }
    }
    sets.components()
}

/// The connected components of the graph of `n` vertices and the listed `edges`, with at least
/// one edge.
fn sparse_components(n: usize, edges: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let mut sets = Sets::new(n);
    for &(a, b) in edges {
        sets.join(a, b);
    }
    sets.components()
}

/// The maximum-weight matching of one component, as pairs of vertices of the whole graph.
fn solve<W: Weight>(
    n: usize,
    vertices: &[usize],
    edge: impl Fn(usize, usize) -> Option<Candidate>,
    convert: impl Fn(i128) -> W,
    levels: &Levels,
) -> Vec<(usize, usize)> {
    let k = vertices.len();
    let mut weights = vec![W::ZERO; k * k];
    for (i, &a) in vertices.iter().enumerate() {
        for (j, &b) in vertices.iter().enumerate().skip(i + 1) {
            if let Some(c) = edge(a, b) {
                weights[i * k + j] = convert(levels.weight(n, &c));
            }
        }
    }
    max_weight_matching(&weights, k)
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.filter(|&j| i < j).map(|j| (i, j)))
        .map(|(i, j)| (vertices[i], vertices[j]))
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

    /// A graph given by the list of its edges, as the tests write them.
    struct Listed {
        n: usize,
        /// In (a, b) order.
        edges: Vec<Candidate>,
        named: Vec<Option<usize>>,
    }

    impl Listed {
        /// Each kept edge's partner named by its first end, or by its second when the first
        /// names another already.
        fn new(n: usize, edges: &[Candidate]) -> Listed {
            let mut named = vec![None; n];
            for c in edges.iter().filter(|c| c.kept) {
                if named[c.a].is_none() {
                    named[c.a] = Some(c.b);
                } else {
                    assert!(
                        named[c.b].is_none(),
                        "kept edges one partner per vertex names"
                    );
                    named[c.b] = Some(c.a);
                }
            }
            Listed::with_named(n, edges, named)
        }

        fn with_named(n: usize, edges: &[Candidate], named: Vec<Option<usize>>) -> Listed {
            let mut edges = edges.to_vec();
            edges.sort_by_key(|c| (c.a, c.b));
            for c in &edges {
                assert_eq!(c.kept, named[c.a] == Some(c.b) || named[c.b] == Some(c.a));
            }
            Listed { n, edges, named }
        }
    }

    impl Graph for Listed {
        fn vertices(&self) -> usize {
            self.n
        }

        fn edge(&self, a: usize, b: usize) -> Option<Candidate> {
            let i = self.edges.binary_search_by_key(&(a, b), |c| (c.a, c.b));
            i.ok().map(|i| self.edges[i])
        }

        fn named_partner(&self, v: usize) -> Option<usize> {
            self.named[v]
        }
    }

    fn best(n: usize, edges: &[Candidate]) -> Vec<(usize, usize)> {
        best_matching(&Listed::new(n, edges))
    }

    #[test]
    fn more_pairs_beat_any_cross_site_and_kept() {
        // Path 0-1-2-3: the middle edge is cross-site and kept, the outer two are neither.
        let c = [
            edge(0, 1, false, false),
            edge(1, 2, true, true),
            edge(2, 3, false, false),
        ];
        assert_eq!(best(4, &c), [(0, 1), (2, 3)]);
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
        assert_eq!(best(4, &c), [(0, 2), (1, 3)]);
    }

    #[test]
    fn kept_beats_closeness() {
        let c = [
            edge(0, 1, false, false),
            edge(2, 3, false, false),
            edge(0, 3, false, true),
            edge(1, 2, false, false),
        ];
        assert_eq!(best(4, &c), [(0, 3), (1, 2)]);
    }

    #[test]
    fn closeness_breaks_remaining_ties() {
        let all: Vec<Candidate> = (0..4)
            .flat_map(|a| ((a + 1)..4).map(move |b| edge(a, b, false, false)))
            .collect();
        assert_eq!(best(4, &all), [(0, 1), (2, 3)]);
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
        assert_eq!(best(7, &c), [(0, 1), (2, 5)]);
        let parts = dense_components(&Listed::new(7, &c));
        assert_eq!(parts, [vec![0, 1, 4], vec![2, 3, 5]]);
    }

    /// (pairs, cross-site pairs, kept pairs) of a matching: the objective of CONTRACT.md.
    fn objective(candidates: &[Candidate], pairs: &[(usize, usize)]) -> (usize, usize, usize) {
        let edge = |&(a, b): &(usize, usize)| {
            candidates
                .iter()
                .find(|c| (c.a, c.b) == (a, b))
                .expect("every pair is a candidate")
        };
        let cross = pairs.iter().filter(|p| edge(p).cross_site).count();
        let kept = pairs.iter().filter(|p| edge(p).kept).count();
        (pairs.len(), cross, kept)
    }

    /// Every vertex in at most one pair, every pair a candidate with `a < b`.
    fn is_matching(n: usize, candidates: &[Candidate], pairs: &[(usize, usize)]) -> bool {
        let mut seen = vec![false; n];
        pairs.iter().all(|&(a, b)| {
            let fresh = a < b && !seen[a] && !seen[b];
            seen[a] = true;
            seen[b] = true;
            fresh && candidates.iter().any(|c| (c.a, c.b) == (a, b))
        })
    }

    /// Pools at `sites` (`None`: unknown), every pair allowed unless `blocked`, each naming the
    /// partner `named` gives it (a pair is kept when either names the other).
    fn graph(
        sites: &[Option<u8>],
        blocked: impl Fn(usize, usize) -> bool,
        named: Vec<Option<usize>>,
    ) -> Listed {
        let n = sites.len();
        let edges: Vec<Candidate> = (0..n)
            .flat_map(|a| ((a + 1)..n).map(move |b| (a, b)))
            .filter(|&(a, b)| !blocked(a, b))
            .map(|(a, b)| {
                let cross_site = matches!((sites[a], sites[b]), (Some(x), Some(y)) if x != y);
                let kept = named[a] == Some(b) || named[b] == Some(a);
                edge(a, b, cross_site, kept)
            })
            .collect();
        Listed::with_named(n, &edges, named)
    }

    fn shortcut(g: &Listed) -> Vec<Option<Vec<(usize, usize)>>> {
        let exact = Exact::new(g.n);
        dense_components(g)
            .iter()
            .map(|c| all_cross_site(&exact, g, c))
            .collect()
    }

    #[test]
    fn the_shortcut_keeps_the_most_kept_pairs_across_sites() {
        // Sites 0,1,0,1,0,1: everything can pair across. 0-1 and 2-3 are kept across sites, 1-2 is
        // kept across sites too, so only two of the three can be kept; 4-5 pair across, not kept.
        let sites = [Some(0), Some(1), Some(0), Some(1), Some(0), Some(1)];
        let named = vec![Some(1), Some(2), Some(3), None, None, None];
        let g = graph(&sites, |_, _| false, named);
        let found = shortcut(&g)
            .remove(0)
            .expect("every pool can pair across sites");
        let c = &g.edges;
        assert!(is_matching(6, c, &found));
        assert_eq!(objective(c, &found), (3, 3, 2));
        assert_eq!(objective(c, &found), objective(c, &best_matching(&g)));
    }

    #[test]
    fn the_shortcut_gives_way_when_one_site_holds_most_pools() {
        // Four pools in site 0 and two in site 1: at most two pairs can cross sites.
        let sites = [Some(0), Some(0), Some(1), Some(0), Some(1), Some(0)];
        let g = graph(&sites, |_, _| false, vec![None; 6]);
        assert_eq!(shortcut(&g), [None]);
        assert_eq!(objective(&g.edges, &best_matching(&g)), (3, 2, 0));
    }

    #[test]
    fn a_large_component_takes_the_shortcut_with_the_optimum_of_the_solver() {
        // 100 pools over 7 sites, a few pairs blocked, existing pairs of neighbours kept.
        let n = 100;
        let sites: Vec<Option<u8>> = (0..7u8).cycle().step_by(3).take(n).map(Some).collect();
        let blocked = |a: usize, b: usize| (a * 31 + b * 17).is_multiple_of(23);
        let named = (0..n)
            .map(|a| (a.is_multiple_of(3) && a + 1 < n).then_some(a + 1))
            .collect();
        let g = graph(&sites, blocked, named);
        let found = shortcut(&g).remove(0).expect("balanced sites");
        let c = &g.edges;
        assert!(is_matching(n, c, &found));
        let mut dense = Vec::new();
        let exact = Exact::new(n);
        for component in dense_components(&g) {
            dense.extend(exact.solve(&component, |a, b| g.edge(a, b)));
        }
        assert_eq!(objective(c, &found), objective(c, &dense));
        assert_eq!(best_matching(&g).len(), n / 2);
    }

    mod shortcut_against_the_solver {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]
            /// Whenever the shortcut answers, its answer is a matching and as good on all three
            /// levels as the solver's, which `src/plan/tests.rs` checks against brute force.
            #[test]
            fn whenever_the_shortcut_answers_it_is_optimal(
                sites in proptest::collection::vec(proptest::option::weighted(0.9, 0u8..4), 2..12),
                blocked_seed in any::<u64>(),
                kept_seed in any::<u64>(),
            ) {
                let n = sites.len();
                let bit = |seed: u64, a: usize, b: usize, one_in: u64| {
                    ((seed ^ ((a as u64) << 32 | b as u64)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40)
                        .is_multiple_of(one_in)
                };
                // As in a plan, each pool names at most one partner (its backup); a pair is kept
                // when either names the other.
                let named = (0..n)
                    .map(|v| bit(kept_seed, v, n, 3).then(|| (v * 7 + usize::from(kept_seed.to_le_bytes()[0])) % n))
                    .collect();
                let g = graph(&sites, |a, b| bit(blocked_seed, a, b, 4), named);
                let exact = Exact::new(n);
                for component in dense_components(&g) {
                    let dense = exact.solve(&component, |a, b| g.edge(a, b));
                    if let Some(found) = all_cross_site(&exact, &g, &component) {
                        prop_assert!(is_matching(n, &g.edges, &found));
                        prop_assert_eq!(objective(&g.edges, &found), objective(&g.edges, &dense));
                    }
                }
            }
        }
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
