/**
 * Soft Jaccard (IoU) loss (Rahman & Wang 2016).
 *
 * Per pool k (by default one image and class; see `pooling`), with TP = Σ y t, FP = Σ y (1 − t),
 * FN = Σ (1 − y) t summed over the pool:
 *   J_k = (TP_k + s) / (TP_k + FP_k + FN_k + s),   L = mean_k (1 − J_k)
 * TP + FP + FN = Σ y + Σ t − Σ y t is Rahman & Wang's soft union. 1 − J is evaluated as
 * (FP + FN)/(TP + FP + FN + s), which keeps its relative accuracy near a perfect prediction.
 *
 * MONAI's `DiceLoss(jaccard=True)` computes 1 − (2 TP + s')/(2 (TP + FP + FN) + s'): the same
 * ratio with s = s'/2, so `smooth: 5e-6` reproduces its default s' = 1e-5 exactly.
 *
 * @example
 *   const loss = createLoss('jaccard');
 *   const value = loss(labels, logits); // labels int32 [B,H,W], logits float32 [B,H,W,C]
 */
import { commonOptions } from '../options.js';
import type { Activation, Reduction } from '../options.js';
import { overlapStatistics, pooledShapeText, reduceRegionTerms, tverskyError } from '../overlap.js';
import type { AbsentClasses, Pooling } from '../overlap.js';
import type { LossDefinition } from '../types.js';
import { regionOptions } from './region-options.js';

type JaccardOptions = {
  activation: Activation;
  ignoreIndex: number | null;
  includeBackground: boolean;
  classWeights: number[] | null;
  smooth: number;
  pooling: Pooling;
  absentClasses: AbsentClasses;
  reduction: Reduction;
};

export const jaccard: LossDefinition<JaccardOptions> = {
  name: 'jaccard',
  category: 'region',
  title: 'IoU (Jaccard) loss',
  summary: 'One minus the soft intersection over union of predicted probabilities and target.',
  formula:
    String.raw`\mathcal{L}_{IoU} = 1 - \frac{1}{C}\sum_{c=1}^{C}` +
    String.raw`\frac{\sum_{i=1}^{N} t_{i,c}\,y_{i,c} + s}{\sum_{i=1}^{N} ` +
    String.raw`\left(t_{i,c} + y_{i,c} - t_{i,c}\,y_{i,c}\right) + s}`,
  symbols: 's: smoothing constant. The mean runs over the pools (images × kept classes).',
  sources: ['rahman2016'],
  whenToUse:
    'When the evaluation metric is IoU (Pascal VOC, Cityscapes); like Dice, for imbalanced ' +
    'foreground, usually next to cross-entropy.',
  pros: [
    'Optimises a soft version of the evaluation metric',
    'Insensitive to the size of the background',
  ],
  cons: [
    'Penalises errors more than Dice for the same overlap, so gradients are harsher early on',
    'Noisy for small or absent structures',
  ],
  unreducedShape: pooledShapeText(),
  minimum: '0 (up to the smoothing constant) for a perfect prediction',
  emptyPolicy:
    "With absentClasses: 'keep' (default) a class absent from the target keeps its term " +
    "Σ y/(Σ y + s), near 1 unless the prediction is empty too (MONAI); 'zero' gives it 0 but " +
    "counts it in the mean (smp); 'drop' leaves it out. Ignored pixels are removed from all " +
    'sums; all pixels ignored gives 0 with a zero gradient.',
  options: {
    activation: commonOptions.activation,
    ignoreIndex: commonOptions.ignoreIndex,
    includeBackground: commonOptions.includeBackground,
    classWeights: commonOptions.classWeights,
    smooth: commonOptions.smooth,
    pooling: regionOptions.pooling,
    absentClasses: regionOptions.absentClasses,
    reduction: commonOptions.reduction,
  },
  parity: [
    {
      reference: 'MONAI DiceLoss(softmax=True, to_onehot_y=True, jaccard=True)',
      options: { smooth: 5e-6 },
      relation: 'MONAI: 1 − (2TP + 1e-5)/(2(TP + FP + FN) + 1e-5) = ours with s = 5e-6',
    },
    {
      reference: "smp JaccardLoss('multiclass') (smooth=0, eps=1e-7)",
      options: { pooling: 'class', absentClasses: 'zero', smooth: 0 },
    },
    {
      reference: 'SegLossOdyssey IoULoss(apply_nonlin=softmax_helper) (smooth=1)',
      options: { smooth: 1 },
      relation: 'SegLossOdyssey returns −IoU = ours − 1',
    },
    {
      reference: 'YilmazKadir/Segmentation_Losses JaccardLoss(ignore_index=255, smooth=1)',
      options: { pooling: 'class', smooth: 1 },
    },
  ],
  build(options) {
    return (input) => {
      const stats = overlapStatistics(input, {
        pooling: options.pooling,
        includeBackground: options.includeBackground,
      });
      const terms = tverskyError(stats, 1, 1, options.smooth);
      return reduceRegionTerms('jaccard', terms, stats.targetMass, input.numClasses, options);
    };
  },
};
