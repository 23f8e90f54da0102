// Raw spike recordings (per-sample spike times and unit ids, plus labels) and their binning into steps.
import { DatasetError } from './datasetError';
import { type EventTable, EventTableBuilder } from './eventTable';

/** Spikes as recorded, before binning: what an SHD-layout HDF5 file or a custom CSV holds. */
export interface SpikeRecording {
  source: string;
  samples: number;
  /** Per sample, spike times in the file's unit (seconds for HDF5, steps for CSV). */
  times: ArrayLike<number>[];
  /** Per sample, unit ids, same length as the sample's times. */
  units: ArrayLike<number>[];
  labels: Int32Array;
}

/** Largest unit id + 1 and largest label + 1 over recordings. */
export function recordingExtent(recordings: SpikeRecording[]): { inputUnits: number; classes: number } {
  let maxUnit = -1;
  let maxLabel = -1;
  for (const r of recordings) {
    for (const units of r.units) for (let i = 0; i < units.length; i++) maxUnit = Math.max(maxUnit, units[i]!);
    for (const label of r.labels) maxLabel = Math.max(maxLabel, label);
  }
  return { inputUnits: maxUnit + 1, classes: maxLabel + 1 };
}

/**
 * Bins a recording into `timeSteps` steps: step = floor(time * stepsPerTimeUnit). Spikes at
 * negative times or at/after the window end are dropped. Several spikes of one unit in one
 * step become one event (binary input, as the engine's sparse input is binary).
 */
export function binRecording(
  recording: SpikeRecording,
  options: { timeSteps: number; stepsPerTimeUnit: number; inputUnits: number; classes: number },
): EventTable {
  const builder = new EventTableBuilder({
    samples: recording.samples,
    timeSteps: options.timeSteps,
    inputUnits: options.inputUnits,
    classes: options.classes,
    source: recording.source,
    binary: true,
  });
  let steps = new Int32Array(1024);
  for (let s = 0; s < recording.samples; s++) {
    const times = recording.times[s]!;
    const units = recording.units[s]!;
    if (times.length !== units.length) {
      throw new DatasetError(
        recording.source,
        `sample ${s} has ${times.length} spike times but ${units.length} unit ids`,
      );
    }
    if (steps.length < times.length) steps = new Int32Array(times.length * 2);
    for (let i = 0; i < times.length; i++) {
      const step = Math.floor(times[i]! * options.stepsPerTimeUnit);
      // NaN and huge values fall out of the window the same way.
      steps[i] = step >= 0 && step < options.timeSteps ? step : -1;
    }
    builder.addSample(recording.labels[s]!, steps, units, times.length);
  }
  return builder.build();
}
