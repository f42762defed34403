/**
 * Backends the tests run on. `@tensorflow/tfjs` registers the gradients that tfjs-core's Node
 * bundle lacks; the wasm backend is the default in Node. Override with
 * SEGLOSSES_TEST_BACKENDS=cpu (comma-separated).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export const testBackends: readonly string[] = (process.env.SEGLOSSES_TEST_BACKENDS ?? 'wasm,cpu')
  .split(',')
  .map((b) => b.trim())
  .filter((b) => b.length > 0);

/** Switches the global backend and waits until it is ready. */
export async function useBackend(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`test backend ${name} failed to initialise`);
  await tf.ready();
}

export { tf };
