/** Worker-thread entry: trains one loss and posts progress and the result to the main thread. */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';

import { initBackend } from '../backend/backend.js';
import { trainOne } from './train-one.js';
import type { WorkerInput, WorkerMessage } from './worker-protocol.js';

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('bench worker: must run in a worker thread');
  const input = workerData as WorkerInput;
  const post = (message: WorkerMessage) => port.postMessage(message);
  try {
    // Like the CLI: no advice to install tfjs-node on the terminal.
    tf.env().set('PROD', true);
    await initBackend(input.config.backend);
    const result = trainOne(input.config, input.dataset, input.expression, (report) =>
      post({ type: 'step', report }),
    );
    post({ type: 'done', result });
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}

void main();
