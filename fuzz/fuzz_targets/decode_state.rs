//! Fuzzes the share-link decoder: no input panics; whatever state a link decodes to encodes to a link
//! that decodes to the same state without errors.
#![no_main]

use libfuzzer_sys::fuzz_target;
use seglab_core::share;

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let (state, _) = share::decode(query);
    let again = share::encode(&state);
    let (decoded, errors) = share::decode(&again);
    assert!(errors.is_empty(), "{again:?}: {errors:?}");
    assert_eq!(decoded, state, "{again:?}");
});
