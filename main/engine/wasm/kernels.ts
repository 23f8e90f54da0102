// Loads the fast engine's WebAssembly SIMD kernels (assembly/kernels.ts, built into
// kernels.wasm.ts by scripts/build-wasm.mjs) and lays out their memory.
//
// The module's bytes are embedded (base64), so this loads the same way under tsx, in the
// esbuild bundles of the training worker and the thread workers, and in a browser bundle.
// It compiles once per thread (synchronously: the module is a few KiB, well under the
// browsers' limit for synchronous compilation on a main thread); every KernelMemory is an
// instance of its own with its own linear memory.
//
// Memory: the kernels take byte addresses into their instance's memory. KernelMemory is a
// bump allocator over it: alloc() as many arrays as a batch needs, then take views with
// f32()/i32()/... Growing the memory detaches every view taken before, so take views only
// after the last alloc() (or take them again).
import { kernelsBase64 } from './kernels.wasm';

// The few WebAssembly JS API types used here: the Node build's lib (ES2023 + @types/node)
// does not declare them, and the same file runs in a browser.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
type WasmModule = object;
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: unknown };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The kernel address of a view of the kernels' memory (its byteOffset). */
export const at = (a: { byteOffset: number }) => a.byteOffset;

/** The kernels' exports (assembly/, entry kernels.ts; each is documented where it is defined). Addresses are bytes. */
/** f32 of packPanels' output for w [rows, cols]: ceil(rows / 8) panels of [cols, 8]. */
export const panelLength = (rows: number, cols: number) => Math.ceil(rows / 8) * 8 * cols;

export interface KernelExports {
  memory: WasmMemory;
  addSpikeRows(drive: number, w: number, N: number, T: number, units: number, offsets: number): void;
  accumulateWeightGrad(
    dW: number,
    gD: number,
    N: number,
    T: number,
    B: number,
    units: number,
    offsets: number,
    lastActive: number,
  ): void;
  lifForward(
    U: number,
    I: number,
    N: number,
    T: number,
    drive: number,
    rec: number,
    spiked: number,
    units: number,
    cursor: number,
    offsets: number,
    alpha: number,
    beta: number,
    c: number,
    theta: number,
    zero: boolean | number,
    sg: number,
    mem: number,
    pre: number,
    nir: boolean | number,
    actOffsets: number,
    actUnits: number,
    actValues: number,
    window: number,
  ): number;
  lifForwardNeurons(
    U: number,
    I: number,
    N: number,
    T: number,
    drive: number,
    rec: number,
    spiked: number,
    units: number,
    cursor: number,
    offsets: number,
    consts: number,
    zero: boolean | number,
    sg: number,
    mem: number,
    pre: number,
    nir: boolean | number,
    traceI: number,
    actOffsets: number,
    actUnits: number,
    actValues: number,
    window: number,
  ): number;
  /** Rows first, first + stride, ... of kept values into rows of N at dst (`cleared` where clear). */
  scatterKept(
    dst: number,
    offsets: number,
    units: number,
    values: number,
    first: number,
    rows: number,
    stride: number,
    N: number,
    clear: boolean | number,
    cleared: number,
  ): void;
  readoutForward(
    U: number,
    I: number,
    N: number,
    T: number,
    drive: number,
    y: number,
    alpha: number,
    beta: number,
    c: number,
  ): void;
  adjointSample(
    lu: number,
    li: number,
    N: number,
    last: number,
    gD: number,
    gS: number,
    gCount: number,
    pre: number,
    um: number,
    spiked: number,
    theta: number,
    alpha: number,
    beta: number,
    c: number,
    flags: number,
    kind: number,
    s: number,
    ps: number,
    window: number,
  ): void;
  adjointStepBatch(
    LU: number,
    LI: number,
    recG: number,
    N: number,
    T: number,
    B: number,
    n: number,
    lastOf: number,
    gD: number,
    gS: number,
    gCount: number,
    pre: number,
    um: number,
    spiked: number,
    theta: number,
    alpha: number,
    beta: number,
    c: number,
    flags: number,
    kind: number,
    s: number,
    ps: number,
    window: number,
    umSample: number,
    umStep: number,
  ): void;
  adjointStepBatchNeurons(
    LU: number,
    LI: number,
    recG: number,
    N: number,
    T: number,
    B: number,
    n: number,
    lastOf: number,
    gD: number,
    gS: number,
    gCount: number,
    pre: number,
    um: number,
    spiked: number,
    consts: number,
    flags: number,
    kind: number,
    s: number,
    ps: number,
    window: number,
    traceI: number,
    grads: number,
    umSample: number,
    umStep: number,
  ): void;
  /** b = w^T ([cols, rows]) in gemm's panel form, panelLength(rows, cols) f32 at dst. */
  packPanels(dst: number, w: number, rows: number, cols: number): void;
  /** out [R, M] (+)= a [R, K] b, b in panel form (packPanels). */
  gemm(out: number, a: number, b: number, R: number, K: number, M: number, accumulate: boolean | number): void;
  sparseRecurrentGrad(
    recG: number,
    LI: number,
    V: number,
    N: number,
    T: number,
    B: number,
    n: number,
    lastOf: number,
    um: number,
    theta: number,
    thetas: number,
    window: number,
    active: number,
  ): number;
  sparseRecurrentGradKept(
    recG: number,
    LI: number,
    V: number,
    N: number,
    T: number,
    B: number,
    n: number,
    lastOf: number,
    actOffsets: number,
    actUnits: number,
  ): number;
  lastNonzeroRow(p: number, T: number, N: number): number;
  sparseSourceGrad(
    gS: number,
    gD: number,
    W: number,
    R: number,
    K: number,
    M: number,
    um: number,
    theta: number,
    thetas: number,
    window: number,
    active: number,
    accumulate: boolean | number,
  ): number;
  sparseSourceGradKept(
    gS: number,
    gD: number,
    W: number,
    R: number,
    K: number,
    M: number,
    actOffsets: number,
    actUnits: number,
    accumulate: boolean | number,
  ): number;
  heapBase(): number;
}

/** adjointSample / adjointStepBatch flags. */
export const ZERO_RESET = 1;
export const DIFFERENTIATED = 2;
export const SPARSE = 4;
/** NIR's discretisation (li' takes the new lu; the subtractive reset's term is beta theta). */
export const NIR = 8;

/**
 * The kernels' surrogate code for a surrogate name, or null for the ones they leave to JS
 * (sigmoid and exponential need exp, which WebAssembly lacks; a software exp would not give
 * V8's Math.exp bit for bit).
 */
export function surrogateKind(name: string): number | null {
  return name === 'fast-sigmoid' ? 0 : name === 'piecewise-linear' ? 2 : name === 'arctan' ? 4 : null;
}

const PAGE = 65536;
/** wasm32's limit (V8: 65536 pages of 64 KiB). */
export const MAX_KERNEL_BYTES = 65536 * PAGE;

function decodeBase64(b64: string): Uint8Array {
  const B = (globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } }).Buffer;
  if (B) return new Uint8Array(B.from(b64, 'base64'));
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let compiled: WasmModule | null | undefined;
let failure = '';

/** The compiled module, or null where this runtime has no WebAssembly SIMD (the reason: kernelsUnavailableReason). */
export function kernelsModule(): WasmModule | null {
  if (compiled === undefined) {
    try {
      compiled = new WA.Module(decodeBase64(kernelsBase64));
    } catch (e) {
      compiled = null;
      failure = e instanceof Error ? e.message : String(e);
    }
  }
  return compiled ?? null;
}

/** The backend name a run records when the fast engine runs on these kernels (no tfjs). */
export const KERNELS_BACKEND = 'wasm-simd';

export function wasmKernelsAvailable(): boolean {
  return kernelsModule() !== null;
}

export function kernelsUnavailableReason(): string {
  kernelsModule();
  return failure;
}

/** Makes the typed arrays of a layout (KernelMemory.layout, or plain arrays: jsArrays). */
export interface ArrayMaker {
  f32(n: number): Float32Array;
  f64(n: number): Float64Array;
  i32(n: number): Int32Array;
  u8(n: number): Uint8Array;
}

/** Ordinary typed arrays: the same layout code without the kernels. */
export const jsArrays: ArrayMaker = {
  f32: (n) => new Float32Array(n),
  f64: (n) => new Float64Array(n),
  i32: (n) => new Int32Array(n),
  u8: (n) => new Uint8Array(n),
};

const round64 = (bytes: number) => Math.ceil(bytes / 64) * 64;

/** One instance of the kernels with its own memory and a bump allocator over it. */
export class KernelMemory {
  readonly k: KernelExports;
  private readonly base: number;
  private top: number;

  constructor() {
    const module = kernelsModule();
    if (!module) throw new Error(`WebAssembly SIMD kernels are not available here: ${failure}`);
    this.k = new WA.Instance(module, {}).exports as KernelExports;
    this.base = Math.ceil(Math.max(this.k.heapBase(), 16) / 64) * 64;
    this.top = this.base;
  }

  get memory(): WasmMemory {
    return this.k.memory;
  }

  /** Bytes allocated so far (above the module's own data). */
  get used(): number {
    return this.top - this.base;
  }

  /** Frees everything (the memory keeps its size for the next layout). */
  reset() {
    this.top = this.base;
  }

  /**
   * Address of `bytes` new bytes, 64-byte aligned (a cache line; f32x4 and f64 aligned).
   * Grows the memory when needed, which detaches the views taken so far.
   */
  alloc(bytes: number): number {
    const at = this.top;
    const end = at + Math.ceil(bytes / 64) * 64;
    if (end > MAX_KERNEL_BYTES)
      throw new RangeError(`The WebAssembly kernels need ${Math.ceil(end / 2 ** 20)} MiB, more than wasm32's 4 GiB.`);
    const have = this.k.memory.buffer.byteLength;
    if (end > have) this.k.memory.grow(Math.ceil((end - have) / PAGE));
    this.top = end;
    return at;
  }

  /**
   * Lays out every array `build` makes in this memory, freeing what was there: `build` runs
   * once to measure, the memory grows once, and `build` runs again making views (so it must
   * make the same arrays both times). Views of an earlier layout are invalid afterwards.
   */
  layout<T>(build: (make: ArrayMaker) => T): T {
    let bytes = 0;
    const count = <A>(size: number, empty: A): A => {
      bytes += round64(size);
      return empty;
    };
    build({
      f32: (n) => count(4 * n, new Float32Array(0)),
      f64: (n) => count(8 * n, new Float64Array(0)),
      i32: (n) => count(4 * n, new Int32Array(0)),
      u8: (n) => count(n, new Uint8Array(0)),
    });
    this.reset();
    let at = this.alloc(bytes);
    const buffer = this.k.memory.buffer;
    const take = (size: number) => {
      const here = at;
      at += round64(size);
      return here;
    };
    return build({
      f32: (n) => new Float32Array(buffer, take(4 * n), n),
      f64: (n) => new Float64Array(buffer, take(8 * n), n),
      i32: (n) => new Int32Array(buffer, take(4 * n), n),
      u8: (n) => new Uint8Array(buffer, take(n), n),
    });
  }

  /** Whether `a` is a view of this memory (its byteOffset is then its kernel address). */
  holds(a: { buffer: ArrayBufferLike }): boolean {
    return a.buffer === this.k.memory.buffer;
  }

  f32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.k.memory.buffer, ptr, n);
  }
  f64(ptr: number, n: number): Float64Array {
    return new Float64Array(this.k.memory.buffer, ptr, n);
  }
  i32(ptr: number, n: number): Int32Array {
    return new Int32Array(this.k.memory.buffer, ptr, n);
  }
  u8(ptr: number, n: number): Uint8Array {
    return new Uint8Array(this.k.memory.buffer, ptr, n);
  }
  /** alloc() and copy `data` in; returns the address. */
  put(data: Float32Array | Float64Array | Int32Array | Uint8Array): number {
    const ptr = this.alloc(data.byteLength);
    new Uint8Array(this.k.memory.buffer, ptr, data.byteLength).set(
      new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    );
    return ptr;
  }
}
