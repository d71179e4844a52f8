//! The Markdown of `docs/results/nas-growth.md`: one section per method family, each with the
//! paper's claim beside our numbers and a verdict, then the all-models chart and the timings.

use kiln_core::experiment::{MeanStd, ResultsPage, Table, welch_t_test};
use kiln_nas::mixture_growth::MixtureGrowthConfig;
use kiln_nas::nn_factory::FactoryConfig;

use crate::growth::METHODS;
use crate::{Budget, Point, Results, charts};

/// `mean ± std` of `values` × 100 (percent), one decimal.
pub fn pct(values: &[f64]) -> String {
    format!("{:.1}", MeanStd::of(values).scaled(100.0))
}

/// Per member (same order in every seed): the first seed's point and the accuracies over seeds.
pub fn over_seeds<'a>(runs: impl Iterator<Item = &'a Vec<Point>>) -> Vec<(Point, Vec<f64>)> {
    let mut out: Vec<(Point, Vec<f64>)> = Vec::new();
    for run in runs {
        for (i, p) in run.iter().enumerate() {
            match out.get_mut(i) {
                Some((_, accs)) => accs.push(p.accuracy),
                None => out.push((p.clone(), vec![p.accuracy])),
            }
        }
    }
    out
}

fn mean(v: &[f64]) -> f64 {
    kiln_core::experiment::mean(v)
}

fn verdict(holds: bool, partly: bool) -> &'static str {
    match (holds, partly) {
        (true, _) => "holds",
        (false, true) => "partly",
        (false, false) => "does not hold",
    }
}

/// Writes the page's body.
pub fn write(
    page: &mut ResultsPage,
    results: &Results,
    seeds: &[u64],
    budget: &Budget,
    configs: &(usize, usize, MixtureGrowthConfig, FactoryConfig),
) -> Result<(), Box<dyn std::error::Error>> {
    let (size, examples, growth_cfg, factory_cfg) = configs;
    page.paragraph(&format!(
        "Seeds {seeds:?}, mean ± std over seeds. Data: {size}×{size} images of 10 classes ({}), split 70/10/20 by seed and normalised on the training part ({examples} training images); all accuracies on the test part. Every model trains from scratch in this run on the flex device (no pretrained weights). MACs are analytic forward multiply-accumulates of one image (`kiln_nas::macs::Cost`).",
        if *size == 8 { "the embedded digits: `--quick` smoke run, numbers not meaningful" } else { "procedural images, `kiln_data::procedural`" }
    ));
    section_pool(page, results, budget)?;
    section_growth(page, results, growth_cfg)?;
    section_factory(page, results, budget, factory_cfg);
    charts::all_models(page, results)?;
    page.heading(2, "Wall-clock time");
    let mut table = Table::new(["section", "seconds (all seeds)"]);
    let names = ["1. Learngene Pool vs SN-Net", "2. MixtureGrowth", "3. NN-Factory"];
    for (name, s) in names.iter().zip(results.seconds) {
        table.row([name.to_string(), format!("{s:.0}")]);
    }
    page.table(&table);
    Ok(())
}

fn section_pool(page: &mut ResultsPage, results: &Results, budget: &Budget) -> Result<(), Box<dyn std::error::Error>> {
    let e = budget.pool;
    page.heading(2, "1. Learngene Pool vs SN-Net");
    page.paragraph(&format!(
        "SN-Net: three ViT anchors of equal depth (widths Ti/S/B-like) trained alone for {} epoch(s), stitch layers initialised by least squares, then {} epoch(s) of stitching (one random configuration per step). Learngene Pool: an ancestry ViT trained {} epoch(s), three narrower auxiliaries distilled from it ({} epoch(s) each, logits + block outputs + attention through learned maps), stitch layers initialised from those maps, then {} epoch(s) of fine-tuning one random descendant per step. Adam; see the module docs of `kiln_nas::snnet` and `kiln_nas::learngene` for the deviations from the official code.",
        e.anchors, e.stitching, e.ancestry, e.distill, e.finetune
    ));
    let sn = over_seeds(results.pool.iter().map(|r| &r.snnet));
    let lg = over_seeds(results.pool.iter().map(|r| &r.pool));
    let stored = |f: &dyn Fn(&crate::pool::PoolRun) -> u64| results.pool.first().map_or(0, f);
    let (sn_stored, lg_stored) = (stored(&|r| r.snnet_stored), stored(&|r| r.pool_stored));
    let min_macs = |v: &[(Point, Vec<f64>)]| v.iter().map(|(p, _)| p.macs).min().unwrap_or(0);
    let max_macs = |v: &[(Point, Vec<f64>)]| v.iter().map(|(p, _)| p.macs).max().unwrap_or(0);
    let member_mean = |v: &[(Point, Vec<f64>)]| {
        let means: Vec<f64> = v.iter().map(|(_, a)| mean(a)).collect();
        format!("{:.1}", 100.0 * mean(&means))
    };
    let mut table = Table::new([
        "family",
        "models",
        "stored parameters",
        "smallest MACs",
        "largest MACs",
        "mean accuracy of members (%)",
    ]);
    table.row([
        "SN-Net (anchors + stitch layers)".to_string(),
        sn.len().to_string(),
        sn_stored.to_string(),
        min_macs(&sn).to_string(),
        max_macs(&sn).to_string(),
        member_mean(&sn),
    ]);
    table.row([
        "Learngene Pool (instances + stitch layers)".to_string(),
        lg.len().to_string(),
        lg_stored.to_string(),
        min_macs(&lg).to_string(),
        max_macs(&lg).to_string(),
        member_mean(&lg),
    ]);
    if let Some(a) = results.pool.first().map(|r| &r.ancestry) {
        let accs: Vec<f64> = results.pool.iter().map(|r| r.ancestry.accuracy).collect();
        table.row([
            format!("ancestry (training only, not stored; {} %)", pct(&accs)),
            "1".into(),
            a.params.to_string(),
            a.macs.to_string(),
            a.macs.to_string(),
            String::new(),
        ]);
    }
    page.table(&table);

    // Pool descendants at or above SN-Net's front: SN-Net's best accuracy at ≤ their MACs.
    let sn_best_below =
        |macs: u64| sn.iter().filter(|(p, _)| p.macs <= macs).map(|(_, a)| mean(a)).fold(f64::NAN, f64::max);
    let compared: Vec<(f64, f64)> =
        lg.iter().filter_map(|(p, a)| Some((mean(a), sn_best_below(p.macs))).filter(|(_, b)| b.is_finite())).collect();
    let above = compared.iter().filter(|(a, b)| a >= b).count();
    let gap: Vec<f64> = compared.iter().map(|(a, b)| a - b).collect();
    let smaller = lg.iter().filter(|(p, _)| p.macs < min_macs(&sn)).count();
    let mut claims = Table::new(["claim (Shi et al., AAAI 2024)", "ours", "verdict"]);
    claims.row([
        "the pool stores fewer parameters than SN-Net's anchors".to_string(),
        format!("{lg_stored} vs {sn_stored} ({:.2}×)", lg_stored as f64 / sn_stored.max(1) as f64),
        verdict(lg_stored < sn_stored, false).to_string(),
    ]);
    claims.row([
        "it builds models smaller than SN-Net's smallest anchor".to_string(),
        format!("{smaller} descendants below {} MACs (smallest {})", min_macs(&sn), min_macs(&lg)),
        verdict(smaller > 0, false).to_string(),
    ]);
    claims.row([
        "descendants are more accurate than SN-Net's stitched models of similar size".to_string(),
        format!(
            "{above} of {} comparable descendants at or above SN-Net's best at ≤ their MACs; mean gap {:+.1} points",
            compared.len(),
            100.0 * mean(&gap)
        ),
        verdict(2 * above > compared.len() && mean(&gap) >= 0.0, 4 * above >= compared.len()).to_string(),
    ]);
    page.table(&claims);
    page.paragraph("Every member (accuracy %, mean ± std over seeds), as plotted in `nas-growth-pool.png`:");
    page.paragraph("![Accuracy against MACs: SN-Net and Learngene Pool](nas-growth-pool.png)");
    let mut table = Table::new(["family", "model", "MACs", "parameters", "accuracy (%)"]);
    for (family, members) in [("SN-Net", &sn), ("Learngene Pool", &lg)] {
        for (p, accs) in members.iter() {
            table.row([family.to_string(), p.name.clone(), p.macs.to_string(), p.params.to_string(), pct(accs)]);
        }
    }
    page.table(&table);
    charts::pool_chart(page, &sn, &lg)?;
    Ok(())
}

fn section_growth(
    page: &mut ResultsPage,
    results: &Results,
    cfg: &MixtureGrowthConfig,
) -> Result<(), Box<dyn std::error::Error>> {
    page.heading(2, "2. MixtureGrowth: growth initialisations, Net2Net and scratch");
    let seed_w = cfg.seed_widths();
    let target_w = cfg.target_widths();
    page.paragraph(&format!(
        "Template-mixing WRN-{}-{} grown from two WRN seeds of half width (seed widths {seed_w:?} → {target_w:?}): the seeds train {} epoch(s) together (SGD {}, warm-up + cosine), grow, then train {} epoch(s) at {}. Net2Net widens seed 0 alone (function-preserving; its seed epochs count one seed). Scratch: the full width for {} epochs at the seeds' rate. Deviation: `MixtureGrowthConfig::small()` is WRN-10-4; WRN-10-1 here keeps the full run within 25 minutes on two cores (WRN-10-4 costs ~16× more per image). Training cost: forward MACs per image × training images per epoch, summed (a step costs ≈ 3 forward passes for every method alike).",
        cfg.depth, cfg.widen_factor, cfg.seed_epochs, cfg.lr, cfg.grown_epochs, cfg.lr_growing, cfg.seed_epochs + cfg.grown_epochs
    ));
    let per_method =
        |i: usize| -> Vec<&crate::growth::GrowthRun> { results.growth.iter().filter_map(|r| r.get(i)).collect() };
    let accs = |i: usize| -> Vec<f64> { per_method(i).iter().map(|r| r.accuracy).collect() };
    let mut table = Table::new(["method", "test accuracy (%)", "cumulative training MACs (10⁹)", "network MACs"]);
    for (i, name) in METHODS.iter().enumerate() {
        let runs = per_method(i);
        let cost: Vec<f64> = runs.iter().map(|r| r.training_macs / 1e9).collect();
        table.row([
            name.to_string(),
            pct(&accs(i)),
            format!("{:.1}", mean(&cost)),
            runs.first().map_or(0, |r| r.macs).to_string(),
        ]);
    }
    page.table(&table);
    let p = |a: usize, b: usize| welch_t_test(&accs(a), &accs(b)).map_or("–".to_string(), |t| format!("{:.2}", t.p));
    let ortho = mean(&accs(0));
    let best_other = (1..4).map(|i| mean(&accs(i))).fold(f64::MIN, f64::max);
    let (net2net, scratch) = (mean(&accs(4)), mean(&accs(5)));
    let cost = |i: usize| mean(&per_method(i).iter().map(|r| r.training_macs).collect::<Vec<_>>());
    let mut claims = Table::new(["claim (Pham et al., WACV 2024)", "ours", "verdict"]);
    claims.row([
        "orthogonal new coefficients beat copy, zero and random ones".to_string(),
        format!(
            "{:.1} vs best other {:.1} (Welch p vs copy {}, zero {}, random {})",
            100.0 * ortho,
            100.0 * best_other,
            p(0, 1),
            p(0, 2),
            p(0, 3)
        ),
        verdict(ortho > best_other, ortho >= mean(&accs(2))).to_string(),
    ]);
    claims.row([
        "+2–2.5 points over prior growth (Net2Net)".to_string(),
        format!("{:+.1} points (Welch p {})", 100.0 * (ortho - net2net), p(0, 4)),
        verdict(ortho - net2net >= 0.02, ortho > net2net).to_string(),
    ]);
    claims.row([
        "about as accurate as the same width from scratch, with fewer training FLOPs".to_string(),
        format!(
            "{:+.1} points, {:.2}× the training MACs (Welch p {})",
            100.0 * (ortho - scratch),
            cost(0) / cost(5).max(1.0),
            p(0, 5)
        ),
        verdict(ortho >= scratch - 0.01 && cost(0) < cost(5), cost(0) < cost(5)).to_string(),
    ]);
    page.table(&claims);
    page.paragraph("Validation accuracy per epoch against cumulative training MACs (seed means):");
    page.paragraph("![Accuracy against cumulative training MACs](nas-growth-mixture.png)");
    charts::growth_chart(page, results)?;
    Ok(())
}

fn section_factory(page: &mut ResultsPage, results: &Results, budget: &Budget, cfg: &FactoryConfig) {
    page.heading(2, "3. NN-Factory: customisation against per-task pruning + fine-tuning");
    let tasks = results.factory.first().map_or(0, |r| r.tasks);
    page.paragraph(&format!(
        "Modular supernet of {} layers × {} modules ({} channels each), pretrained {} epochs over random assemblies, assembler trained {} epochs (λ = {}); then the first {tasks} held-out tasks (2–5 classes never given to the assembler) are customised at {:.0}% of the full network's MACs. Baselines on the same supernet and budget: L1 pruning of modules before and after {} epochs of fine-tuning on the task's training images, and a random assembly. Accuracy on the task's test images; seconds per task on this machine (means over tasks, then mean ± std over seeds).",
        cfg.layers(), cfg.modules, cfg.module_channels, budget.factory.pretrain_epochs, budget.factory.assemble_epochs, cfg.sparsity_weight, 100.0 * crate::factory::DENSITY, budget.fine_tune
    ));
    let f = &results.factory;
    let col = |g: &dyn Fn(&crate::factory::FactoryRun) -> f64| -> Vec<f64> { f.iter().map(g).collect() };
    let secs = |v: Vec<f64>| format!("{:.3}", MeanStd::of(&v));
    let mut table = Table::new(["method", "accuracy (%)", "seconds per task", "MACs / full"]);
    table.row([
        "NN-Factory (one assembler pass + K candidates)".to_string(),
        pct(&col(&|r| r.ours.0)),
        secs(col(&|r| r.ours.1)),
        format!("{:.2}", mean(&col(&|r| r.ours.2))),
    ]);
    table.row([
        "L1 pruning, no fine-tuning".to_string(),
        pct(&col(&|r| r.pruned.0)),
        secs(col(&|r| r.pruned.1)),
        format!("≤ {:.2}", crate::factory::DENSITY),
    ]);
    table.row([
        format!("L1 pruning + {} epochs fine-tuning", budget.fine_tune),
        pct(&col(&|r| r.tuned.0)),
        secs(col(&|r| r.tuned.1)),
        format!("≤ {:.2}", crate::factory::DENSITY),
    ]);
    table.row([
        "random assembly".to_string(),
        pct(&col(&|r| r.random)),
        "–".to_string(),
        format!("≤ {:.2}", crate::factory::DENSITY),
    ]);
    page.table(&table);
    let (ours, tuned) = (mean(&col(&|r| r.ours.0)), mean(&col(&|r| r.tuned.0)));
    let speedup = mean(&col(&|r| r.tuned.1)) / mean(&col(&|r| r.ours.1)).max(1e-9);
    let factory_s = mean(&col(&|r| r.factory_seconds));
    let mut claims = Table::new(["claim (Xu et al., 2023)", "ours", "verdict"]);
    claims.row([
        "customisation in seconds, orders of magnitude faster than conventional customisation".to_string(),
        format!("{speedup:.0}× faster than pruning + fine-tuning per task (the factory's one-off training: {factory_s:.0} s)"),
        verdict(speedup >= 100.0, speedup > 1.0).to_string(),
    ]);
    claims.row([
        "near fine-tuned accuracy".to_string(),
        format!("{:+.1} points vs pruning + fine-tuning", 100.0 * (ours - tuned)),
        verdict(ours >= tuned - 0.02, ours >= tuned - 0.05).to_string(),
    ]);
    page.table(&claims);
}
