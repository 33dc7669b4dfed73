//! Layout of the backup-relationship diagram: where each site frame, pool box and arrow goes.
//!
//! The layout is written by hand on purpose. The Rust graph-layout crates either lay out layered
//! (Sugiyama) graphs without clusters (`layout-rs`: no subgraph/cluster support, nadavrot/layout#37)
//! or are young ports of dagre.js; a layered layout also fits this data badly: the graph is mostly
//! 2-cycles and stars, and what a reader needs first is *where* pools are. So sites form a grid of
//! frames and pools are stacked inside their site. Arrows leave and enter boxes sideways and run in
//! the gutters between the frames (channel routing with rounded corners), each in its own lane, so
//! they never cross a pool's label; attachment points are spread along each side so arrowheads do
//! not pile up. Everything is integer arithmetic on the estate's sorted order: deterministic.
//!
//! The templates draw the SVG (and the Mermaid block) from this data, so an override can restyle it.

use std::collections::BTreeMap;

use serde::Serialize;

use super::report::PlanView;
use crate::i18n::{self, Lang};
use crate::model::{Estate, Pool, Role, SiteKind};
use crate::rules::{Code, Finding, Severity};

const POOL_W: i32 = 236;
const POOL_H: i32 = 44;
const POOL_GAP: i32 = 18;
const SITE_PAD: i32 = 16;
const SITE_HEAD: i32 = 34;
const GUTTER_X: i32 = 110;
const GUTTER_Y: i32 = 64;
/// Room left and right of the outer columns, and above and below the outer rows, for arrows.
const OUTER_X: i32 = 48;
const OUTER_Y: i32 = 36;
const CORNER: i32 = 10;
/// Characters of an FQDN that fit in a box at the template's font size.
const LABEL_CHARS: usize = 32;

#[derive(Debug, Clone, Serialize)]
pub struct DiagramView {
    /// Prefix for the SVG's internal ids (markers), unique in the document.
    pub id: String,
    pub width: i32,
    pub height: i32,
    pub sites: Vec<SiteBox>,
    pub pools: Vec<PoolBox>,
    pub edges: Vec<EdgeView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteBox {
    /// Safe identifier (`s0`, `s1`, …), also the Mermaid subgraph id.
    pub id: String,
    pub label: String,
    /// "central", "branch", "none" (pools without a site) or "unknown" (backups not in the inputs).
    pub kind: &'static str,
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
    pub pool_ids: Vec<String>,
    /// The site's pools as the Mermaid template prints them: grouped here so that the template
    /// does not test every pool against every site.
    pub nodes: Vec<MermaidNode>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MermaidNode {
    pub id: String,
    pub fqdn: String,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PoolBox {
    /// Safe identifier (`p0`, `p1`, …), also the Mermaid node id.
    pub id: String,
    pub fqdn: String,
    /// The FQDN, shortened with "…" when it does not fit the box.
    pub label: String,
    pub detail: String,
    /// "ok", "warning", "error", "other", "unknown"; after a plan also "paired", "unpaired",
    /// "migrate" (a Lync 2010 pool to migrate first).
    pub status: &'static str,
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

#[derive(Debug, Clone, Serialize)]
pub struct EdgeView {
    pub from: String,
    pub to: String,
    pub from_fqdn: String,
    pub to_fqdn: String,
    /// SVG path data of the curve.
    pub path: String,
    /// "ok", "warning", "error" or "planned"; after a plan, "warning" marks a branch registrar to
    /// re-associate.
    pub status: &'static str,
    /// Both pools name each other: drawn once, with an arrowhead at each end.
    pub mutual: bool,
}

/// A backup relation to draw, by FQDN.
struct Relation {
    from: String,
    to: String,
    status: &'static str,
    mutual: bool,
}

/// Today's backup relationships, coloured by the findings they are involved in.
pub fn current(estate: &Estate, findings: &[Finding], lang: Lang, id: &str) -> DiagramView {
    let mut status_of: BTreeMap<&str, &'static str> = BTreeMap::new();
    for p in &estate.pools {
        status_of.insert(&p.fqdn, pool_status(p, findings));
    }
    let mut relations = Vec::new();
    for p in &estate.pools {
        for target in p.all_backups() {
            relations.push(Relation {
                from: p.fqdn.clone(),
                to: target.to_owned(),
                status: edge_status(estate, &p.fqdn, target, findings),
                mutual: false,
            });
        }
    }
    let relations = merge_mutual(relations);
    layout(estate, &status_of, relations, lang, id)
}

/// The estate once the plan is applied: the planned pairs; today's relationships the plan keeps
/// (those of pools it does not pair and does not remove, e.g. among Lync 2010 pools until they are
/// retired); a branch registrar's relationship that must be re-associated marked as a warning.
/// Pools are paired, unpaired, to migrate first (Lync 2010) or neutral.
pub fn after_plan(estate: &Estate, plan: &PlanView, lang: Lang, id: &str) -> DiagramView {
    let mut status_of: BTreeMap<&str, &'static str> = BTreeMap::new();
    for p in &estate.pools {
        status_of.insert(&p.fqdn, neutral_status(p));
    }
    let mut in_plan: Vec<&str> = Vec::new();
    let mut relations = Vec::new();
    for pair in &plan.pairs {
        let [a, b] = &pair.pools;
        in_plan.extend([a.as_str(), b.as_str()]);
        status_of.insert(a, "paired");
        status_of.insert(b, "paired");
        relations.push(Relation {
            from: a.clone(),
            to: b.clone(),
            status: "planned",
            mutual: true,
        });
    }
    for u in &plan.unpaired {
        status_of.insert(&u.pool, "unpaired");
    }
    for m in &plan.migrate_first {
        status_of.insert(&m.pool, "migrate");
    }
    let removed: Vec<(&str, &str)> = plan
        .changes
        .iter()
        .filter(|c| c.kind == "remove")
        .map(|c| (c.pools[0].as_str(), c.pools[1].as_str()))
        .collect();
    let moving: Vec<(&str, &str)> = plan
        .branch_moves
        .iter()
        .map(|m| (m.branch.as_str(), m.backup.as_str()))
        .collect();
    for p in &estate.pools {
        if in_plan.contains(&p.fqdn.as_str()) {
            continue;
        }
        for target in p.all_backups() {
            let relation = (p.fqdn.as_str(), target);
            if removed.contains(&relation) {
                continue;
            }
            relations.push(Relation {
                from: p.fqdn.clone(),
                to: target.to_owned(),
                status: if moving.contains(&relation) {
                    "warning"
                } else {
                    "ok"
                },
                mutual: false,
            });
        }
    }
    let relations = merge_mutual(relations);
    layout(estate, &status_of, relations, lang, id)
}

fn severity_status(s: Severity) -> Option<&'static str> {
    match s {
        Severity::Error => Some("error"),
        Severity::Warning => Some("warning"),
        Severity::Info => None,
    }
}

fn rank(status: &str) -> u8 {
    match status {
        "error" => 3,
        "warning" => 2,
        _ => 1,
    }
}

fn worse(a: &'static str, b: &'static str) -> &'static str {
    if rank(b) > rank(a) { b } else { a }
}

fn neutral_status(p: &Pool) -> &'static str {
    match p.role {
        Role::FrontEnd | Role::Director | Role::Branch => "ok",
        _ => "other",
    }
}

fn pool_status(p: &Pool, findings: &[Finding]) -> &'static str {
    findings
        .iter()
        .filter(|f| f.pools.contains(&p.fqdn))
        .filter_map(|f| severity_status(f.severity))
        .fold(neutral_status(p), worse)
}

/// A relation is coloured by the findings that name both of its pools; a backup on itself or on a
/// pool outside the inputs by the finding about exactly that.
fn edge_status(estate: &Estate, from: &str, to: &str, findings: &[Finding]) -> &'static str {
    let unknown = estate.pool(to).is_none();
    findings
        .iter()
        .filter(|f| {
            let names = |x: &str| f.pools.iter().any(|p| p == x);
            if from == to {
                f.code == Code::BackupSelf && names(from)
            } else if unknown {
                f.code == Code::BackupUnknownPool && names(from)
            } else {
                names(from) && names(to)
            }
        })
        .filter_map(|f| severity_status(f.severity))
        .fold("ok", worse)
}

/// P→Q and Q→P become one relation with two arrowheads.
fn merge_mutual(relations: Vec<Relation>) -> Vec<Relation> {
    let mut out: Vec<Relation> = Vec::new();
    for r in relations {
        if let Some(back) = out
            .iter_mut()
            .find(|o| o.from == r.to && o.to == r.from && o.from != o.to)
        {
            back.mutual = true;
            back.status = worse(back.status, r.status);
            continue;
        }
        if out.iter().any(|o| o.from == r.from && o.to == r.to) {
            continue;
        }
        out.push(r);
    }
    out
}

/// A site frame before placement.
struct Group<'a> {
    label: String,
    kind: &'static str,
    pools: Vec<Member<'a>>,
}

enum Member<'a> {
    Pool(&'a Pool),
    Unknown(String),
}

impl Member<'_> {
    fn fqdn(&self) -> &str {
        match self {
            Member::Pool(p) => &p.fqdn,
            Member::Unknown(f) => f,
        }
    }
}

fn role_rank(r: Role) -> u8 {
    match r {
        Role::FrontEnd => 0,
        Role::Director => 1,
        Role::Branch => 2,
        Role::Edge => 3,
        Role::Mediation => 4,
        Role::Other => 5,
    }
}

/// Central sites by name, each followed by its branch sites, then orphan branch sites, pools
/// without a site, and backup targets that no input defines.
fn groups<'a>(estate: &'a Estate, relations: &[Relation], lang: Lang) -> Vec<Group<'a>> {
    let pools_of = |site: Option<&str>| -> Vec<Member<'a>> {
        let mut pools: Vec<&Pool> = estate
            .pools
            .iter()
            .filter(|p| p.site.as_deref() == site)
            .collect();
        pools.sort_by(|a, b| (role_rank(a.role), &a.fqdn).cmp(&(role_rank(b.role), &b.fqdn)));
        pools.into_iter().map(Member::Pool).collect()
    };
    let mut order: Vec<&crate::model::Site> = Vec::new();
    for central in estate.sites.iter().filter(|s| s.kind == SiteKind::Central) {
        order.push(central);
        order.extend(
            estate.sites.iter().filter(|b| {
                b.kind == SiteKind::Branch && b.parent.as_deref() == Some(&central.name)
            }),
        );
    }
    for s in &estate.sites {
        if !order.iter().any(|o| o.name == s.name) {
            order.push(s);
        }
    }
    let mut out: Vec<Group<'a>> = order
        .into_iter()
        .map(|s| Group {
            label: s.name.clone(),
            kind: match s.kind {
                SiteKind::Central => "central",
                SiteKind::Branch => "branch",
            },
            pools: pools_of(Some(&s.name)),
        })
        .collect();
    out.push(Group {
        label: i18n::t(lang, "site.none").to_owned(),
        kind: "none",
        pools: pools_of(None),
    });
    let mut unknown: Vec<String> = relations
        .iter()
        .filter(|r| estate.pool(&r.to).is_none())
        .map(|r| r.to.clone())
        .collect();
    unknown.sort();
    unknown.dedup();
    out.push(Group {
        label: i18n::t(lang, "site.unknown").to_owned(),
        kind: "unknown",
        pools: unknown.into_iter().map(Member::Unknown).collect(),
    });
    out.retain(|g| !g.pools.is_empty());
    out
}

fn columns(sites: usize) -> usize {
    match sites {
        0..=3 => sites.max(1),
        4 => 2,
        _ => 3,
    }
}

fn shorten(fqdn: &str) -> String {
    if fqdn.chars().count() <= LABEL_CHARS {
        return fqdn.to_owned();
    }
    let mut s: String = fqdn.chars().take(LABEL_CHARS - 1).collect();
    s.push('…');
    s
}

fn detail(p: &Pool, lang: Lang) -> String {
    let mut parts = vec![i18n::t(lang, &format!("role.{}", p.role.label())).to_owned()];
    parts.extend(
        p.edition
            .map(|e| i18n::t(lang, &format!("edition.{}", e.label())).to_owned()),
    );
    parts.extend(p.version.map(|v| v.label().to_owned()));
    if p.planned {
        parts.push(i18n::t(lang, "value.planned").to_owned());
    }
    parts.join(" · ")
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Side {
    Left,
    Right,
}

/// One end of a relation on a box side, waiting for its attachment point.
struct Port {
    pool: usize,
    side: Side,
    /// Where the other end is, to order the ports along the side (fewer crossings).
    toward: (i32, i32),
    edge: usize,
    is_start: bool,
}

/// Where the site frames sit: columns and rows with gutters between them (and around them) that
/// the arrows run in.
struct Grid {
    cols: usize,
    site_w: i32,
    row_y: Vec<i32>,
    row_h: Vec<i32>,
}

impl Grid {
    fn col_x(&self, c: usize) -> i32 {
        OUTER_X + c as i32 * (self.site_w + GUTTER_X)
    }

    /// Start and width of vertical gutter `g`: 0 is left of column 0, `cols` right of the last.
    fn vgutter(&self, g: usize) -> (i32, i32) {
        if g == 0 {
            (0, OUTER_X)
        } else if g == self.cols {
            (self.col_x(g - 1) + self.site_w, OUTER_X)
        } else {
            (self.col_x(g - 1) + self.site_w, GUTTER_X)
        }
    }

    /// Start and height of horizontal gutter `h`: 0 is above row 0, `rows` below the last.
    fn hgutter(&self, h: usize) -> (i32, i32) {
        let rows = self.row_y.len();
        if h == 0 {
            (0, OUTER_Y)
        } else if h == rows {
            (self.row_y[h - 1] + self.row_h[h - 1], OUTER_Y)
        } else {
            (self.row_y[h - 1] + self.row_h[h - 1], GUTTER_Y)
        }
    }

    fn width(&self) -> i32 {
        2 * OUTER_X + self.cols as i32 * self.site_w + (self.cols as i32 - 1) * GUTTER_X
    }

    fn height(&self) -> i32 {
        let rows = self.row_y.len();
        match rows {
            0 => 2 * OUTER_Y,
            _ => self.row_y[rows - 1] + self.row_h[rows - 1] + OUTER_Y,
        }
    }
}

/// The course of one relation before lanes are known: out of the source's side into a vertical
/// gutter, possibly along a horizontal gutter to another vertical gutter, into the target's side.
struct Route {
    start: (i32, i32),
    end: (i32, i32),
    exit: usize,
    entry: usize,
    across: Option<usize>,
    self_loop: bool,
}

/// A stretch of a route inside one gutter, which gets a lane of its own.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Channel {
    Vertical(usize),
    Horizontal(usize),
}

fn layout(
    estate: &Estate,
    status_of: &BTreeMap<&str, &'static str>,
    relations: Vec<Relation>,
    lang: Lang,
    id: &str,
) -> DiagramView {
    let groups = groups(estate, &relations, lang);
    let cols = columns(groups.len());
    let site_w = POOL_W + 2 * SITE_PAD;
    let site_h = |n: usize| SITE_HEAD + n as i32 * (POOL_H + POOL_GAP) - POOL_GAP + SITE_PAD;
    let mut grid = Grid {
        cols,
        site_w,
        row_y: Vec::new(),
        row_h: Vec::new(),
    };
    let mut y = OUTER_Y;
    for chunk in groups.chunks(cols) {
        let h = chunk
            .iter()
            .map(|g| site_h(g.pools.len()))
            .max()
            .unwrap_or(0);
        grid.row_y.push(y);
        grid.row_h.push(h);
        y += h + GUTTER_Y;
    }

    let mut sites = Vec::new();
    let mut pools: Vec<PoolBox> = Vec::new();
    // (column, row) of each pool's site.
    let mut cell: Vec<(usize, usize)> = Vec::new();
    for (n, g) in groups.iter().enumerate() {
        let (col, row) = (n % cols, n / cols);
        let (x, y) = (grid.col_x(col), grid.row_y[row]);
        let mut pool_ids = Vec::new();
        for (i, m) in g.pools.iter().enumerate() {
            let pid = format!("p{}", pools.len());
            pool_ids.push(pid.clone());
            let (status, detail) = match m {
                Member::Pool(p) => (
                    status_of.get(p.fqdn.as_str()).copied().unwrap_or("ok"),
                    detail(p, lang),
                ),
                Member::Unknown(_) => ("unknown", i18n::t(lang, "site.unknown").to_owned()),
            };
            pools.push(PoolBox {
                id: pid,
                fqdn: m.fqdn().to_owned(),
                label: shorten(m.fqdn()),
                detail,
                status,
                x: x + SITE_PAD,
                y: y + SITE_HEAD + i as i32 * (POOL_H + POOL_GAP),
                w: POOL_W,
                h: POOL_H,
            });
            cell.push((col, row));
        }
        sites.push(SiteBox {
            id: format!("s{}", sites.len()),
            label: g.label.clone(),
            kind: g.kind,
            x,
            y,
            w: site_w,
            h: site_h(g.pools.len()),
            nodes: pools[pools.len() - pool_ids.len()..]
                .iter()
                .map(|p| MermaidNode {
                    id: p.id.clone(),
                    fqdn: p.fqdn.clone(),
                    detail: p.detail.clone(),
                })
                .collect(),
            pool_ids,
        });
    }

    let index: BTreeMap<&str, usize> = pools
        .iter()
        .enumerate()
        .map(|(i, p)| (p.fqdn.as_str(), i))
        .collect();
    let centre = |b: &PoolBox| (b.x + b.w / 2, b.y + b.h / 2);

    // Sides: toward the other column; within a column, right going down and left going up, so
    // the two directions use different gutters.
    let mut ports: Vec<Port> = Vec::new();
    let mut drawn: Vec<(usize, usize, &Relation, Side, Side)> = Vec::new();
    for r in &relations {
        let (Some(&a), Some(&b)) = (index.get(r.from.as_str()), index.get(r.to.as_str())) else {
            continue;
        };
        let e = drawn.len();
        let ((ca, _), (cb, _)) = (cell[a], cell[b]);
        let (sa, sb) = if a == b {
            (Side::Right, Side::Right)
        } else if cb > ca {
            (Side::Right, Side::Left)
        } else if cb < ca {
            (Side::Left, Side::Right)
        } else if pools[b].y > pools[a].y {
            (Side::Right, Side::Right)
        } else {
            (Side::Left, Side::Left)
        };
        drawn.push((a, b, r, sa, sb));
        let (pa, pb) = (&pools[a], &pools[b]);
        ports.push(Port {
            pool: a,
            side: sa,
            toward: centre(pb),
            edge: e,
            is_start: true,
        });
        ports.push(Port {
            pool: b,
            side: sb,
            // A self-loop's two ends: the start above the end.
            toward: if a == b {
                (centre(pa).0, pa.y + pa.h)
            } else {
                centre(pa)
            },
            edge: e,
            is_start: false,
        });
    }
    ports.sort_by_key(|p| (p.pool, p.side, p.toward.1, p.toward.0, p.edge, !p.is_start));
    let mut ends: BTreeMap<(usize, bool), (i32, i32)> = BTreeMap::new();
    let mut i = 0;
    while i < ports.len() {
        let (pool, side) = (ports[i].pool, ports[i].side);
        let run: Vec<&Port> = ports[i..]
            .iter()
            .take_while(|p| p.pool == pool && p.side == side)
            .collect();
        let n = run.len() as i32;
        let b = &pools[pool];
        let x = if side == Side::Right { b.x + b.w } else { b.x };
        for (k, p) in run.iter().enumerate() {
            let y = b.y + b.h * (k as i32 + 1) / (n + 1);
            ends.insert((p.edge, p.is_start), (x, y));
        }
        i += run.len();
    }

    let routes: Vec<Route> = drawn
        .iter()
        .enumerate()
        .map(|(e, (a, b, _, sa, sb))| {
            let ((ca, ra), (cb, rb)) = (cell[*a], cell[*b]);
            let exit = if *sa == Side::Right { ca + 1 } else { ca };
            let entry = if *sb == Side::Right { cb + 1 } else { cb };
            let (start, end) = (ends[&(e, true)], ends[&(e, false)]);
            let across = (exit != entry).then(|| match rb.cmp(&ra) {
                std::cmp::Ordering::Greater => ra + 1,
                std::cmp::Ordering::Less => ra,
                // Same row: the gutter above or below, whichever is nearer to the ends.
                std::cmp::Ordering::Equal => {
                    let mid = grid.row_y[ra] + grid.row_h[ra] / 2;
                    if start.1 + end.1 < 2 * mid {
                        ra
                    } else {
                        ra + 1
                    }
                }
            });
            Route {
                start,
                end,
                exit,
                entry,
                across,
                self_loop: a == b,
            }
        })
        .collect();

    let lanes = assign_lanes(&grid, &routes);
    let edges = drawn
        .iter()
        .zip(&routes)
        .enumerate()
        .map(|(e, ((a, b, r, _, _), route))| EdgeView {
            from: pools[*a].id.clone(),
            to: pools[*b].id.clone(),
            from_fqdn: r.from.clone(),
            to_fqdn: r.to.clone(),
            path: route_path(route, e, &lanes),
            status: r.status,
            mutual: r.mutual,
        })
        .collect();

    DiagramView {
        id: id.to_owned(),
        width: grid.width(),
        height: grid.height(),
        sites,
        pools,
        edges,
    }
}

/// The coordinate of each route's stretch in each channel: routes whose stretches overlap in one
/// gutter get different lanes (interval colouring), spread evenly across the gutter.
fn assign_lanes(grid: &Grid, routes: &[Route]) -> BTreeMap<(usize, Channel), i32> {
    let v_mid = |g: usize| {
        let (x, w) = grid.vgutter(g);
        x + w / 2
    };
    let h_mid = |h: usize| {
        let (y, w) = grid.hgutter(h);
        y + w / 2
    };
    // Channel -> (interval start, end, route).
    let mut stretches: BTreeMap<Channel, Vec<(i32, i32, usize)>> = BTreeMap::new();
    let mut add = |c: Channel, a: i32, b: i32, route: usize| {
        stretches
            .entry(c)
            .or_default()
            .push((a.min(b), a.max(b), route));
    };
    for (i, r) in routes.iter().enumerate() {
        if r.self_loop {
            continue;
        }
        match r.across {
            None => add(Channel::Vertical(r.exit), r.start.1, r.end.1, i),
            Some(h) => {
                let y = h_mid(h);
                add(Channel::Vertical(r.exit), r.start.1, y, i);
                add(Channel::Horizontal(h), v_mid(r.exit), v_mid(r.entry), i);
                add(Channel::Vertical(r.entry), y, r.end.1, i);
            }
        }
    }
    let mut out = BTreeMap::new();
    for (channel, mut list) in stretches {
        list.sort();
        // Lane k is free after the end of the last stretch placed in it (plus a little air).
        let mut lane_end: Vec<i32> = Vec::new();
        let mut lane_of = Vec::new();
        for &(a, b, route) in &list {
            let lane = match lane_end.iter().position(|&end| end + 10 < a) {
                Some(k) => k,
                None => {
                    lane_end.push(i32::MIN);
                    lane_end.len() - 1
                }
            };
            lane_end[lane] = b;
            lane_of.push((route, lane));
        }
        let (start, width) = match channel {
            Channel::Vertical(g) => grid.vgutter(g),
            Channel::Horizontal(h) => grid.hgutter(h),
        };
        let n = lane_end.len() as i32;
        let spacing = ((width - 16) / n.max(1)).clamp(2, 10);
        let mid = start + width / 2;
        for (route, lane) in lane_of {
            let offset = lane as i32 * spacing - (n - 1) * spacing / 2;
            out.insert((route, channel), mid + offset);
        }
    }
    out
}

/// The route as SVG path data: straight stretches joined by rounded corners.
fn route_path(r: &Route, i: usize, lanes: &BTreeMap<(usize, Channel), i32>) -> String {
    let (x1, y1) = r.start;
    let (x2, y2) = r.end;
    let points = if r.self_loop {
        let out = x1 + 26;
        vec![(x1, y1), (out, y1), (out, y2), (x2, y2)]
    } else {
        let v_exit = lanes[&(i, Channel::Vertical(r.exit))];
        match r.across {
            None => vec![(x1, y1), (v_exit, y1), (v_exit, y2), (x2, y2)],
            Some(h) => {
                let hy = lanes[&(i, Channel::Horizontal(h))];
                let v_entry = lanes[&(i, Channel::Vertical(r.entry))];
                vec![
                    (x1, y1),
                    (v_exit, y1),
                    (v_exit, hy),
                    (v_entry, hy),
                    (v_entry, y2),
                    (x2, y2),
                ]
            }
        }
    };
    rounded(&points)
}

/// A polyline with its corners rounded (quadratic curves), skipping repeated and straight-on points.
fn rounded(points: &[(i32, i32)]) -> String {
    let mut pts: Vec<(i32, i32)> = Vec::new();
    for &p in points {
        if pts.last() != Some(&p) {
            pts.push(p);
        }
    }
    let mut i = 1;
    while i + 1 < pts.len() {
        let (a, b, c) = (pts[i - 1], pts[i], pts[i + 1]);
        let straight = (a.0 == b.0 && b.0 == c.0) || (a.1 == b.1 && b.1 == c.1);
        if straight {
            pts.remove(i);
        } else {
            i += 1;
        }
    }
    let Some(&(x0, y0)) = pts.first() else {
        return String::new();
    };
    let mut d = format!("M{x0} {y0}");
    for i in 1..pts.len() {
        let (bx, by) = pts[i];
        if i + 1 == pts.len() {
            d.push_str(&format!(" L{bx} {by}"));
            break;
        }
        let (ax, ay) = pts[i - 1];
        let (cx, cy) = pts[i + 1];
        let len = |p: i32, q: i32| p.abs().max(q.abs());
        let r = CORNER
            .min(len(bx - ax, by - ay) / 2)
            .min(len(cx - bx, cy - by) / 2);
        let (inx, iny) = (bx - (bx - ax).signum() * r, by - (by - ay).signum() * r);
        let (outx, outy) = (bx + (cx - bx).signum() * r, by + (cy - by).signum() * r);
        d.push_str(&format!(" L{inx} {iny} Q{bx} {by} {outx} {outy}"));
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::{estate, fe};

    #[test]
    fn reciprocal_backups_are_one_line_with_two_heads() {
        let e = estate(vec![
            fe("a.t", "s1", Some("b.t")),
            fe("b.t", "s2", Some("a.t")),
        ]);
        let d = current(&e, &[], Lang::En, "d");
        assert_eq!(d.edges.len(), 1);
        assert!(d.edges[0].mutual);
        assert_eq!(d.sites.len(), 2);
    }

    #[test]
    fn unknown_targets_get_their_own_group_and_the_error_colour() {
        let e = estate(vec![fe("a.t", "s1", Some("ghost.t"))]);
        let f = crate::rules::check(&e);
        let d = current(&e, &f, Lang::En, "d");
        let ghost = d.pools.iter().find(|p| p.fqdn == "ghost.t").unwrap();
        assert_eq!(ghost.status, "unknown");
        assert_eq!(d.sites.last().unwrap().kind, "unknown");
        assert_eq!(d.edges[0].status, "error");
    }

    /// 10 sites of 5 front ends: pairs across sites, a one-way chain, a hub, pools without backup.
    fn fifty_pools() -> Estate {
        let name = |i: usize, j: usize| format!("p{j}.site{i}.t");
        let mut pools = Vec::new();
        for i in 0..10 {
            for j in 0..5 {
                let backup = match j {
                    0 => Some(name(i ^ 1, 0)),
                    1 => Some(name((i + 3) % 10, 1)),
                    2 if i < 4 => Some(name(9, 2)),
                    3 => Some(name(i, 4)),
                    _ => None,
                };
                pools.push(fe(&name(i, j), &format!("site{i}"), backup.as_deref()));
            }
        }
        estate(pools)
    }

    fn numbers(path: &str) -> Vec<i32> {
        path.split(|c: char| !c.is_ascii_digit() && c != '-')
            .filter(|t| !t.is_empty())
            .map(|t| t.parse().unwrap())
            .collect()
    }

    #[test]
    fn fifty_pools_in_ten_sites_stay_apart_and_inside() {
        let e = fifty_pools();
        let findings = crate::rules::check(&e);
        let d = current(&e, &findings, Lang::En, "d");
        assert_eq!((d.sites.len(), d.pools.len()), (10, 50));
        let overlap = |a: (i32, i32, i32, i32), b: (i32, i32, i32, i32)| {
            a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3
        };
        for (i, a) in d.sites.iter().enumerate() {
            assert!(a.x >= 0 && a.y >= 0 && a.x + a.w <= d.width && a.y + a.h <= d.height);
            for b in &d.sites[i + 1..] {
                assert!(
                    !overlap((a.x, a.y, a.w, a.h), (b.x, b.y, b.w, b.h)),
                    "{} and {}",
                    a.label,
                    b.label
                );
            }
        }
        for (i, a) in d.pools.iter().enumerate() {
            for b in &d.pools[i + 1..] {
                assert!(
                    !overlap((a.x, a.y, a.w, a.h), (b.x, b.y, b.w, b.h)),
                    "{} and {}",
                    a.fqdn,
                    b.fqdn
                );
            }
            // Each pool sits inside its own site's frame.
            let site = d.sites.iter().find(|s| s.pool_ids.contains(&a.id)).unwrap();
            assert!(a.x > site.x && a.x + a.w < site.x + site.w);
            assert!(a.y > site.y && a.y + a.h < site.y + site.h);
        }
        // 34 relations: 5 mutual pairs (10 relations, drawn once each), 10 chain links, 4 to the
        // hub, 10 inside a site.
        assert_eq!(d.edges.len(), 5 + 10 + 4 + 10);
        for edge in &d.edges {
            let n = numbers(&edge.path);
            for xy in n.chunks(2) {
                assert!(
                    (0..=d.width).contains(&xy[0]),
                    "{} leaves the drawing",
                    edge.path
                );
                assert!(
                    (0..=d.height).contains(&xy[1]),
                    "{} leaves the drawing",
                    edge.path
                );
            }
        }
        // Three columns keep it printable: a pool label stays readable at A4 width.
        assert!(d.width <= 3 * (POOL_W + 2 * SITE_PAD) + 2 * GUTTER_X + 2 * OUTER_X);
    }

    #[test]
    fn arrows_never_run_through_a_pool() {
        let e = fifty_pools();
        let d = current(&e, &crate::rules::check(&e), Lang::En, "d");
        for edge in &d.edges {
            let n = numbers(&edge.path);
            let points: Vec<(i32, i32)> = n.chunks(2).map(|c| (c[0], c[1])).collect();
            // Straight stretches are axis-parallel; check their midpoints and ends against boxes,
            // except where the arrow attaches (on a box border).
            for w in points.windows(2) {
                let mid = ((w[0].0 + w[1].0) / 2, (w[0].1 + w[1].1) / 2);
                for p in &d.pools {
                    let inside =
                        mid.0 > p.x && mid.0 < p.x + p.w && mid.1 > p.y && mid.1 < p.y + p.h;
                    assert!(!inside, "{} crosses {}", edge.path, p.fqdn);
                }
            }
        }
    }

    #[test]
    fn layout_is_deterministic() {
        let e = fifty_pools();
        let f = crate::rules::check(&e);
        let a = serde_json::to_string(&current(&e, &f, Lang::En, "d")).unwrap();
        let b = serde_json::to_string(&current(&e, &f, Lang::En, "d")).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn after_the_plan_pairs_replace_todays_relations() {
        use crate::model::{Edition, Version};
        let old = |f: &str, backup: &str| Pool {
            version: Some(Version::V2010),
            ..fe(f, "s3", Some(backup))
        };
        let e = estate(vec![
            fe("a.t", "s1", Some("old.t")),
            fe("b.t", "s2", Some("a.t")),
            Pool {
                edition: Some(Edition::Standard),
                ..fe("c.t", "s1", Some("ghost.t"))
            },
            old("old.t", "old2.t"),
            old("old2.t", "old.t"),
            Pool {
                role: Role::Branch,
                ..fe("sba.t", "branch1", Some("old.t"))
            },
        ]);
        let plans = crate::plan::plan(&[&e], &crate::plan::PlanRequest::default()).unwrap();
        let plan = super::super::report::plan_view(Lang::En, &plans[0]);
        let d = after_plan(&e, &plan, Lang::En, "d");
        let fqdn = |id: &str| d.pools.iter().find(|p| p.id == id).unwrap().fqdn.as_str();
        let mut edges: Vec<(&str, &str, &str, bool)> = d
            .edges
            .iter()
            .map(|x| (fqdn(&x.from), fqdn(&x.to), x.status, x.mutual))
            .collect();
        edges.sort();
        // a.t -> old.t and c.t -> ghost.t are removed by the plan; a.t and b.t are paired; the 2010
        // pools keep their pair until retired; the branch must move off old.t.
        assert_eq!(
            edges,
            [
                ("a.t", "b.t", "planned", true),
                ("old.t", "old2.t", "ok", true),
                ("sba.t", "old.t", "warning", false),
            ]
        );
        assert!(d.pools.iter().all(|p| p.fqdn != "ghost.t"));
        let status = |f: &str| d.pools.iter().find(|p| p.fqdn == f).unwrap().status;
        assert_eq!(
            ["a.t", "b.t", "c.t", "old.t", "old2.t", "sba.t"].map(status),
            ["paired", "paired", "unpaired", "migrate", "migrate", "ok"]
        );
    }
}
