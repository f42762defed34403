/**
 * Trains and evaluates one model for one loss expression — the unit of work of a benchmark, run
 * in the main thread or in a worker.
 */
import * as tf from '@tensorflow/tfjs';
import { lossFromExpression } from 'seglosses';

import type { SliceDataset } from '../data/index.js';
import { evaluateModel, finiteOrNull } from '../evaluation/evaluate-model.js';
import { UNet } from '../models/unet.js';
import type { StepReport } from '../training/trainer.js';
import { lossWeightsAt, trainModel } from '../training/trainer.js';
import type { BenchConfig } from './bench-config.js';
import type { RunRecord } from './run-record.js';

export interface TrainOneResult {
  readonly record: RunRecord;
  readonly parameters: number;
  readonly emptyMaskPolicy: string;
  readonly testCases: number;
}

export function trainOne(
  config: BenchConfig,
  dataset: SliceDataset,
  expression: string,
  onStep?: (report: StepReport) => void,
): TrainOneResult {
  const before = tf.memory().numTensors;
  const loss = lossFromExpression(expression);
  const model = new UNet({
    inChannels: 1,
    numClasses: dataset.classes.length,
    baseChannels: config.baseChannels,
    depth: config.depth,
    seed: config.seed,
    heads: loss.heads(dataset.classes.length),
  });
  let result: TrainOneResult;
  try {
    const training = trainModel(
      model,
      loss,
      dataset.train,
      config.size,
      {
        epochs: config.epochs,
        batchSize: config.batchSize,
        maxLr: config.maxLr,
        weightDecay: config.weightDecay,
        seed: config.seed,
        augment: config.augment,
      },
      onStep,
    );
    const metrics = evaluateModel(model, dataset, config.emptyPolicy);
    const finalWeights = lossWeightsAt(loss, Math.max(training.steps - 1, 0));
    const record: RunRecord = {
      loss: expression,
      metrics: {
        meanDice: finiteOrNull(metrics.meanDice),
        meanHd95: finiteOrNull(metrics.meanHd95),
        miou: finiteOrNull(metrics.miou),
        perClass: metrics.perClass.map((c) => ({
          name: c.name,
          dice: finiteOrNull(c.dice),
          iou: finiteOrNull(c.iou),
          hd95: finiteOrNull(c.hd95),
        })),
      },
      trainLoss: training.epochLosses,
      finalLossWeights: finalWeights,
      trainSeconds: training.seconds,
      steps: training.steps,
    };
    result = {
      record,
      parameters: model.parameterCount(),
      emptyMaskPolicy: metrics.emptyMaskPolicy,
      testCases: metrics.cases,
    };
  } finally {
    model.dispose();
    loss.dispose();
  }
  // Reached only on success, so a leak report never hides the error that stopped a run.
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) throw new Error(`bench: ${leaked} tensors leaked while training ${expression}`);
  return result;
}
