// What the Runs and Sweeps tables both show of a run: its status badge and its final test and
// train accuracy, with the same headings, so the two tables read alike.
import type { ReactNode } from 'react';
import { formatPercent } from './runCompare';

/** A run's status as a coloured badge (run-status--done, --running, --failed, …). */
export function RunStatus({ status, title, children }: { status: string; title?: string; children?: ReactNode }) {
  return (
    <span className={`run-status run-status--${status}`} title={title}>
      {children ?? status}
    </span>
  );
}

export function AccuracyHeads() {
  return (
    <>
      <th className="num">Test acc.</th>
      <th className="num">Train acc.</th>
    </>
  );
}

/** The final test and train accuracy, as percentages ("—" where there is none yet). */
export function AccuracyCells({
  testAcc,
  trainAcc,
  testId,
}: {
  testAcc?: number | null;
  trainAcc?: number | null;
  testId?: string;
}) {
  return (
    <>
      <td className="num" data-testid={testId}>
        {formatPercent(testAcc)}
      </td>
      <td className="num">{formatPercent(trainAcc)}</td>
    </>
  );
}
