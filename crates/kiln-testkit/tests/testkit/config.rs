use kiln_testkit::{DEFAULT_CASES, cases, config};

/// The only test in this binary that touches the environment.
#[test]
fn cases_honours_the_environment_variable() {
    // SAFETY: no other test of this binary writes the environment, and every read in this
    // process goes through `std::env`, which serialises with these writes.
    unsafe { std::env::remove_var("KILN_PROPTEST_CASES") };
    assert_eq!(cases(), DEFAULT_CASES);
    unsafe { std::env::set_var("KILN_PROPTEST_CASES", "500") };
    assert_eq!(cases(), 500);
    assert_eq!(config().cases, 500);
    assert!(config().failure_persistence.is_none());
    unsafe { std::env::set_var("KILN_PROPTEST_CASES", "lots") };
    let typo = std::panic::catch_unwind(cases);
    unsafe { std::env::remove_var("KILN_PROPTEST_CASES") };
    assert!(typo.is_err(), "a malformed value must not run the default");
}
