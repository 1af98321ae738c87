//! Numbers formatted for people: 1,234 rows, 1.2 MB, 34.5%.

/// A count with thousands separators: `1234567` → `1,234,567`.
pub fn count(n: usize) -> String {
    seglab_core::report::thousands(n)
}

/// A byte size: `1536` → `1.5 KB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// `part` of `whole` as a percentage with one decimal; `–` when `whole` is zero.
pub fn share(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "–".into();
    }
    percent(part as f64 / whole as f64)
}

/// A fraction as a percentage: `0.3456` → `34.6%`.
pub fn percent(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

/// A rate and its interval when it has one: `12.3% (10.1%–14.6%)`; `–` without a rate.
pub fn rate_within(rate: Option<f64>, interval: Option<(f64, f64)>) -> String {
    let rate = rate.map_or_else(|| "–".into(), percent);
    match interval {
        Some((low, high)) => format!("{rate} ({}–{})", percent(low), percent(high)),
        None => rate,
    }
}

/// A measured value with a sensible number of digits: `1234.5` → `1.2k`, `0.1234` → `0.123`.
pub fn number(x: f64) -> String {
    let a = x.abs();
    if !x.is_finite() {
        return "–".into();
    }
    if a >= 1e9 {
        format!("{:.1}B", x / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", x / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", x / 1e3)
    } else if a >= 100.0 || x.fract() == 0.0 {
        format!("{x:.0}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_for_people() {
        assert_eq!(super::count(1_234_567), "1,234,567");
        assert_eq!(super::count(12), "12");
        assert_eq!(super::bytes(1536), "1.5 KB");
        assert_eq!(super::share(1, 3), "33.3%");
        assert_eq!(super::share(1, 0), "–");
        assert_eq!(super::number(12_345.0), "12.3k");
        assert_eq!(super::number(0.12345), "0.123");
        assert_eq!(super::number(42.0), "42");
    }
}
