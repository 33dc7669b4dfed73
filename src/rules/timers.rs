//! Voice resiliency timers of a Registrar (D2). Sources: S12 (range), S9–S11 (recommendations).

use super::{Code, Finding, Severity};
use crate::i18n::Message;
use crate::model::{Estate, Fact, Failover, Pool, Source};

pub const MIN_INTERVAL_S: i64 = 30;
pub const MAX_INTERVAL_S: i64 = 86_400;
pub const RECOMMENDED_MIN_S: i64 = 120;

pub fn check(estate: &Estate, out: &mut Vec<Finding>) {
    for p in &estate.pools {
        let Some(f) = p.failover else { continue };
        let sources = p.sources_of(Fact::Failover);
        // A value outside the allowed range is wrong even with automatic failover off, whatever its
        // size or sign.
        let range_errors = out_of_range(p, f, &sources);
        let in_range = range_errors.is_empty();
        out.extend(range_errors);
        // The recommendations judge timers in use: failover not disabled (unset counts as not
        // disabled), both values known and both in range.
        if in_range && f.enabled != Some(false) {
            out.extend(against_recommendations(p, f, &sources));
        }
    }
}

/// The two intervals, each with the label of its name.
fn intervals(f: Failover) -> [(&'static str, Option<i64>); 2] {
    [
        ("timer.failure_detection", f.failure_detection_s),
        ("timer.failback", f.failback_s),
    ]
}

/// `timer-out-of-range` for each interval outside what the server accepts.
fn out_of_range(p: &Pool, f: Failover, sources: &[Source]) -> Vec<Finding> {
    intervals(f)
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v)))
        .filter(|(_, v)| !(MIN_INTERVAL_S..=MAX_INTERVAL_S).contains(v))
        .map(|(name, v)| {
            Finding::new(
                Code::TimerOutOfRange,
                Severity::Error,
                vec![p.fqdn.clone()],
                Message::new("msg.timer_out_of_range")
                    .arg("pool", &p.fqdn)
                    .label("timer", name)
                    .arg("value", v.to_string())
                    .arg("min", MIN_INTERVAL_S.to_string())
                    .arg("max", MAX_INTERVAL_S.to_string()),
                sources.to_vec(),
            )
        })
        .collect()
}

/// `timer-below-recommended` for each short interval and `timer-order` when failback does not
/// wait longer than failure detection; nothing unless both intervals are known.
fn against_recommendations(p: &Pool, f: Failover, sources: &[Source]) -> Vec<Finding> {
    let (Some(detect), Some(back)) = (f.failure_detection_s, f.failback_s) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, value) in intervals(f) {
        if let Some(v) = value
            && v < RECOMMENDED_MIN_S
        {
            out.push(Finding::new(
                Code::TimerBelowRecommended,
                Severity::Warning,
                vec![p.fqdn.clone()],
                Message::new("msg.timer_below_recommended")
                    .arg("pool", &p.fqdn)
                    .label("timer", name)
                    .arg("value", v.to_string())
                    .arg("min", RECOMMENDED_MIN_S.to_string()),
                sources.to_vec(),
            ));
        }
    }
    if back <= detect {
        out.push(Finding::new(
            Code::TimerOrder,
            Severity::Warning,
            vec![p.fqdn.clone()],
            Message::new("msg.timer_order")
                .arg("pool", &p.fqdn)
                .arg("back", back.to_string())
                .arg("detect", detect.to_string()),
            sources.to_vec(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{codes, estate, fe};
    use super::*;
    use crate::model::Failover;

    fn run(enabled: Option<bool>, detect: Option<i64>, back: Option<i64>) -> Vec<Finding> {
        let mut p = fe("a.t", "s1", None);
        p.failover = Some(Failover {
            enabled,
            failure_detection_s: detect,
            failback_s: back,
        });
        let mut out = Vec::new();
        check(&estate(vec![p]), &mut out);
        out
    }

    #[test]
    fn defaults_are_clean() {
        assert!(run(Some(true), Some(120), Some(240)).is_empty());
    }

    #[test]
    fn bounds_are_inclusive() {
        assert!(run(Some(true), Some(86_399), Some(86_400)).is_empty());
        assert_eq!(
            codes(&run(Some(true), Some(120), Some(86_401))),
            ["timer-out-of-range"]
        );
        assert_eq!(
            codes(&run(Some(true), Some(29), Some(240))),
            ["timer-out-of-range"]
        );
    }

    #[test]
    fn below_recommended_and_order() {
        assert_eq!(
            codes(&run(Some(true), Some(60), Some(240))),
            ["timer-below-recommended"]
        );
        assert_eq!(codes(&run(None, Some(300), Some(300))), ["timer-order"]);
    }

    #[test]
    fn out_of_range_whatever_the_size_or_sign() {
        assert_eq!(
            codes(&run(Some(true), Some(-5), Some(240))),
            ["timer-out-of-range"]
        );
        assert_eq!(
            codes(&run(Some(true), Some(120), Some(5_000_000_000))),
            ["timer-out-of-range"]
        );
    }

    #[test]
    fn warnings_need_both_values_known_and_in_range() {
        // 60 s is below the recommendation, but its partner value is out of range or unknown.
        assert_eq!(
            codes(&run(Some(true), Some(60), Some(100_000))),
            ["timer-out-of-range"]
        );
        assert!(run(Some(true), Some(60), None).is_empty());
        assert!(run(None, None, Some(30)).is_empty());
    }

    #[test]
    fn disabled_timers_only_checked_for_range() {
        assert!(run(Some(false), Some(60), Some(30)).is_empty());
        assert_eq!(
            codes(&run(Some(false), Some(10), Some(240))),
            ["timer-out-of-range"]
        );
    }
}
