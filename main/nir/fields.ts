// The NIR node types and the fields the reference reader (nir 1.0.7) accepts for each: the one
// table the importer and the rule checker (rules.ts) both read.

/** Fields the reference reader accepts per node type. */
export const NIR_FIELDS: Record<string, { required: string[]; optional: string[] }> = {
  Input: { required: ['shape'], optional: [] },
  Output: { required: ['shape'], optional: [] },
  NIRGraph: { required: ['nodes', 'edges'], optional: [] },
  Affine: { required: ['weight', 'bias'], optional: [] },
  Linear: { required: ['weight'], optional: [] },
  Scale: { required: ['scale'], optional: [] },
  Threshold: { required: ['threshold'], optional: [] },
  Delay: { required: ['delay'], optional: [] },
  Flatten: { required: ['start_dim', 'end_dim'], optional: ['input_type'] },
  Conv1d: { required: ['weight', 'stride', 'padding', 'dilation', 'groups', 'bias'], optional: ['input_shape'] },
  Conv2d: { required: ['weight', 'stride', 'padding', 'dilation', 'groups', 'bias'], optional: ['input_shape'] },
  SumPool2d: { required: ['kernel_size', 'stride', 'padding'], optional: [] },
  AvgPool2d: { required: ['kernel_size', 'stride', 'padding'], optional: [] },
  I: { required: ['r'], optional: [] },
  IF: { required: ['r', 'v_threshold'], optional: ['v_reset'] },
  LI: { required: ['tau', 'r', 'v_leak'], optional: [] },
  LIF: { required: ['tau', 'r', 'v_leak', 'v_threshold'], optional: ['v_reset'] },
  CubaLI: { required: ['tau_syn', 'tau_mem', 'r', 'v_leak'], optional: ['w_in'] },
  CubaLIF: { required: ['tau_syn', 'tau_mem', 'r', 'v_leak', 'v_threshold'], optional: ['v_reset', 'w_in'] },
};

/** Present in files the reference writer produces (types it recomputes, metadata); never an error. */
export const ALWAYS_ALLOWED = ['type', 'metadata', 'input_type', 'output_type'];

/** Neuron node types: every parameter has the population's shape. */
export const NEURON_TYPES: ReadonlySet<string> = new Set(['LI', 'LIF', 'I', 'IF', 'CubaLI', 'CubaLIF']);

/** Node types whose output has the shape of their input. */
export const SAME_SHAPE_TYPES: ReadonlySet<string> = new Set([
  ...NEURON_TYPES,
  'Scale',
  'Threshold',
  'Delay',
  'Output',
]);

/** The fields of a NIR type, or undefined for a name that is none ('constructor' included). */
export function nirFieldsOf(type: string): { required: string[]; optional: string[] } | undefined {
  return Object.hasOwn(NIR_FIELDS, type) ? NIR_FIELDS[type] : undefined;
}
