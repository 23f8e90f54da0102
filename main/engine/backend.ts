// Picks the tfjs backend: tfjs-node when it is installed (native TensorFlow), else the WASM
// backend (SIMD, XNNPACK; ~25x the pure-JS backend on matmul), else the pure-JS cpu backend
// with a warning. Every run records the name this returns.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { provideTfjs } from './fast/products';

let chosen: Promise<string> | null = null;

export interface BackendChoice {
  name: string;
  warnings: string[];
}

let warnings: string[] = [];

/** Initialises tfjs once per process and returns the backend's name ('tensorflow', 'wasm', 'cpu'). */
export function initBackend(preferred?: 'tensorflow' | 'wasm' | 'cpu'): Promise<string> {
  if (!chosen)
    chosen = choose(preferred).then((name) => {
      provideTfjs(tf);
      return name;
    });
  return chosen;
}

export function backendWarnings(): string[] {
  return warnings;
}

async function choose(preferred?: string): Promise<string> {
  warnings = [];
  if (!preferred || preferred === 'tensorflow') {
    try {
      // A variable module name keeps bundlers and tsc from requiring the optional package.
      const name = '@tensorflow/tfjs-node';
      await import(name);
      if (await tf.setBackend('tensorflow')) return tf.getBackend();
    } catch {
      // Not installed (it needs libtensorflow from outside the npm registry): fall through.
    }
  }
  if (!preferred || preferred === 'wasm') {
    try {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // Under Node the backend reads the .wasm binaries from the file system: point it at the
      // package's dist folder wherever node_modules is.
      const require = createRequire(import.meta.url);
      const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
      wasm.setWasmPaths(`${path.join(dir, 'dist')}${path.sep}`);
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return tf.getBackend();
      }
    } catch (e) {
      warnings.push(`The WASM backend did not load (${(e as Error).message}).`);
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  warnings.push('Using the pure-JavaScript cpu backend: the reference engine will be slow.');
  return tf.getBackend();
}
