//! Voice resiliency timers of a Registrar (D2). Sources: S12 (range), S9–S11 (recommendations).

use super::{Code, Finding, Severity};
use crate::i18n::Message;
use crate::model::{Estate, Fact};

pub const MIN_INTERVAL_S: i64 = 30;
pub const MAX_INTERVAL_S: i64 = 86_400;
pub const RECOMMENDED_MIN_S: i64 = 120;

pub fn check(estate: &Estate, out: &mut Vec<Finding>) {
    for p in &estate.pools {
        let Some(f) = p.failover else { continue };
        let sources = p.sources_of(Fact::Failover);
        let values = [
            ("timer.failure_detection", f.failure_detection_s),
            ("timer.failback", f.failback_s),
        ];
        // A value outside the allowed range is wrong even with automatic failover off, whatever its
        // size or sign.
        let mut out_of_range = false;
        for (name, value) in values {
            let Some(v) = value else { continue };
            if !(MIN_INTERVAL_S..=MAX_INTERVAL_S).contains(&v) {
                out_of_range = true;
                out.push(Finding::new(
                    Code::TimerOutOfRange,
                    Severity::Error,
                    vec![p.fqdn.clone()],
                    Message::new("msg.timer_out_of_range")
                        .arg("pool", &p.fqdn)
                        .label("timer", name)
                        .arg("value", v.to_string())
                        .arg("min", MIN_INTERVAL_S.to_string())
                        .arg("max", MAX_INTERVAL_S.to_string()),
                    sources.clone(),
                ));
            }
        }
        // The recommendations judge timers in use: failover not disabled (unset counts as not
        // disabled), both values known and both in range.
        let (Some(detect), Some(back)) = (f.failure_detection_s, f.failback_s) else {
            continue;
        };
        if f.enabled == Some(false) || out_of_range {
            continue;
        }
        for (name, value) in values {
            let Some(v) = value else { continue };
            if v < RECOMMENDED_MIN_S {
                out.push(Finding::new(
                    Code::TimerBelowRecommended,
                    Severity::Warning,
                    vec![p.fqdn.clone()],
                    Message::new("msg.timer_below_recommended")
                        .arg("pool", &p.fqdn)
                        .label("timer", name)
                        .arg("value", v.to_string())
                        .arg("min", RECOMMENDED_MIN_S.to_string()),
                    sources.clone(),
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
                sources,
            ));
        }
    }
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
