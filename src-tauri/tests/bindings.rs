//! `ui/src/bindings.ts` is generated from the Rust types; this test fails when it is stale.
//! `cargo xtask bindings` (or CCS_UPDATE_BINDINGS=1) rewrites it.
#![allow(clippy::unwrap_used)]

#[test]
fn bindings_are_fresh() {
    let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
    if std::env::var("CCS_UPDATE_BINDINGS").as_deref() == Ok("1") {
        customer_space_lib::export_bindings(&committed).unwrap();
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("bindings.ts");
    customer_space_lib::export_bindings(&fresh).unwrap();
    let fresh = std::fs::read_to_string(&fresh).unwrap();
    let current = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        fresh == current,
        "ui/src/bindings.ts is stale: run `cargo xtask bindings` and commit the result"
    );
}
