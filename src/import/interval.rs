//! D2: failover intervals as exports write them, to seconds.
//!
//! A published topology writes xs:duration (`P0Y0M0DT0H5M0S`, confirmed by the genuine paired export);
//! cmdlet CSVs write a .NET TimeSpan (`00:02:00`); hand-made files write plain seconds. The result is
//! signed and wide on purpose: `-5` or `5000000000` are values the user wrote, and they must reach
//! the rules as out of range (`timer-out-of-range`), never become "unknown".

/// Seconds, or `None` when `raw` is none of the three forms (the caller notes it and leaves it unknown).
///
/// Numbers too large even for `i64` saturate: they are still out of range, not unreadable.
pub fn parse_interval(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    if let Some(seconds) = plain_seconds(raw) {
        return Some(seconds);
    }
    if let Some(seconds) = xs_duration(raw) {
        return Some(seconds);
    }
    timespan(raw)
}

/// `300`, `-5`, `+30`: digits with an optional sign.
fn plain_seconds(raw: &str) -> Option<i64> {
    let (negative, digits) = split_sign(raw);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(apply_sign(negative, digits_to_i64(digits)))
}

fn split_sign(raw: &str) -> (bool, &str) {
    match raw.as_bytes().first() {
        Some(b'-') => (true, &raw[1..]),
        Some(b'+') => (false, &raw[1..]),
        _ => (false, raw),
    }
}

fn apply_sign(negative: bool, value: i64) -> i64 {
    if negative { -value } else { value }
}

/// Saturating: an absurdly long number is still a number, and still out of range.
fn digits_to_i64(digits: &str) -> i64 {
    digits.bytes().fold(0i64, |acc, b| {
        acc.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    })
}

/// xs:duration `[-]PnYnMnDTnHnMnS`. Years and months have no fixed length in seconds: a non-zero
/// one is not read (Topology Builder writes `P0Y0M0D…`). Fractions of a second are dropped.
fn xs_duration(raw: &str) -> Option<i64> {
    let (negative, rest) = match raw.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, raw),
    };
    let rest = rest.strip_prefix('P').or_else(|| rest.strip_prefix('p'))?;
    if rest.is_empty() {
        return None;
    }
    let (date, time) = match rest.find(['T', 't']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let mut total: i64 = 0;
    let mut any = false;
    each_component(date, |number, unit| {
        let n = digits_to_i64(whole_part(number));
        let seconds = match unit.to_ascii_uppercase() {
            'Y' | 'M' if n != 0 => return None,
            'Y' | 'M' => 0,
            'D' => n.saturating_mul(86_400),
            _ => return None,
        };
        total = total.saturating_add(seconds);
        any = true;
        Some(())
    })?;
    if let Some(time) = time {
        let parts = each_component(time, |number, unit| {
            let whole = digits_to_i64(whole_part(number));
            let seconds = match unit.to_ascii_uppercase() {
                'H' => whole.saturating_mul(3600),
                'M' => whole.saturating_mul(60),
                'S' => whole,
                _ => return None,
            };
            total = total.saturating_add(seconds);
            any = true;
            Some(())
        })?;
        if parts == 0 {
            return None; // "PT" alone is not a duration.
        }
    }
    any.then(|| apply_sign(negative, total))
}

/// The digits before a fraction (`5` of `5.25`).
fn whole_part(number: &str) -> &str {
    // A byte search: `split` sets up a pattern searcher for every number of every timer.
    match number.bytes().position(|b| b == b'.') {
        Some(dot) => &number[..dot],
        None => number,
    }
}

/// `0Y0M5D` is ("0",'Y'), ("0",'M'), ("5",'D'): hands each to `read` in order and says how many
/// there were; `None` when something else is in the way or `read` refuses one. Nothing is
/// collected: every failover timer of a topology is read here, and a list per timer cost more than
/// the reading.
fn each_component(text: &str, mut read: impl FnMut(&str, char) -> Option<()>) -> Option<usize> {
    let mut count = 0;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c.is_ascii_digit() || c == '.' {
            continue;
        }
        let number = &text[start..i];
        if number.is_empty() || !number.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        read(number, c)?;
        count += 1;
        start = i + c.len_utf8();
    }
    if start != text.len() {
        return None; // Trailing digits without a unit.
    }
    Some(count)
}

/// A .NET TimeSpan `[-][d.]hh:mm:ss[.fraction]`, as `Export-Csv` prints one.
fn timespan(raw: &str) -> Option<i64> {
    let (negative, raw) = split_sign(raw);
    let (days, clock) = match raw.split_once('.') {
        Some((d, rest)) if rest.contains(':') && !d.contains(':') => (d, rest),
        _ => ("0", raw),
    };
    if !days.bytes().all(|b| b.is_ascii_digit()) || days.is_empty() {
        return None;
    }
    let parts: Vec<&str> = clock.split(':').collect();
    let [h, m, s] = parts[..] else { return None };
    let s = s.split('.').next()?;
    for part in [h, m, s] {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    let (h, m, s) = (digits_to_i64(h), digits_to_i64(m), digits_to_i64(s));
    if m >= 60 || s >= 60 {
        return None;
    }
    let total = digits_to_i64(days)
        .saturating_mul(86_400)
        .saturating_add(h.saturating_mul(3600))
        .saturating_add(m * 60 + s);
    Some(apply_sign(negative, total))
}

#[cfg(test)]
mod tests {
    use super::parse_interval;

    #[test]
    fn xs_durations_as_topology_builder_writes_them() {
        // The genuine paired export's two values.
        assert_eq!(parse_interval("P0Y0M0DT0H5M0S"), Some(300));
        assert_eq!(parse_interval("P0Y0M0DT0H10M0S"), Some(600));
        assert_eq!(parse_interval("PT5M"), Some(300));
        assert_eq!(parse_interval("PT300S"), Some(300));
        assert_eq!(parse_interval("PT2M30.5S"), Some(150));
        assert_eq!(parse_interval("P1D"), Some(86_400));
        assert_eq!(parse_interval("P1DT1S"), Some(86_401));
        assert_eq!(parse_interval("-PT5S"), Some(-5));
    }

    #[test]
    fn seconds_and_timespans() {
        assert_eq!(parse_interval("120"), Some(120));
        assert_eq!(parse_interval(" 120 "), Some(120));
        assert_eq!(parse_interval("00:02:00"), Some(120));
        assert_eq!(parse_interval("1.00:00:00"), Some(86_400));
        assert_eq!(parse_interval("00:02:00.5"), Some(120));
    }

    #[test]
    fn out_of_range_values_keep_their_sign_and_size() {
        assert_eq!(parse_interval("-5"), Some(-5));
        assert_eq!(parse_interval("5000000000"), Some(5_000_000_000));
        assert_eq!(parse_interval("99999999999999999999999"), Some(i64::MAX));
        assert_eq!(parse_interval("-00:00:10"), Some(-10));
    }

    #[test]
    fn anything_else_is_unreadable() {
        for raw in [
            "", "soon", "00:61:00", "P", "PT", "P1M", "P1Y", "PT5", "PT5X", "5 min", "1e3", "--5",
            "12:00", "P5MT",
        ] {
            assert_eq!(parse_interval(raw), None, "{raw:?}");
        }
    }
}
