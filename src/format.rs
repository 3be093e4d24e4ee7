//! User-visible number formatting, shared by the CLI, the language server and `check`.
//! Counts are shown in full (`12,345`, never `12.3k`) so they can be compared with other tools.

/// `12345` -> `12,345`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A token count, `≈` for estimates.
pub fn tokens(n: u64, exact: bool) -> String {
    if exact {
        thousands(n)
    } else {
        format!("≈{}", thousands(n))
    }
}

/// Dollars with enough digits to be non-zero for small prompts: `$0.0010`, `$1.23`, `$0.000004`.
pub fn usd(v: f64) -> String {
    if v == 0.0 {
        "$0".to_string()
    } else if v >= 1000.0 {
        // `$62,310.00`: whole dollars with separators, then cents.
        let cents = (v * 100.0).round() as u64;
        format!("${}.{:02}", thousands(cents / 100), cents % 100)
    } else if v >= 1.0 {
        format!("${v:.2}")
    } else if v >= 0.0001 {
        format!("${v:.4}")
    } else {
        format!("${v:.6}")
    }
}

/// An optional cost: `no price` when the model has none (never `$0`).
pub fn cost(v: Option<f64>) -> String {
    v.map_or_else(|| "no price".to_string(), usd)
}

/// A price per million tokens: `$2.50`, `$0.075`, `no price`.
pub(crate) fn per_million(per_token: Option<f64>) -> String {
    per_token.map_or_else(
        || "no price".to_string(),
        |p| format!("${}", trim_float(p * 1e6)),
    )
}

/// `2.5000` -> `2.5`, `3.0000` -> `3`: at most four decimals, no trailing zeros.
pub(crate) fn trim_float(v: f64) -> String {
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A count with its noun: `1 file`, `2 files`, `1,234 tokens`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// Left/right-aligned columns, two spaces apart, no trailing spaces (shell output and the
/// fixed-width tables in hovers).
pub fn table<const N: usize>(rows: &[[String; N]], right: &[bool; N]) -> String {
    let mut widths = [0usize; N];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            let pad = widths[i] - c.chars().count();
            if i > 0 {
                line.push_str("  ");
            }
            if right[i] {
                line.push_str(&" ".repeat(pad));
                line.push_str(c);
            } else {
                line.push_str(c);
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A context window: `128k`, `1M`, `1,048,576` when not round.
pub fn window(n: u64) -> String {
    if n >= 1_000_000 && n % 1_000_000 == 0 {
        format!("{}M", n / 1_000_000)
    } else if n >= 1_000 && n % 1_000 == 0 {
        format!("{}k", n / 1_000)
    } else if n == 1_048_576 {
        "1M".to_string()
    } else if n % 1024 == 0 && n >= 1024 {
        format!("{}k", n / 1024)
    } else {
        thousands(n)
    }
}

/// A share as a percentage: `1.8%`, `0.02%`, `120%`.
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p >= 10.0 {
        format!("{p:.0}%")
    } else if p >= 0.1 {
        format!("{p:.1}%")
    } else if p >= 0.01 {
        format!("{p:.2}%")
    } else if p > 0.0 {
        "<0.01%".to_string()
    } else {
        "0%".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(tokens(1234, false), "≈1,234");
        assert_eq!(usd(0.001), "$0.0010");
        assert_eq!(usd(0.000004), "$0.000004");
        assert_eq!(usd(12.345), "$12.35");
        assert_eq!(usd(62_310.0), "$62,310.00");
        assert_eq!(usd(1_234_567.891), "$1,234,567.89");
        assert_eq!(cost(None), "no price");
        assert_eq!(window(128_000), "128k");
        assert_eq!(window(1_048_576), "1M");
        assert_eq!(window(1_000_000), "1M");
        assert_eq!(window(65_535), "65,535");
        assert_eq!(percent(0.018), "1.8%");
        assert_eq!(percent(1.2), "120%");
        assert_eq!(per_million(Some(2.5e-6)), "$2.5");
        assert_eq!(per_million(None), "no price");
        assert_eq!(plural(1, "file", "files"), "1 file");
        assert_eq!(plural(2, "file", "files"), "2 files");
        assert_eq!(
            table(
                &[["a".into(), "1".into()], ["bbb".into(), "22".into()]],
                &[false, true]
            ),
            "a     1\nbbb  22\n"
        );
    }
}
