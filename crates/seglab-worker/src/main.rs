//! The engine worker's entry point: Trunk builds this binary as a Web Worker.

fn main() {
    seglab_app::worker::start();
}
