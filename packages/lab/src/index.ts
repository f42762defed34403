/**
 * @seglosses/lab — what it takes to compare losses on real data: backends that train in Node,
 * NIfTI datasets, the UNet, the trainer, evaluation, the benchmark runner and its report.
 */
export * from './data/index.js';
export { initBackend, backendNames } from './backend/backend.js';
export type { BackendName } from './backend/backend.js';
export { registerWasmTrainingKernels } from './backend/register-wasm-kernels.js';
export { UNet } from './models/unet.js';
export type { SavedWeights, UNetConfig } from './models/unet.js';
export { batchNormTraining } from './models/batch-norm.js';
export { AdamW, defaultAdamW } from './training/adamw.js';
export type { AdamWOptions } from './training/adamw.js';
export { oneCycleLr } from './training/one-cycle.js';
export type { OneCycleOptions } from './training/one-cycle.js';
export { augmentationIndex, permutePixels, randomAugmentation } from './training/augment.js';
export { lossWeightsAt, predictLabels, trainModel } from './training/trainer.js';
export type { Example, StepReport, TrainingOptions, TrainingResult } from './training/trainer.js';
export { evaluateModel } from './evaluation/evaluate-model.js';
export type { ClassMetrics, EvaluationResult } from './evaluation/evaluate-model.js';
export { evaluationCases } from './evaluation/test-cases.js';
export type { EvaluationCase } from './evaluation/test-cases.js';
export { presets } from './bench/bench-config.js';
export type { BenchConfig, DatasetSpec, PresetName } from './bench/bench-config.js';
export { loadBenchDataset, runBench } from './bench/run-bench.js';
export type { BenchEvents } from './bench/run-bench.js';
export type { ClassRecord, ResultsFile, RunRecord } from './bench/run-record.js';
export { trainOne } from './bench/train-one.js';
export { renderHtmlReport } from './report/html-report.js';
export { formatTable, resultsTables } from './report/results-table.js';
export { createRandom } from './util/random.js';
export type { Random } from './util/random.js';
export { labVersion } from './version.js';
