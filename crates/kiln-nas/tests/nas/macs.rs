//! `kiln_nas::macs::Cost` against hand counts.

use kiln_nas::macs::Cost;

#[test]
fn conv_linear_and_attention_costs_match_hand_counts() {
    // 3×3 conv 4 → 8 on a 5×5 output: 5·5·8·4·9 = 7200 MACs; 8·4·9 + 8 = 296 parameters.
    assert_eq!(Cost::conv2d(4, 8, 3, 1, 5, 5, true), Cost::new(7200, 296));
    // depthwise 3×3 on 8 channels, 2×2 output: 2·2·8·1·9 = 288 MACs, 72 weights.
    assert_eq!(Cost::conv2d(8, 8, 3, 8, 2, 2, false), Cost::new(288, 72));
    // linear 6 → 4 on 3 tokens: 72 MACs, 28 parameters.
    assert_eq!(Cost::linear(6, 4, 3, true), Cost::new(72, 28));
    // attention over 5 tokens of width 4: 2·25·4 = 200 MACs.
    assert_eq!(Cost::attention_products(5, 4), Cost::new(200, 0));
    let total: Cost = [Cost::linear(6, 4, 3, true), Cost::norm(4)].into_iter().sum();
    assert_eq!(total, Cost::new(72, 36));
}
