//! Reading internally tagged enums (`{"kind": "mix", "df": 2}`) back without serde's buffer.
//!
//! Derived, such an enum is read by first copying the whole value into a buffer of serde's own (`Content`)
//! to find the tag, then reading the variant from that buffer, with code of its own for every type inside.
//! The page reads the engine's answers, full of them (`Effect`, `Lift`, `NotEnough`, ...), and that code was
//! a large part of its WebAssembly (see ARCHITECTURE.md, "Bundle size"). Such an enum is read instead as
//! one flat struct of the tag and every variant's fields, each optional (`#[serde(try_from = ...)]`), and
//! built from it. What it writes is unchanged.

/// The field `name` that the variant `tag` needs.
pub(crate) fn field<T>(value: Option<T>, tag: &str, name: &str) -> Result<T, String> {
    value.ok_or_else(|| format!("`{tag}` needs the field `{name}`"))
}

/// The error for a tag that names no variant.
pub(crate) fn unknown(tag: &str) -> String {
    format!("unknown variant `{tag}`")
}
