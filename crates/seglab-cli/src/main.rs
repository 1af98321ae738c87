//! The `seglab` command line.
fn main() {}
