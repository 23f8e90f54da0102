// The 'nir' discretisation against NIR's own reference semantics, written out from the NIR
// paper's numpy reference simulator (neuromorphs/NIR, paper/03_rnn/extras/debug_CubaLIF/
// nir_reference_impl.py, BSD-3-Clause, "Copyright (c) 2023, NIR Team"; its CubaLIF.forward):
//
//   I_last, v_last = I, v
//   I = I_last + dt/tau_syn (-I_last + w_in x)
//   v = v_last + dt/tau_mem (v_leak - v_last + r I_last)
//   z = v > v_threshold
//   v -= z v_threshold                    (as written; NIR's CubaLIF resets to v_reset instead)
//
// run on the NIR parameters a graph exports to (docs/model.md): tau_syn = tauSyn, tau_mem =
// tauMem (seconds), w_in = tauSyn/dt, r = c tauMem/dt, v_leak = 0, v_reset = 0, each Affine's
// bias the population's bias current, and wired as the NIR paper's recurrent network is:
// at step t every node takes the step-t output of its sources and its own output of step t-1
// through its recurrent Affine. The fast engine (float64) must give the same spikes and the
// same membranes (the value the spike is read from) to 1e-12, for both resets, input scaling,
// recurrence, biases, two layers and a readout (CubaLI: the same without threshold).
import { describe, expect, it } from 'vitest';
import { Random } from '../util/random';
import { FastEngine } from './fast/fastEngine';
import { initWeights } from './init';
import { compilePlan, type PopulationPlan } from './plan';
import { buildGraph, type NetSpec, randomBatch } from './testing';

interface Cuba {
  tauSyn: number;
  tauMem: number;
  wIn: number;
  r: number;
  vLeak: number;
  vThreshold: number;
  reset: 'zero' | 'subtract' | 'none';
  I: Float64Array;
  v: Float64Array;
}

/** One call of the reference's CubaLIF.forward (reset 'none': CubaLI). Returns z and the pre-reset v. */
function forward(node: Cuba, x: Float64Array, dt: number): { z: Uint8Array; vPre: Float64Array } {
  const N = x.length;
  const z = new Uint8Array(N);
  const vPre = new Float64Array(N);
  const I = new Float64Array(N);
  const v = new Float64Array(N);
  for (let j = 0; j < N; j++) {
    const iLast = node.I[j] as number;
    const vLast = node.v[j] as number;
    I[j] = iLast + (dt / node.tauSyn) * (-iLast + node.wIn * (x[j] as number));
    v[j] = vLast + (dt / node.tauMem) * (node.vLeak - vLast + node.r * iLast);
    vPre[j] = v[j] as number;
    if (node.reset === 'none') continue;
    z[j] = (v[j] as number) > node.vThreshold ? 1 : 0;
    if (z[j]) v[j] = node.reset === 'zero' ? 0 : (v[j] as number) - node.vThreshold;
  }
  node.I = I;
  node.v = v;
  return { z, vPre };
}

function nirNode(p: PopulationPlan, tauSynMs: number, tauMemMs: number, scaleInput: boolean, dtMs: number): Cuba {
  const dt = dtMs / 1000;
  const tauSyn = tauSynMs / 1000;
  const tauMem = tauMemMs / 1000;
  const c = scaleInput ? dt / tauMem : 1;
  return {
    tauSyn,
    tauMem,
    wIn: tauSyn / dt,
    r: (c * tauMem) / dt,
    vLeak: 0,
    vThreshold: p.threshold,
    reset: p.kind === 'readout' ? 'none' : p.reset,
    I: new Float64Array(p.size),
    v: new Float64Array(p.size),
  };
}

const cases: { name: string; spec: NetSpec; dt: number }[] = [
  {
    name: 'two layers, recurrent first, zero then subtractive reset, biases everywhere',
    dt: 1,
    spec: {
      inputs: 12,
      classes: 3,
      timeSteps: 60,
      hidden: [
        { size: 9, recurrent: true, reset: 'zero', tauSyn: 5, tauMem: 10, bias: true },
        { size: 6, reset: 'subtract', tauSyn: 2, tauMem: 20, bias: true, threshold: 0.7 },
      ],
      readout: { tauSyn: 5, tauMem: 10, bias: true },
      init: { init: 'normal', scale: 3 },
    },
  },
  {
    name: 'input scaling, dt = 0.5 ms, recurrent subtractive, no biases',
    dt: 0.5,
    spec: {
      inputs: 10,
      classes: 2,
      timeSteps: 80,
      hidden: [{ size: 8, recurrent: true, reset: 'subtract', tauSyn: 3, tauMem: 8, scaleInput: true }],
      readout: { tauSyn: 4, tauMem: 6, scaleInput: true },
      init: { init: 'normal', scale: 20 },
    },
  },
];

describe("the 'nir' discretisation is NIR's reference forward Euler", () => {
  it.each(cases)('$name', ({ spec, dt }) => {
    const graph = buildGraph({ ...spec, training: { discretisation: 'nir' } });
    const data = graph.nodes.find((n) => n.kind === 'dataset');
    if (data?.kind === 'dataset') data.params.dt = dt;
    const plan = compilePlan(graph);
    const W: Record<string, Float64Array> = {};
    for (const [k, v] of Object.entries(initWeights(plan, 5))) W[k] = Float64Array.from(v);
    const rng = new Random(11);
    for (const p of plan.populations)
      if (p.bias) W[p.id] = Float64Array.from({ length: p.size }, () => rng.normal() * 0.1);
    const batch = randomBatch(new Random(3), 3, spec.timeSteps, spec.inputs, spec.classes, 0.1);
    const rec = new FastEngine(plan, { precision: 'float64', matmul: 'js' }).record(batch, W, {
      samples: 3,
      neurons: 1000,
    });
    const T = spec.timeSteps;
    const params = new Map(graph.nodes.map((n) => [n.id, n]));
    let spikes = 0;
    for (let b = 0; b < 3; b++) {
      const nodes = plan.populations.map((p) => {
        const node = params.get(p.id);
        if (p.kind === 'input' || (node?.kind !== 'lif' && node?.kind !== 'readout')) return null;
        return nirNode(p, node.params.tauSyn, node.params.tauMem, node.params.scaleInput, dt);
      });
      // Outputs of the previous and the current step per population (the input's are data).
      let z: Uint8Array[] = plan.populations.map((p) => new Uint8Array(p.size));
      for (let t = 0; t < T; t++) {
        const previous = z;
        z = plan.populations.map((p) => new Uint8Array(p.size));
        for (let e = batch.offsets[b * T + t] as number; e < (batch.offsets[b * T + t + 1] as number); e++)
          (z[0] as Uint8Array)[batch.units[e] as number] = 1;
        for (const p of plan.populations) {
          const node = nodes[p.index];
          if (!node) continue;
          // x = sum of the Affines into the node: W z_src[t] (+ W_rec z_self[t-1]) + bias.
          const x = new Float64Array(p.size);
          if (p.bias) x.set(W[p.id] as Float64Array);
          for (const c of p.recurrent ? [...p.incoming, p.recurrent] : p.incoming) {
            const src = c.recurrent ? (previous[p.index] as Uint8Array) : (z[c.source] as Uint8Array);
            const w = W[c.id] as Float64Array;
            for (let i = 0; i < c.sourceUnits; i++)
              if (src[i]) for (let j = 0; j < p.size; j++) x[j] = (x[j] as number) + (w[i * p.size + j] as number);
          }
          const out = forward(node, x, dt / 1000);
          z[p.index] = out.z;
          const recorded = rec.populations[p.index];
          if (!recorded) throw new Error('no recording');
          for (let j = 0; j < p.size; j++) {
            // LIF: the membrane the spike of step t is read from; readout: its trace after t + 1 steps.
            const engine = recorded.membranes[b]?.[j]?.[p.kind === 'readout' ? t + 1 : t] as number;
            const want = out.vPre[j] as number;
            expect(Math.abs(engine - want), `${p.id}[${j}] at step ${t}, sample ${b}`).toBeLessThanOrEqual(
              1e-12 * Math.max(1, Math.abs(want)),
            );
          }
          if (p.kind === 'lif') {
            const triples = recorded.spikes;
            const engineSpikes = new Uint8Array(p.size);
            for (let k = 0; k < triples.length; k += 3)
              if (triples[k] === b && triples[k + 1] === t) engineSpikes[triples[k + 2] as number] = 1;
            expect(Array.from(engineSpikes), `${p.id} spikes at step ${t}, sample ${b}`).toEqual(Array.from(out.z));
            spikes += out.z.reduce((a, v) => a + v, 0);
          }
        }
      }
    }
    // The comparison means something only if the populations spike (and reset) often.
    expect(spikes).toBeGreaterThan(50);
  });
});
