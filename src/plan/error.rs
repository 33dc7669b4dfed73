//! Why no plan is made (issue 14): typed errors that carry what went wrong (the option as typed,
//! the pools, the estate, the reason), whose `Display` is the message users read. Only the CLI
//! turns them into text on stderr and an exit code.

use std::fmt;

use super::constraints::{Blocker, describe_pair};
use crate::i18n::{Lang, Message};
use crate::model::{Edition, Role, Source, Version};
use crate::rules::pair::USERS_PER_FRONT_END;

/// The command-line option a pair of pools was given with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairOption {
    /// `--pin A=B`: the pair must be in the plan.
    Pin,
    /// `--forbid A=B`: the pair must not be.
    Forbid,
}

impl fmt::Display for PairOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PairOption::Pin => "--pin",
            PairOption::Forbid => "--forbid",
        })
    }
}

/// A `--pin A=B` or `--forbid A=B` as the user typed it (FQDNs normalised); shown as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestedPair {
    /// The option it was given with.
    pub option: PairOption,
    /// The pool left of `=`.
    pub a: String,
    /// The pool right of `=`.
    pub b: String,
}

impl fmt::Display for RequestedPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}={}", self.option, self.a, self.b)
    }
}

/// Why no estate holds both pools of a `--pin` or `--forbid`. A name near a pool that is not in
/// the inputs (at most a third of its characters differ) is offered as the one meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotTogether {
    /// Neither pool is in the inputs.
    NeitherKnown {
        /// The pool name nearest to `a`, if one is near.
        a_near: Option<String>,
        /// The pool name nearest to `b`, if one is near.
        b_near: Option<String>,
    },
    /// One of the two pools is not in the inputs.
    OneUnknown {
        /// The pool that is not.
        pool: String,
        /// The pool name nearest to it, if one is near.
        near: Option<String>,
    },
    /// Both pools are in the inputs, in different estates.
    DifferentEstates {
        /// The estates holding `a`.
        a_in: Vec<String>,
        /// The estates holding `b`.
        b_in: Vec<String>,
    },
}

impl NotTogether {
    /// The words after "--pin A=B: ", without the closing advice.
    fn describe(&self, pair: &RequestedPair) -> String {
        let (a, b) = (&pair.a, &pair.b);
        match self {
            NotTogether::NeitherKnown { a_near, b_near } => format!(
                "neither {a}{} nor {b}{} is a pool of the inputs",
                did_you_mean(a_near.as_deref()),
                did_you_mean(b_near.as_deref())
            ),
            NotTogether::OneUnknown { pool, near } => {
                format!(
                    "{pool} is not a pool of the inputs{}",
                    did_you_mean(near.as_deref())
                )
            }
            NotTogether::DifferentEstates { a_in, b_in } => format!(
                "{a} and {b} are in different estates ({} and {})",
                a_in.join(", "),
                b_in.join(", ")
            ),
        }
    }
}

fn did_you_mean(near: Option<&str>) -> String {
    match near {
        Some(near) => format!(" (did you mean {near}?)"),
        None => String::new(),
    }
}

/// A plan that cannot be made: nothing is planned for the estate, since a silently changed plan
/// would be wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// A `--pin` or `--forbid` naming one pool twice: a pool cannot back itself up.
    #[error("{pair}: a pool cannot be paired with itself; name two different pools")]
    SamePool {
        /// The option as typed.
        pair: RequestedPair,
    },
    /// No estate holds both pools of a `--pin` or `--forbid`.
    #[error("{pair}: {}; check the FQDNs", .why.describe(.pair))]
    NotInOneEstate {
        /// The option as typed.
        pair: RequestedPair,
        /// Where the pools are instead.
        why: NotTogether,
    },
    /// A pinned pool the plan never pairs (Lync 2010, version unknown, another role).
    #[error("{pin}: cannot pin {pool}: {}{}", .why.render(Lang::En), pin_instead(.successor.as_deref()))]
    Ineligible {
        /// The pin as typed.
        pin: RequestedPair,
        /// The pool that cannot be pinned.
        pool: String,
        /// Why the plan never pairs it.
        why: Message,
        /// The successor its users move to, for a Lync 2010 pool: the pool to pin instead.
        successor: Option<String>,
    },
    /// A pool that an earlier pin already gave another partner.
    #[error(
        "{pin}: {pool} is already pinned to {partner} by {earlier}; a pool has one partner, so keep one of the two pins"
    )]
    PinnedTwice {
        /// The later pin, as typed.
        pin: RequestedPair,
        /// The pool both pins name.
        pool: String,
        /// Its partner by the earlier pin.
        partner: String,
        /// The earlier pin, as typed.
        earlier: RequestedPair,
    },
    /// A pin whose pools break a hard constraint of a pair.
    #[error("{pin}: these pools cannot be paired: {}", blocked(.pools, .blockers))]
    PinBlocked {
        /// The pin as typed.
        pin: RequestedPair,
        /// The two pools, sorted.
        pools: [String; 2],
        /// Every constraint they break, values in the order of `pools`.
        blockers: Vec<Blocker>,
    },
    /// A declared successor that cannot host its 2010 pools.
    #[error("{successor} cannot replace {}: {problem}{}", .replaces.join(", "), replaces_cell(.cell.as_ref()))]
    Successor {
        /// The successor's FQDN.
        successor: String,
        /// The Lync 2010 pools it is declared to replace.
        replaces: Vec<String>,
        /// Why it cannot.
        problem: SuccessorProblem,
        /// Where the `replaces` cell was read.
        cell: Option<Source>,
    },
    /// Any of the above in one of several estates.
    #[error("{error} (estate {estate})")]
    InEstate {
        /// The estate's name.
        estate: String,
        /// The error in that estate.
        error: Box<PlanError>,
    },
}

fn blocked(pools: &[String; 2], blockers: &[Blocker]) -> String {
    describe_pair(&pools[0], &pools[1], blockers)
}

fn pin_instead(successor: Option<&str>) -> String {
    match successor {
        Some(succ) => format!(" (its users move to {succ}: pin that instead)"),
        None => String::new(),
    }
}

fn replaces_cell(cell: Option<&Source>) -> String {
    match cell {
        Some(s) => format!(" (replaces column at {s})"),
        None => String::new(),
    }
}

impl PlanError {
    /// The error fixed in an inventory rather than on the command line.
    pub fn is_successor(&self) -> bool {
        match self {
            PlanError::Successor { .. } => true,
            PlanError::InEstate { error, .. } => error.is_successor(),
            PlanError::SamePool { .. }
            | PlanError::NotInOneEstate { .. }
            | PlanError::Ineligible { .. }
            | PlanError::PinnedTwice { .. }
            | PlanError::PinBlocked { .. } => false,
        }
    }
}

/// Why a declared successor cannot host the Lync 2010 pools it replaces.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SuccessorProblem {
    /// The replaced FQDN is not a pool of the estate.
    #[error("{0} is not a pool of the estate")]
    UnknownPool(String),
    /// The replaced pool is not a Lync 2010 front-end pool.
    #[error("{0} is not a Lync 2010 front-end pool; only those are replaced by a successor")]
    NotLync2010(String),
    /// Two successors claim the same 2010 pool.
    #[error("{pool} is also replaced by {other}; a Lync 2010 pool moves to one successor")]
    ClaimedTwice {
        /// The Lync 2010 pool.
        pool: String,
        /// The other successor that claims it.
        other: String,
    },
    /// The successor is not a front-end pool.
    #[error("it is a {} pool; only a front-end pool can home the users", .0.label())]
    NotFrontEnd(Role),
    /// The successor's version is 2010 or unknown.
    #[error(
        "its version is {}; a successor must be Lync 2013 or later (state it in the inventory's Version or Target Version column)",
        .0.map_or("unknown", Version::label)
    )]
    Version(Option<Version>),
    /// The successor sits in a branch site, where no front-end pool belongs.
    #[error("its site {0} is a branch site; front-end pools belong to a central site")]
    BranchSite(String),
    /// More users than its edition carries even without a partner.
    #[error("it would home {users} users, but a {} pool carries at most {limit}", edition_name(*.edition))]
    Users {
        /// The users it would carry.
        users: u64,
        /// Its edition.
        edition: Edition,
        /// The most users that edition carries.
        limit: u64,
    },
    /// Too few front-end servers for the users (one per 6,660, up to 12).
    #[error(
        "it would home {users} users on {servers} front-end servers, but needs {needed} (one per {per} users)",
        per = USERS_PER_FRONT_END
    )]
    Servers {
        /// The users it would carry.
        users: u64,
        /// Its Front End servers.
        servers: u32,
        /// The servers those users need.
        needed: u64,
    },
}

fn edition_name(edition: Edition) -> &'static str {
    match edition {
        Edition::Enterprise => "Enterprise Edition",
        Edition::Standard => "Standard Edition",
    }
}
