// The run's numbers as CSV: every batch's and every epoch's loss and accuracy. (Each plot's own
// PNG, SVG and CSV: plots/exportFigures.ts.)
import type { TrainingRun } from './trainingSlice';

export function metricsCsv(run: TrainingRun): string {
  const lines = ['kind,epoch,batch,step,loss,accuracy,validation_loss,validation_accuracy'];
  const perEpoch = Math.max(1, run.batchesPerEpoch);
  run.batchX.forEach((x, i) => {
    const epoch = Math.floor((x - 1) / perEpoch) + 1;
    const batch = x - (epoch - 1) * perEpoch;
    lines.push(`batch,${epoch},${batch},${x},${run.batchLoss[i]},${run.batchAcc[i]},,`);
  });
  run.epochX.forEach((x, i) => {
    const cell = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
    lines.push(
      `epoch,${i + 1},,${x},${cell(run.epochTrainLoss[i])},${cell(run.epochTrainAcc[i])},${cell(run.epochValLoss[i])},${cell(run.epochValAcc[i])}`,
    );
  });
  return `${lines.join('\n')}\n`;
}
