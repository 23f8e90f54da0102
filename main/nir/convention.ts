// The time convention that ties Spikewright's discrete update (main/engine/plan.ts) to NIR's
// continuous CubaLIF / CubaLI equations. docs/nir-mapping.md has the derivation; in short,
// one forward-Euler step of length dt (seconds) of
//   tau_syn dI/dt = -I + w_in x        tau_mem dv/dt = (v_leak - v) + r I
// taken from (I[n], v[n]) with the input x[n] held over the step gives
//   I[n+1] = (1 - dt/tau_syn) I[n] + (dt w_in / tau_syn) x[n]
//   v[n+1] = (1 - dt/tau_mem) v[n] + (dt r / tau_mem) I[n]      (v_leak = 0)
// which is our update exactly when
//   tau_syn = dt / (1 - alpha)   w_in = tau_syn / dt = 1 / (1 - alpha)
//   tau_mem = dt / (1 - beta)    r = c tau_mem / dt = c / (1 - beta)
// with c = 1, or c = 1 - beta (r = 1) when the input is scaled by (1 - beta).

/** NIR files use seconds; Spikewright parameters are in milliseconds. */
export const MS_PER_SECOND = 1000;

/** The version string written to /version (the reference `nir` package this layout follows). */
export const NIR_VERSION = '1.0.7';

/** Norse's importer assumes this step when a file gives no way to tell (r = 1, w_in = 1). */
export const DEFAULT_IMPORT_DT_SECONDS = 1e-3;

/** 1 - exp(-dt/tau) without cancellation for small dt/tau. */
export function oneMinusDecay(dt: number, tau: number): number {
  return -Math.expm1(-dt / tau);
}

export interface CubaFields {
  tau_syn: number;
  tau_mem: number;
  r: number;
  w_in: number;
}

/** NIR fields (seconds) of a population with our tauSyn/tauMem (ms) at step dt (ms). */
export function cubaFieldsOf(dtMs: number, tauSynMs: number, tauMemMs: number, scaleInput: boolean): CubaFields {
  const dt = dtMs / MS_PER_SECOND;
  const oneMinusAlpha = oneMinusDecay(dtMs, tauSynMs);
  const oneMinusBeta = oneMinusDecay(dtMs, tauMemMs);
  return {
    tau_syn: dt / oneMinusAlpha,
    tau_mem: dt / oneMinusBeta,
    w_in: 1 / oneMinusAlpha,
    r: scaleInput ? 1 : 1 / oneMinusBeta,
  };
}

/**
 * The discrete decay per step that a forward-Euler step of length dt gives a NIR time
 * constant: 1 - dt/tau. Our time constant in ms is then -dt / ln(decay).
 */
export function decayOf(dtSeconds: number, tauSeconds: number): number {
  return 1 - dtSeconds / tauSeconds;
}

export function tauMsOfDecay(dtSeconds: number, decay: number): number {
  return (-dtSeconds * MS_PER_SECOND) / Math.log(decay);
}

/** Rounds to 12 significant digits, so a round trip gives back 10 rather than 9.999999999998. */
export function tidy(x: number): number {
  return Number(x.toPrecision(12));
}
