//! [`in_own_process`]: a test that needs burn's device RNG to itself.

/// Set in the child process that [`in_own_process`] starts.
const CHILD: &str = "KILN_TEST_ALONE";

/// Runs `body` in a process of its own: this test binary again, on the test `name` alone
/// (its path in the binary, e.g. `protopnet::learns_digits_with_push`).
///
/// burn's flex backend keeps one random generator per process, and the other tests of a binary
/// draw from it at any moment (every model initialisation does), so a test that seeds the
/// device and then expects a given initialisation — a learning threshold, two seeded runs
/// compared bit for bit — only gets it when no other test shares the process. In the child,
/// `body` runs directly.
///
/// # Panics
/// When the child fails, does not run exactly this test, or cannot be started; the child's
/// output is in the message.
pub fn in_own_process(name: &str, body: impl FnOnce()) {
    if std::env::var_os(CHILD).is_some() {
        return body();
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let out = std::process::Command::new(exe)
        .args([name, "--exact", "--test-threads", "1", "--nocapture"])
        .env(CHILD, "1")
        .output()
        .expect("the test binary runs again");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && text.contains("1 passed"), "{name} in its own process:\n{text}");
    eprintln!("{text}");
}
