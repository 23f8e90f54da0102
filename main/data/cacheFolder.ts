// Where downloaded datasets live when the caller does not say (the CLI, the training worker).
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * $SPIKEWRIGHT_DATA_DIR, else $XDG_CACHE_HOME/spikewright/datasets (~/.cache/spikewright/datasets).
 * The Electron app may pass its own (app.getPath('userData')/datasets) as `cacheDir` instead.
 */
export function defaultCacheDir(): string {
  if (process.env.SPIKEWRIGHT_DATA_DIR) return process.env.SPIKEWRIGHT_DATA_DIR;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'spikewright', 'datasets');
}
