//! Plain-text output for people: aligned columns and readable numbers.

use std::io::Write;

pub use seglab_core::report::thousands;

/// Writes rows as left-aligned columns separated by two spaces, each line indented by `indent`.
pub fn write_table(
    out: &mut impl Write,
    indent: &str,
    rows: &[Vec<String>],
) -> std::io::Result<()> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|row| row.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let mut line = String::from(indent);
        for (c, cell) in row.iter().enumerate() {
            if c > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            if c + 1 < row.len() {
                line.extend(std::iter::repeat_n(
                    ' ',
                    widths[c].saturating_sub(cell.chars().count()),
                ));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn groups_digits() {
        let cases = [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (3_000_000, "3,000,000"),
            (12_345, "12,345"),
        ];
        for (n, expected) in cases {
            assert_eq!(thousands(n), expected);
        }
    }
}
