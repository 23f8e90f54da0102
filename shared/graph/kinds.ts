// The node kinds a Spikewright graph is drawn from, with their parameters. Defaults follow
// docs/model.md (SpyTorch / Zenke & Vogels settings).
import type { FieldSet, ValuesOf } from './fields';

export const DATASETS = ['randman', 'fashion-mnist', 'mnist', 'shd', 'ssc', 'custom'] as const;
export type DatasetName = (typeof DATASETS)[number];

export const datasetFields = {
  dataset: {
    type: 'enum',
    label: 'Dataset',
    options: [
      { value: 'randman', label: 'Randman (synthetic)' },
      { value: 'fashion-mnist', label: 'Fashion-MNIST' },
      { value: 'mnist', label: 'MNIST' },
      { value: 'shd', label: 'Spiking Heidelberg Digits' },
      { value: 'ssc', label: 'Spiking Speech Commands' },
      { value: 'custom', label: 'Custom spike data' },
    ],
    default: 'randman',
  },
  path: {
    type: 'string',
    label: 'Data folder or file',
    default: '',
    help: 'Leave empty to search the app data cache and system dataset folders.',
  },
  timeSteps: { type: 'number', label: 'Time steps', default: 100, min: 1, max: 100000, integer: true },
  dt: { type: 'number', label: 'Time step (dt)', unit: 'ms', default: 1, min: 0, exclusiveMin: true, max: 1000 },
  latencyTau: {
    type: 'number',
    label: 'Latency code tau',
    unit: 'steps',
    default: 20,
    min: 0,
    exclusiveMin: true,
    help: 'Image datasets: spike time t = tau * ln(x / (x - theta)).',
  },
  latencyTheta: {
    type: 'number',
    label: 'Latency code threshold',
    default: 0.2,
    min: 0,
    max: 1,
    exclusiveMin: true,
    help: 'Pixels below this intensity do not spike.',
  },
  duration: {
    type: 'number',
    label: 'Binned duration',
    unit: 'ms',
    default: 1400,
    min: 0,
    exclusiveMin: true,
    help: 'SHD/SSC: spikes in [0, duration) are binned into the time steps.',
  },
  classes: { type: 'number', label: 'Classes', default: 10, min: 1, max: 1000, integer: true },
  inputs: { type: 'number', label: 'Input units', default: 20, min: 1, max: 100000, integer: true },
  manifoldDim: { type: 'number', label: 'Manifold dimension', default: 1, min: 1, max: 10, integer: true },
  smoothness: { type: 'number', label: 'Smoothness (alpha)', default: 1, min: 0, exclusiveMin: true, max: 10 },
  samplesPerClass: {
    type: 'number',
    label: 'Samples per class',
    default: 1000,
    min: 1,
    max: 100000,
    integer: true,
  },
  stepFrac: {
    type: 'number',
    label: 'Spike window',
    default: 0.5,
    min: 0,
    max: 1,
    exclusiveMin: true,
    help: 'Fraction of the time steps in which Randman spikes fall.',
  },
  dataSeed: { type: 'number', label: 'Data seed', default: 42, min: 0, integer: true },
  validationFraction: {
    type: 'number',
    label: 'Validation fraction',
    default: 0.1,
    min: 0,
    max: 0.5,
    help: 'Share of the training data held out for validation.',
  },
} as const satisfies FieldSet;

/** Membrane and synaptic time constants: LIF populations and readouts declare them alike. */
const timeConstantFields = {
  tauMem: { type: 'number', label: 'Membrane time constant', unit: 'ms', default: 10, min: 0, exclusiveMin: true },
  tauSyn: { type: 'number', label: 'Synaptic time constant', unit: 'ms', default: 5, min: 0, exclusiveMin: true },
} as const satisfies FieldSet;

/** Per-neuron time constants: trained or fixed, and their initial spread (Perez-Nieves et al. 2021). */
const heterogeneityFields = {
  learnTauMem: {
    type: 'boolean',
    label: 'Train membrane time constants',
    default: false,
    help: 'One membrane time constant per neuron, trained with the weights (as the logit of its decay, which stays in (0, 1)).',
  },
  learnTauSyn: {
    type: 'boolean',
    label: 'Train synaptic time constants',
    default: false,
    help: 'One synaptic time constant per neuron, trained with the weights (as the logit of its decay).',
  },
  tauInit: {
    type: 'enum',
    label: 'Initial time constants',
    options: [
      { value: 'constant', label: 'Constant (the value above)' },
      { value: 'uniform', label: 'Uniform: tau (1 ± spread)' },
      { value: 'gamma', label: 'Gamma: mean tau, CV = spread' },
    ],
    default: 'constant',
    help: 'Per-neuron initial membrane and synaptic time constants (Perez-Nieves et al. 2021), drawn from the training seed.',
  },
  tauSpread: {
    type: 'number',
    label: 'Time constant spread',
    when: { field: 'tauInit', equals: ['uniform', 'gamma'] },
    default: 0.5,
    min: 0,
    max: 0.95,
    help: 'Uniform: half-width relative to tau. Gamma: coefficient of variation.',
  },
} as const satisfies FieldSet;

/** How a population's input enters it: LIF populations and readouts declare them alike. */
const inputFields = {
  scaleInput: {
    type: 'boolean',
    label: 'Scale input by (1 - beta)',
    default: false,
  },
  bias: {
    type: 'boolean',
    label: 'Trainable bias current',
    default: false,
    help: 'A per-neuron current b added to the synaptic current every step (NIR Affine bias), initialised to 0 and trained with the weights.',
  },
} as const satisfies FieldSet;

/** Adaptive LIF (Bittar & Garner 2022; Baronig et al. 2024): docs/model.md. Bounds of a and b are SE-adLIF's. */
const ADLIF_ONLY = { field: 'neuron', equals: ['adlif'] } as const;
const adaptationFields = {
  adaptation: {
    type: 'enum',
    label: 'Adaptation update',
    when: ADLIF_ONLY,
    options: [
      { value: 'symplectic-euler', label: 'Symplectic Euler (SE-adLIF)' },
      { value: 'forward-euler', label: 'Forward Euler (adLIF)' },
    ],
    default: 'symplectic-euler',
    help: 'Symplectic: the adaptation current is updated from the new (reset) membrane before the membrane uses it (Baronig et al. 2024). Forward: both from the previous step (Bittar & Garner 2022).',
  },
  tauAdapt: {
    type: 'number',
    label: 'Adaptation time constant',
    when: ADLIF_ONLY,
    unit: 'ms',
    default: 150,
    min: 0,
    exclusiveMin: true,
  },
  adaptA: {
    type: 'number',
    label: 'Sub-threshold coupling (a)',
    when: ADLIF_ONLY,
    default: 0.5,
    min: 0,
    max: 1,
    help: 'How strongly the membrane drives the adaptation current.',
  },
  adaptB: {
    type: 'number',
    label: 'Spike-triggered adaptation (b)',
    when: ADLIF_ONLY,
    default: 1,
    min: 0,
    max: 2,
    help: 'How much each spike adds to the adaptation current.',
  },
  adaptScale: {
    type: 'number',
    label: 'Adaptation scale (q)',
    when: ADLIF_ONLY,
    default: 120,
    min: 0,
    help: 'W gains (1 - decay) q (a U + b S) per step (SE-adLIF reparameterisation; 120 on SHD).',
  },
  learnAdaptation: {
    type: 'boolean',
    label: 'Train adaptation (a, b, tau)',
    when: ADLIF_ONLY,
    default: false,
    help: 'adLIF: per-neuron a, b and adaptation time constant, trained; a and b are clipped to their bounds after each update.',
  },
} as const satisfies FieldSet;

export const lifFields = {
  size: { type: 'number', label: 'Neurons', default: 100, min: 1, max: 100000, integer: true },
  neuron: {
    type: 'enum',
    label: 'Neuron model',
    options: [
      { value: 'lif', label: 'LIF (current-based)' },
      { value: 'adlif', label: 'Adaptive LIF (adLIF)' },
    ],
    default: 'lif',
    help: 'adLIF adds an adaptation current fed by the membrane and by spikes (Bittar & Garner 2022).',
  },
  ...timeConstantFields,
  threshold: { type: 'number', label: 'Threshold', default: 1, min: 0, exclusiveMin: true },
  reset: {
    type: 'enum',
    label: 'Reset',
    options: [
      { value: 'zero', label: 'To zero' },
      { value: 'subtract', label: 'Subtract threshold' },
    ],
    default: 'zero',
  },
  detachReset: {
    type: 'boolean',
    label: 'Detach reset from gradient',
    default: true,
    help: 'Zenke & Vogels (2021): a differentiated reset can make the threshold repelling.',
  },
  ...inputFields,
  ...adaptationFields,
  ...heterogeneityFields,
  learnThreshold: {
    type: 'boolean',
    label: 'Train thresholds',
    default: false,
    help: 'One threshold per neuron, trained with the weights (kept above 0.001).',
  },
} as const satisfies FieldSet;

export const readoutFields = {
  size: { type: 'number', label: 'Outputs', default: 10, min: 1, max: 100000, integer: true },
  ...timeConstantFields,
  ...inputFields,
  ...heterogeneityFields,
} as const satisfies FieldSet;

export const LOSSES = ['max-over-time', 'sum-over-time', 'last-step', 'spike-count-mse'] as const;
export type LossName = (typeof LOSSES)[number];

export const lossFields = {
  loss: {
    type: 'enum',
    label: 'Loss',
    options: [
      { value: 'max-over-time', label: 'Cross-entropy of max over time' },
      { value: 'sum-over-time', label: 'Cross-entropy of mean over time' },
      { value: 'last-step', label: 'Cross-entropy of last step' },
      { value: 'spike-count-mse', label: 'MSE on spike counts' },
    ],
    default: 'max-over-time',
  },
  targetCountCorrect: {
    type: 'number',
    label: 'Target count (correct class)',
    unit: 'spikes',
    default: 10,
    min: 0,
    help: 'Spike-count MSE: spikes wanted from the neuron of the true class.',
    when: { field: 'loss', equals: ['spike-count-mse'] },
  },
  targetCountWrong: {
    type: 'number',
    label: 'Target count (other classes)',
    unit: 'spikes',
    default: 0,
    min: 0,
    when: { field: 'loss', equals: ['spike-count-mse'] },
  },
} as const satisfies FieldSet;

export const regularizerFields = {
  bound: {
    type: 'enum',
    label: 'Bound',
    options: [
      { value: 'lower', label: 'Per-neuron lower bound' },
      { value: 'upper', label: 'Population upper bound' },
    ],
    default: 'upper',
  },
  strength: { type: 'number', label: 'Strength (lambda)', default: 0.1, min: 0 },
  target: {
    type: 'number',
    label: 'Bound (spikes per trial)',
    unit: 'spikes',
    default: 4,
    min: 0,
  },
  power: {
    type: 'enum',
    label: 'Penalty',
    options: [
      { value: 'l1', label: 'L1' },
      { value: 'l2', label: 'L2' },
    ],
    default: 'l2',
  },
} as const satisfies FieldSet;

export const SURROGATES = ['fast-sigmoid', 'sigmoid', 'piecewise-linear', 'exponential', 'arctan'] as const;
export type SurrogateName = (typeof SURROGATES)[number];

export const DISCRETISATIONS = ['nir', 'spytorch'] as const;
export type DiscretisationName = (typeof DISCRETISATIONS)[number];

export const trainingFields = {
  discretisation: {
    type: 'enum',
    label: 'Discretisation',
    options: [
      { value: 'nir', label: 'NIR forward Euler' },
      { value: 'spytorch', label: 'SpyTorch (tutorials)' },
    ],
    default: 'nir',
    help: "How the neurons are stepped in time (docs/model.md). NIR: exactly the NIR reference simulator, so exports run the same there. SpyTorch: the tutorials' rule, to reproduce their numbers.",
  },
  optimizer: {
    type: 'enum',
    label: 'Optimizer',
    options: [
      { value: 'adam', label: 'Adam' },
      { value: 'adamax', label: 'Adamax' },
      { value: 'sgd', label: 'SGD with momentum' },
    ],
    default: 'adam',
  },
  learningRate: { type: 'number', label: 'Learning rate', default: 2e-3, min: 0, exclusiveMin: true, max: 10 },
  momentum: {
    type: 'number',
    label: 'Momentum (SGD)',
    default: 0.9,
    min: 0,
    max: 1,
    when: { field: 'optimizer', equals: ['sgd'] },
  },
  batchSize: { type: 'number', label: 'Batch size', default: 256, min: 1, max: 65536, integer: true },
  epochs: { type: 'number', label: 'Epochs', default: 30, min: 1, max: 100000, integer: true },
  seed: { type: 'number', label: 'Seed', default: 0, min: 0, integer: true },
  surrogate: {
    type: 'enum',
    label: 'Surrogate derivative',
    options: [
      { value: 'fast-sigmoid', label: 'Fast sigmoid (SuperSpike)' },
      { value: 'sigmoid', label: "Sigmoid'" },
      { value: 'piecewise-linear', label: 'Piecewise linear (Esser)' },
      { value: 'exponential', label: 'Exponential' },
      { value: 'arctan', label: 'Arctan' },
    ],
    default: 'fast-sigmoid',
  },
  surrogateScale: { type: 'number', label: 'Surrogate scale', default: 100, min: 0, exclusiveMin: true },
  sparseBackward: {
    type: 'boolean',
    label: 'Sparse backward (approximate)',
    default: false,
    help: 'Perez-Nieves & Goodman (2021): the surrogate is taken as zero where |U - threshold| exceeds the window. An approximation of the exact gradient, which saves work and memory: the backward computes, and the forward keeps membranes for, only the entries inside the window.',
  },
  sparseWindow: {
    type: 'number',
    label: 'Sparse backward window',
    default: 0.5,
    min: 0,
    exclusiveMin: true,
    help: 'Half-width around the threshold, in membrane units, inside which the surrogate is kept.',
    when: { field: 'sparseBackward', equals: [true] },
  },
  validationSplit: {
    type: 'enum',
    label: 'Validate on',
    options: [
      { value: 'validation', label: 'Held-out validation split' },
      { value: 'test', label: 'Test split' },
      { value: 'none', label: 'No validation' },
    ],
    default: 'validation',
  },
} as const satisfies FieldSet;

export const INITS = ['spytorch', 'uniform', 'normal', 'fluctuation-driven'] as const;
export type InitName = (typeof INITS)[number];

export const connectionFields = {
  init: {
    type: 'enum',
    label: 'Initialisation',
    options: [
      { value: 'spytorch', label: 'N(0, (s(1-beta))^2/fan_in)  (SpyTorch)' },
      { value: 'uniform', label: 'U(-s/sqrt(fan_in), s/sqrt(fan_in))  (Zenke & Vogels)' },
      { value: 'normal', label: 'N(0, s^2/fan_in)' },
      { value: 'fluctuation-driven', label: 'Fluctuation-driven (Rossbroich et al.)' },
    ],
    default: 'spytorch',
  },
  scale: {
    type: 'number',
    label: 'Scale (s)',
    default: 7,
    min: 0,
    help: 'SpyTorch: 7 for feed-forward weights; 0.2 is typical for std/sqrt(fan_in) schemes.',
  },
  delay: {
    type: 'enum',
    label: 'Synaptic delay',
    options: [
      { value: 'none', label: 'None' },
      { value: 'fixed', label: 'Fixed (every synapse the same)' },
      { value: 'per-synapse', label: 'Per synapse, random U{0..max}' },
      { value: 'learnable', label: 'Learnable per synapse (Hammouamri et al. 2023)' },
    ],
    default: 'none',
    help: "A spike of step n reaches the target at step n + d, on top of the discretisation's own latency (docs/model.md). Learnable delays are trained through a Gaussian kernel over the integer delays that narrows during training, and rounded at the end.",
  },
  delaySteps: {
    type: 'number',
    label: 'Delay',
    unit: 'steps',
    default: 1,
    min: 0,
    max: 100000,
    integer: true,
    when: { field: 'delay', equals: ['fixed'] },
    help: 'Fixed delay: every spike on this connection arrives this many time steps later.',
  },
  maxDelay: {
    type: 'number',
    label: 'Maximum delay',
    unit: 'steps',
    default: 25,
    min: 1,
    max: 100000,
    integer: true,
    when: { field: 'delay', equals: ['per-synapse', 'learnable'] },
    help: 'Per-synapse delays are drawn from U{0..max} (seeded by the training seed); learnable delays stay in [0, max].',
  },
} as const satisfies FieldSet;

export const DELAY_MODES = ['none', 'fixed', 'per-synapse', 'learnable'] as const;
export type DelayMode = (typeof DELAY_MODES)[number];

export const nodeKindFields = {
  dataset: datasetFields,
  lif: lifFields,
  readout: readoutFields,
  loss: lossFields,
  regularizer: regularizerFields,
  training: trainingFields,
} as const;

export type NodeKind = keyof typeof nodeKindFields;
export const NODE_KINDS = Object.keys(nodeKindFields) as NodeKind[];

export type DatasetParams = ValuesOf<typeof datasetFields>;
export type LifParams = ValuesOf<typeof lifFields>;
export type ReadoutParams = ValuesOf<typeof readoutFields>;
export type LossParams = ValuesOf<typeof lossFields>;
export type RegularizerParams = ValuesOf<typeof regularizerFields>;
export type TrainingParams = ValuesOf<typeof trainingFields>;
export type ConnectionParams = ValuesOf<typeof connectionFields>;

export interface ParamsByKind {
  dataset: DatasetParams;
  lif: LifParams;
  readout: ReadoutParams;
  loss: LossParams;
  regularizer: RegularizerParams;
  training: TrainingParams;
}

export const nodeKindInfo: Record<NodeKind, { label: string; description: string }> = {
  dataset: { label: 'Dataset', description: 'Spike input: a dataset and its encoding.' },
  lif: { label: 'LIF population', description: 'Current-based leaky integrate-and-fire neurons.' },
  readout: { label: 'Readout', description: 'Leaky integrators (no spikes) whose membranes give class scores.' },
  loss: { label: 'Loss', description: 'Compares the readout with the dataset labels.' },
  regularizer: { label: 'Activity regulariser', description: 'Keeps firing rates of a population in bounds.' },
  training: { label: 'Training settings', description: 'Optimizer, batch size, epochs, seed, surrogate.' },
};

/** What flows out of a node: spikes (dataset, LIF), analog membrane (readout), nothing. */
export type PortType = 'spikes' | 'analog';
export function outputPortOf(kind: NodeKind): PortType | null {
  if (kind === 'dataset' || kind === 'lif') return 'spikes';
  if (kind === 'readout') return 'analog';
  return null;
}
