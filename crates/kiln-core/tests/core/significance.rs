//! Welch's t-test and the Shapiro–Wilk test against SciPy 1.17 (`ttest_ind(equal_var=False)`,
//! `shapiro`, which runs the same AS R94 algorithm in single precision), and the distribution
//! functions against closed forms.

use kiln_core::experiment::{
    gain, normal_quantile, normal_upper_tail, regularized_incomplete_beta, rises, shapiro_wilk, student_t_two_sided,
    welch_t_test,
};

fn near(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn welch_matches_scipy() {
    // Wikipedia's first example of Welch's t-test (unequal sample variances).
    let a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    let a2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    let r = welch_t_test(&a1, &a2).unwrap();
    assert!(near(r.t, -2.455356398286006, 1e-12) && near(r.df, 24.988529290231416, 1e-9), "{r:?}");
    assert!(near(r.p, 0.021378001462866992, 1e-10), "{r:?}");
    let r = welch_t_test(&[0.1, 0.4, 0.35, 0.8], &[1.2, 0.9, 1.5, 1.1, 1.3, 0.95]).unwrap();
    assert!(near(r.t, -4.350353537445879, 1e-12) && near(r.df, 5.366721577476855, 1e-9), "{r:?}");
    assert!(near(r.p, 0.006250213851357052, 1e-10), "{r:?}");
    let swapped = welch_t_test(&[1.2, 0.9, 1.5, 1.1, 1.3, 0.95], &[0.1, 0.4, 0.35, 0.8]).unwrap();
    assert!(near(swapped.t, -r.t, 1e-12) && near(swapped.p, r.p, 1e-14), "the test is symmetric");
}

#[test]
fn welch_refuses_what_it_cannot_test() {
    assert!(welch_t_test(&[1.0], &[1.0, 2.0]).is_none(), "one value has no variance");
    assert!(welch_t_test(&[3.0, 3.0], &[3.0, 3.0]).is_none(), "both variances zero");
    assert!(welch_t_test(&[1.0, f64::NAN], &[1.0, 2.0]).is_none());
}

#[test]
fn claims_state_the_difference_and_whether_an_ordering_holds() {
    let (low, high) = ([0.1, 0.4, 0.35, 0.8], [1.2, 0.9, 1.5, 1.1, 1.3, 0.95]);
    // Means 0.4125 and 1.1583; Welch's p 0.0063 (SciPy above).
    assert_eq!(gain(&low, &high), "+0.7 (p = 0.01)");
    assert_eq!(gain(&high, &low), "-0.7 (p = 0.01)");
    assert_eq!(gain(&[1.0], &[3.5]), "+2.5", "one seed: no p");
    assert_eq!(rises(&[&low, &high]), "holds");
    assert_eq!(rises(&[&high, &low]), "does not hold");
    // Higher on the means but not significantly.
    let close = [0.2, 0.9, 0.3, 0.5];
    assert_eq!(rises(&[&low, &close]), "holds on the means only (within seed noise)");
    // A chain holds only when every step rises.
    assert_eq!(rises(&[&low, &high, &close]), "does not hold");
}

#[test]
fn distributions_match_closed_forms() {
    // ν = 1 is Cauchy: P(|T| ≥ 1) = 1/2; ν = 2: P(|T| ≥ t) = 1 − t/√(t² + 2).
    assert!(near(student_t_two_sided(1.0, 1.0), 0.5, 1e-13));
    for t in [0.3, 1.0, 2.5, 7.0] {
        assert!(near(student_t_two_sided(t, 2.0), 1.0 - t / (t * t + 2.0).sqrt(), 1e-13), "t = {t}");
    }
    assert!(near(student_t_two_sided(2.5, 7.0), 0.04099221858575289, 1e-12), "SciPy t.sf(2.5, 7)·2");
    // I_x(1, 1) = x; I_x(a, 1) = x^a.
    assert!(near(regularized_incomplete_beta(0.3, 1.0, 1.0), 0.3, 1e-14));
    assert!(near(regularized_incomplete_beta(0.6, 3.0, 1.0), 0.216, 1e-14));
    assert!(near(normal_quantile(0.975), 1.959963984540054, 1e-12));
    assert!(near(normal_quantile(0.5), 0.0, 1e-15));
    assert!(near(normal_quantile(1e-10), -6.361340902404056, 1e-9));
    assert!(near(normal_upper_tail(3.0), 0.0013498980316300933, 1e-15));
    assert!(near(normal_upper_tail(-1.0) + normal_upper_tail(1.0), 1.0, 1e-15));
}

#[test]
fn shapiro_wilk_matches_scipy() {
    let series = [
        0.0, 3.075, -0.5666, -2.4774, 1.8823, 2.8955, -1.4996, -1.1544, 3.3775, 2.0902, -1.8842, 0.653, 4.1994, 0.9741,
        -1.5154, 2.5772, 4.2378, -0.0569, -0.3851, 4.22, 3.5872, -0.629, 1.316, 5.2568, 2.5221, -0.4883, 3.248, 5.5213,
        1.425, 0.433,
    ];
    let squares: Vec<f64> = (1..=25).map(|i| f64::from(i * i)).collect();
    let cases: [(&[f64], f64, f64); 5] = [
        (&[2.0, 3.0, 7.0], 0.8928571428571429, 0.36311315497103014),
        (&[1.0, 2.0, 3.0, 4.0, 10.0], 0.8357883166461942, 0.1536125843490888),
        (&[1.0, 1.5, 2.2, 2.9, 3.1, 3.3, 4.8, 5.0, 7.9, 12.0], 0.8529598081057352, 0.06298991691750108),
        (&series, 0.9658680297303461, 0.4331121761519439),
        (&squares, 0.9032484957747275, 0.02160578338549689),
    ];
    for (x, w, p) in cases {
        let r = shapiro_wilk(x).unwrap();
        // SciPy computes in single precision.
        assert!(near(r.w, w, 2e-6) && near(r.p, p, 2e-5), "n = {}: {r:?} vs W {w}, p {p}", x.len());
    }
}

#[test]
fn shapiro_wilk_refuses_what_it_cannot_test() {
    assert!(shapiro_wilk(&[1.0, 2.0]).is_none(), "fewer than 3 values");
    assert!(shapiro_wilk(&[4.0; 10]).is_none(), "constant data");
    assert!(shapiro_wilk(&[1.0, f64::INFINITY, 2.0]).is_none());
}
