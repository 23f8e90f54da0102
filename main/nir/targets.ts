// Export targets: the tool a NIR file is written for, the step that tool reads it at, and the
// semantics our simulator (simulate.ts) runs it under to measure what that tool will compute.
// Each target writes the same network with its own conventions (docs/nir-mapping.md):
//   nir       NIR's reference semantics at the graph's own dt (written to /node/metadata/dt);
//             w_in = tau_syn / dt and r = c tau_mem / dt, so input enters with gain 1.
//   snntorch  snnTorch's import_from_nir: its dt = 1e-4 s (hard-coded in its exporter and the
//             importer's default), r = tau_mem / dt and w_in = tau_syn / dt (as its exporter
//             writes); it has no CubaLI, so readouts are CubaLIF with a threshold never reached.
//   norse     Norse's from_nir: its default dt = 1e-3 s, r = 1 and w_in = 1, the gains folded
//             into the weights; no CubaLI either.
import type { NirSemantics } from './simulate';

export type ExportTarget = 'nir' | 'snntorch' | 'norse';

export interface TargetInfo {
  label: string;
  /** The step the target tool reads the file at (seconds); null: the graph's own dt. */
  dtSeconds: number | null;
  semantics: NirSemantics;
  /** CubaLI readouts: written as CubaLI, or as CubaLIF with this threshold (never reached). */
  readoutThreshold: number | null;
  /** Unit gains of w_in and r (true), or w_in = r = 1 with the gains folded into the weights (false). */
  gainsInFields: boolean;
  /** How to load the file in that tool. */
  howToLoad: string;
}

/** The threshold a readout written as CubaLIF gets: far above any membrane a readout reaches (checked). */
export const READOUT_THRESHOLD = 1e6;

export const EXPORT_TARGETS: Record<ExportTarget, TargetInfo> = {
  nir: {
    label: 'NIR (reference semantics)',
    dtSeconds: null,
    semantics: 'nir',
    readoutThreshold: null,
    gainsInFields: true,
    howToLoad: "nir.read(path); run with dt = /node/metadata/dt (the NIR paper's reference loop)",
  },
  snntorch: {
    label: 'snnTorch',
    dtSeconds: 1e-4,
    semantics: 'snntorch',
    readoutThreshold: READOUT_THRESHOLD,
    gainsInFields: true,
    howToLoad: 'snntorch.import_nir.import_from_nir(nir.read(path)) (its dt = 1e-4 s)',
  },
  norse: {
    label: 'Norse',
    dtSeconds: 1e-3,
    semantics: 'norse',
    readoutThreshold: READOUT_THRESHOLD,
    gainsInFields: false,
    howToLoad: 'norse.torch.from_nir(nir.read(path)) (its default dt = 1e-3 s)',
  },
};

export const EXPORT_TARGET_NAMES = Object.keys(EXPORT_TARGETS) as ExportTarget[];

export function isExportTarget(x: unknown): x is ExportTarget {
  return typeof x === 'string' && Object.hasOwn(EXPORT_TARGETS, x);
}
