//! `cargo xtask gen-data`: the seeded generator of the sample B2B SaaS dataset.

pub fn run(_args: &[String]) -> Result<(), String> {
    Err("not written yet".into())
}
