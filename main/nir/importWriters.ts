// Import, stage 2 (writers): what the file's writer meant. The NIR equations are continuous;
// reading them as a discrete network needs the step dt, and each writer says it differently:
// - Spikewright writes /node/metadata/dt and its own extras block (our nodes, losses, names);
// - snnTorch hides its step in the parameters: r = tau_mem / dt;
// - Norse writes neither and assumes dt = 1 ms.
// An explicit dt from the caller overrides all three.
import { DEFAULT_IMPORT_DT_SECONDS } from './convention';
import { parseExtras, type SpikewrightNirExtras } from './extras';
import type { H5Group } from './h5';
import { type FlatNode, NirImportError, numbers, stringOf } from './importRead';

export type NirWriter = 'given' | 'spikewright' | 'snntorch' | 'norse';

export interface WriterReading {
  /** Whose convention fixed dt. */
  writer: NirWriter;
  dtSeconds: number;
  /** Our own block, when the file was written by Spikewright and the block is sound. */
  extras: SpikewrightNirExtras | null;
  /**
   * How the network is stepped once imported: another tool's file runs under NIR's reference
   * semantics ('nir'); our own files keep the discretisation they were trained under (files
   * from before the choice: 'spytorch').
   */
  discretisation: 'nir' | 'spytorch';
}

function discretisationOf(extras: SpikewrightNirExtras | null, metadata: H5Group | null): 'nir' | 'spytorch' {
  if (!extras) return stringOf(metadata?.children.discretisation) === 'spytorch' ? 'spytorch' : 'nir';
  const training = extras.dropped.nodes.find((n) => n.kind === 'training');
  return (training?.params as Record<string, unknown> | undefined)?.discretisation === 'nir' ? 'nir' : 'spytorch';
}

export function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b), 1e-12);
}

const positive = (v: number | undefined): v is number => v !== undefined && v > 0 && Number.isFinite(v);

/** Stage 2: the step to read the equations at, and our extras block when there is one. */
export function readWriterConventions(
  given: number | undefined,
  metadata: H5Group | null,
  nodes: Map<string, FlatNode>,
  notes: string[],
  unmapped: string[],
): WriterReading {
  const extras = readExtras(metadata, unmapped);
  if (given !== undefined) {
    if (!positive(given))
      throw new NirImportError(`The time step must be a positive number of seconds (got ${given}).`);
    notes.push(`Read the NIR equations with the given dt = ${given} s.`);
    return { writer: 'given', dtSeconds: given, extras, discretisation: discretisationOf(extras, metadata) };
  }
  const stored = metadata?.children.dt;
  if (stored && stored.kind === 'dataset') {
    const v = numbers(stored, 'metadata', 'dt')[0];
    if (positive(v)) {
      notes.push(`Read the NIR equations with dt = ${v} s from /node/metadata/dt.`);
      return { writer: 'spikewright', dtSeconds: v, extras, discretisation: discretisationOf(extras, metadata) };
    }
  }
  const snn = snnTorchDt(nodes);
  if (snn !== null) {
    notes.push(`Inferred dt = ${snn} s from r = tau_mem / dt (the snnTorch convention).`);
    return { writer: 'snntorch', dtSeconds: snn, extras, discretisation: discretisationOf(extras, metadata) };
  }
  notes.push(`The file does not say its time step; read it with dt = ${DEFAULT_IMPORT_DT_SECONDS} s (as Norse does).`);
  return {
    writer: 'norse',
    dtSeconds: DEFAULT_IMPORT_DT_SECONDS,
    extras,
    discretisation: discretisationOf(extras, metadata),
  };
}

/** snnTorch's step: tau / r, when every neuron node with r ≠ 1 agrees on it. */
function snnTorchDt(nodes: Map<string, FlatNode>): number | null {
  const candidates: number[] = [];
  for (const node of nodes.values()) {
    if (!['CubaLIF', 'CubaLI', 'LIF', 'LI'].includes(node.type)) continue;
    const tauField = node.type.startsWith('Cuba') ? 'tau_mem' : 'tau';
    const r = node.group.children.r;
    const tau = node.group.children[tauField];
    if (r?.kind !== 'dataset' || !tau || tau.kind !== 'dataset') continue;
    const rv = numbers(r, node.name, 'r')[0] as number;
    const tv = numbers(tau, node.name, tauField)[0] as number;
    if (rv > 0 && !close(rv, 1) && positive(tv / rv)) candidates.push(tv / rv);
  }
  const first = candidates[0];
  if (first !== undefined && candidates.every((c) => Math.abs(c - first) <= 1e-4 * first))
    return Number(first.toPrecision(6));
  return null;
}

/** Our extras block, validated; a damaged one is set aside with a sentence in `unmapped`. */
function readExtras(metadata: H5Group | null, unmapped: string[]): SpikewrightNirExtras | null {
  // Files written by Spikeforge 0.1 (this app's former name) keep the block under its old name.
  const text = stringOf(metadata?.children.spikewright) ?? stringOf(metadata?.children.spikeforge);
  if (!text) return null;
  const result = parseExtras(text);
  if (result === null) return null;
  if (result.ok) return result.extras;
  unmapped.push(
    `The Spikewright metadata block in /node/metadata is damaged (${result.error}); the network was read as another tool's file, without our names, losses and training settings.`,
  );
  return null;
}
