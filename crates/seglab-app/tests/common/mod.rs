//! Helpers shared by the engine tests: the shipped sample's files, loaded into an engine.
#![allow(dead_code)]

use seglab_app::engine::Engine;
use seglab_app::protocol::Response;
use std::path::PathBuf;

pub fn sample(name: &str) -> (String, Vec<u8>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../web/sample")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (name.to_owned(), bytes)
}

pub fn load(engine: &mut Engine, name: &str) -> Response {
    let (name, bytes) = sample(name);
    engine.load_bytes(&name, &bytes)
}

/// The sample's three files loaded into an engine.
pub fn sample_engine() -> Engine {
    let mut engine = Engine::default();
    for name in ["users.csv", "events.csv", "nps.csv"] {
        assert!(
            matches!(load(&mut engine, name), Response::Loaded { .. }),
            "{name}"
        );
    }
    engine
}
