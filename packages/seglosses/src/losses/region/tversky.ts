/**
 * Tversky loss (Salehi, Erdogmus & Gholipour 2017).
 *
 * Per pool k (by default one image and class; see `pooling`), with TP = Σ y t, FP = Σ y (1 − t),
 * FN = Σ (1 − y) t summed over the pool:
 *   TI_k = (TP_k + s) / (TP_k + α FP_k + β FN_k + s),   L = mean_k (1 − TI_k)
 * α weights false positives and β false negatives (MONAI, smp, SegLossOdyssey); β > α favours
 * recall. 1 − TI is evaluated as (α FP + β FN)/(TP + α FP + β FN + s) (see `tverskyError`).
 * α = β = 1/2 gives Dice with smoothing 2s; α = β = 1 gives IoU.
 *
 * @example
 *   const loss = createLoss('tversky', { alpha: 0.3, beta: 0.7 });
 *   const value = loss(labels, logits); // labels int32 [B,H,W], logits float32 [B,H,W,C]
 */
import { commonOptions } from '../options.js';
import type { Activation, Reduction } from '../options.js';
import { overlapStatistics, pooledShapeText, reduceRegionTerms, tverskyError } from '../overlap.js';
import type { AbsentClasses, Pooling } from '../overlap.js';
import type { LossDefinition } from '../types.js';
import { regionOptions } from './region-options.js';

type TverskyOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  includeBackground: boolean;
  classWeights: number[] | null;
  alpha: number;
  beta: number;
  smooth: number;
  pooling: Pooling;
  absentClasses: AbsentClasses;
  reduction: Reduction;
};

/** α and β, shared with the focal Tversky loss. */
export const tverskyWeightOptions = {
  alpha: {
    type: 'number',
    default: 0.3,
    min: 0,
    doc: 'Weight of the false positives Σ y(1 − t) (MONAI/smp alpha).',
  },
  beta: {
    type: 'number',
    default: 0.7,
    min: 0,
    doc: 'Weight of the false negatives Σ (1 − y)t (MONAI/smp beta; mlyg/Abraham delta).',
  },
} as const;

export const tversky: LossDefinition<TverskyOptions> = {
  name: 'tversky',
  category: 'region',
  title: 'Tversky loss',
  summary: 'One minus the soft Tversky index, which weights false positives and negatives apart.',
  formula:
    String.raw`\mathcal{L}_{T} = 1 - \frac{1}{C}\sum_{c=1}^{C}` +
    String.raw`\frac{\sum_{i} t_{i,c} y_{i,c} + s}{\sum_{i} t_{i,c} y_{i,c} + ` +
    String.raw`\alpha \sum_{i} (1 - t_{i,c})\, y_{i,c} + \beta \sum_{i} t_{i,c} (1 - y_{i,c}) + s}`,
  symbols:
    'α: weight of false positives; β: weight of false negatives; s: smoothing constant. The ' +
    'mean runs over the pools (images × kept classes).',
  sources: ['salehi2017'],
  surveyNote:
    'The survey prints α on the false negatives and β on the false positives. Salehi et al. ' +
    'and the reference implementations (MONAI, smp, SegLossOdyssey) weight the false ' +
    'positives with α and the false negatives with β; this library follows them, so the ' +
    "paper's recommended α = 0.3, β = 0.7 penalises missed foreground more.",
  whenToUse:
    'Small, rare foreground (lesions) where missed pixels cost more than false alarms: raise β ' +
    'above α to trade precision for recall.',
  pros: ['Explicit precision/recall trade-off', 'Reduces to Dice (α = β = ½) and IoU (α = β = 1)'],
  cons: ['Two more hyper-parameters', 'Same noisy gradients as Dice for tiny structures'],
  unreducedShape: pooledShapeText(),
  minimum: '0 (up to the smoothing constant) for a perfect prediction',
  emptyPolicy:
    "With absentClasses: 'keep' (default) a class absent from the target keeps its term " +
    "α Σ y/(α Σ y + s) (MONAI); 'zero' gives it 0 but counts it in the mean (smp); 'drop' " +
    'leaves it out. Ignored pixels are removed from all sums; all pixels ignored gives 0 with a ' +
    'zero gradient.',
  options: {
    activation: commonOptions.activation,
    ignoreIndex: commonOptions.ignoreIndex,
    includeBackground: commonOptions.includeBackground,
    classWeights: commonOptions.classWeights,
    alpha: tverskyWeightOptions.alpha,
    beta: tverskyWeightOptions.beta,
    smooth: commonOptions.smooth,
    pooling: regionOptions.pooling,
    absentClasses: regionOptions.absentClasses,
    reduction: commonOptions.reduction,
  },
  parity: [
    {
      reference: 'MONAI TverskyLoss(softmax=True, to_onehot_y=True, alpha=0.3, beta=0.7)',
      options: {},
    },
    {
      reference: "smp TverskyLoss('multiclass', alpha=0.3, beta=0.7) (smooth=0, eps=1e-7)",
      options: { pooling: 'class', absentClasses: 'zero', smooth: 0 },
    },
    {
      reference: 'SegLossOdyssey TverskyLoss(apply_nonlin=softmax_helper) (smooth=1)',
      options: { smooth: 1 },
      relation: 'SegLossOdyssey returns −TI = ours − 1',
    },
    { reference: 'mlyg tversky_loss(delta=0.7) (smooth=1e-6)', options: { smooth: 1e-6 } },
    {
      reference: 'YilmazKadir/Segmentation_Losses TverskyLoss(alpha=0.3, beta=0.7, smooth=1)',
      options: { pooling: 'class', smooth: 1 },
    },
  ],
  build(options) {
    return (input) => {
      const stats = overlapStatistics(input, {
        pooling: options.pooling,
        includeBackground: options.includeBackground,
      });
      const terms = tverskyError(stats, options.alpha, options.beta, options.smooth);
      return reduceRegionTerms('tversky', terms, stats.targetMass, input.numClasses, options);
    };
  },
};
