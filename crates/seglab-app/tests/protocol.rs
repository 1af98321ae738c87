//! The messages' shape on the wire, as the bench (`tests/bench/bench.js`) writes and reads them: externally
//! tagged, a variant without fields as its bare name.

use seglab_app::protocol::{Request, Response};
use serde_json::json;

fn check(request_or_response: &serde_json::Value, expected: &serde_json::Value) {
    assert_eq!(request_or_response, expected);
}

#[test]
fn messages_are_externally_tagged() {
    check(
        &serde_json::to_value(Request::Cancel).unwrap(),
        &json!("cancel"),
    );
    check(
        &serde_json::to_value(Request::Discover {
            target: "converted".into(),
        })
        .unwrap(),
        &json!({ "discover": { "target": "converted" } }),
    );
    check(
        &serde_json::to_value(Response::Ready).unwrap(),
        &json!("ready"),
    );
    check(
        &serde_json::to_value(Response::Timed {
            ms: vec![1.5],
            last: Box::new(Response::Failed {
                message: "no data".into(),
            }),
        })
        .unwrap(),
        &json!({ "timed": { "ms": [1.5], "last": { "failed": { "message": "no data" } } } }),
    );
    let request: Request = serde_json::from_value(json!({
        "time": { "request": { "evaluate": { "segments": [] } }, "runs": 2 }
    }))
    .unwrap();
    assert!(
        matches!(request, Request::Time { request, runs: 2 } if matches!(*request, Request::Evaluate { .. }))
    );
}
