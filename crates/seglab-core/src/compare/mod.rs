//! Side-by-side comparison of segments.
