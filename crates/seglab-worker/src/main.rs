//! The engine worker's entry point: Trunk builds this binary as a Web Worker.
//!
//! It is a package of its own so that its dependency graph holds no user-interface crate: Cargo resolves
//! features per build, and the interface's dependencies would otherwise switch on parts of `regex` (all
//! Unicode tables, the capture engines) that the engine does not use. See ARCHITECTURE.md, "Bundle size".

fn main() {
    seglab_app::worker::start();
}
