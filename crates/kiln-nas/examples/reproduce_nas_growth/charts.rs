//! The charts beside the page: section 1's accuracy against MACs, section 2's accuracy against
//! cumulative training MACs, and section 4: every model against a scratch-trained reference.

use kiln_core::experiment::{ResultsPage, Table, mean};
use kiln_render::{Chart, Legend, Series};

use crate::growth::METHODS;
use crate::page::{over_seeds, pct};
use crate::{Point, Results};

type Members = [(Point, Vec<f64>)];

/// `(log10 MACs, mean accuracy)` of each member.
fn points(members: &Members) -> Vec<(f64, f64)> {
    members.iter().map(|(p, a)| ((p.macs.max(1) as f64).log10(), mean(a))).collect()
}

/// Section 1's chart: SN-Net's and the pool's members.
pub fn pool_chart(page: &ResultsPage, sn: &Members, lg: &Members) -> Result<(), Box<dyn std::error::Error>> {
    Chart::new("Learngene Pool vs SN-Net: test accuracy against MACs (seed means)")
        .x_label("log10 MACs per image")
        .y_label("test accuracy")
        .legend(Legend::LowerRight)
        .series(Series::scatter("SN-Net (anchors + stitched)", points(sn)))
        .series(Series::scatter("Learngene Pool descendants", points(lg)))
        .save_png(page.asset("nas-growth-pool.png")?)?;
    Ok(())
}

/// Section 2's chart: per method, validation accuracy against cumulative training MACs,
/// averaged over seeds epoch by epoch.
pub fn growth_chart(page: &ResultsPage, results: &Results) -> Result<(), Box<dyn std::error::Error>> {
    let mut chart = Chart::new("MixtureGrowth: validation accuracy against cumulative training MACs")
        .x_label("cumulative training forward MACs (10⁹)")
        .y_label("validation accuracy")
        .legend(Legend::LowerRight);
    for (i, name) in METHODS.iter().enumerate() {
        let curves: Vec<&Vec<(f64, f64)>> = results.growth.iter().filter_map(|r| r.get(i)).map(|r| &r.curve).collect();
        let len = curves.iter().map(|c| c.len()).min().unwrap_or(0);
        let line: Vec<(f64, f64)> = (0..len)
            .map(|e| {
                let x: Vec<f64> = curves.iter().map(|c| c[e].0 / 1e9).collect();
                let y: Vec<f64> = curves.iter().map(|c| c[e].1).collect();
                (mean(&x), mean(&y))
            })
            .collect();
        chart = chart.series(Series::line(*name, line));
    }
    chart.save_png(page.asset("nas-growth-mixture.png")?)?;
    Ok(())
}

/// Section 4: every 10-class model against MACs, with the networks trained alone as the
/// reference curve; writes `nas-growth-all.png` and its heading, text and table.
pub fn all_models(page: &mut ResultsPage, results: &Results) -> Result<(), Box<dyn std::error::Error>> {
    page.heading(2, "4. Every model: accuracy against MACs, beside networks trained alone");
    let sn = over_seeds(results.pool.iter().map(|r| &r.snnet));
    let lg = over_seeds(results.pool.iter().map(|r| &r.pool));
    // The scratch reference: each architecture trained alone with cross-entropy.
    let mut scratch = over_seeds(results.pool.iter().map(|r| &r.scratch));
    if let Some(first) = results.pool.first() {
        scratch.push((first.ancestry.clone(), results.pool.iter().map(|r| r.ancestry.accuracy).collect()));
    }
    let growth_point = |i: usize, name: &str| -> Vec<Point> {
        results
            .growth
            .iter()
            .filter_map(|r| r.get(i))
            .map(|r| Point { name: name.to_string(), macs: r.macs, params: 0, accuracy: r.accuracy })
            .collect()
    };
    let wrn = growth_point(METHODS.len() - 1, "WRN full width (MixtureGrowth's scratch)");
    if let Some(first) = wrn.first() {
        scratch.push((first.clone(), wrn.iter().map(|p| p.accuracy).collect()));
    }
    scratch.sort_by_key(|(p, _)| p.macs);
    let grown: Vec<(Point, Vec<f64>)> = (0..METHODS.len() - 1)
        .filter_map(|i| {
            let runs = growth_point(i, METHODS[i]);
            let accs: Vec<f64> = runs.iter().map(|p| p.accuracy).collect();
            runs.into_iter().next().map(|p| (p, accs))
        })
        .collect();
    Chart::new("All models: test accuracy against MACs (seed means)")
        .x_label("log10 MACs per image")
        .y_label("test accuracy")
        .legend(Legend::LowerRight)
        .series(Series::scatter("SN-Net", points(&sn)))
        .series(Series::scatter("Learngene Pool", points(&lg)))
        .series(Series::scatter("MixtureGrowth / Net2Net (grown)", points(&grown)))
        .series(Series::line("trained alone (reference)", points(&scratch)))
        .save_png(page.asset("nas-growth-all.png")?)?;
    page.paragraph("![All models against MACs](nas-growth-all.png)");
    page.paragraph("NN-Factory's customised networks are not on this chart: they classify 2–5-class tasks, so their accuracies are not comparable with 10-class models (section 3 compares them on the tasks). The reference curve (networks trained alone with cross-entropy on the same data):");
    let mut table = Table::new(["trained alone", "MACs", "parameters", "accuracy (%)"]);
    for (p, accs) in &scratch {
        table.row([
            p.name.clone(),
            p.macs.to_string(),
            if p.params > 0 { p.params.to_string() } else { "–".into() },
            pct(accs),
        ]);
    }
    page.table(&table);
    Ok(())
}
