// What an exported NIR file will compute in the tool it is for, as measured before writing:
// per layer the spikes there and here and how many cells agree, and the predictions.
import type { api } from '../../api';

export type ExportOutcome = Awaited<ReturnType<typeof api.exportDocument>>;

const percent = (x: number) => (x === 1 ? '100%' : `${(100 * x).toFixed(2)}%`);

/** How the file written for a tool will run there, as measured before writing. */
export function AgreementReport({ outcome }: { outcome: ExportOutcome }) {
  const a = outcome.agreement;
  if (!a) return null;
  return (
    <div className={`agreement ${a.exact ? 'agreement--exact' : 'agreement--differs'}`} data-testid="export-agreement">
      <div className="agreement__headline" data-testid="export-agreement-headline">
        {a.exact
          ? `Identical spikes and predictions in ${a.targetLabel}`
          : a.expressible
            ? `${a.targetLabel} computes something slightly different`
            : `${a.targetLabel} cannot express how this graph was trained`}
      </div>
      <table className="agreement__table">
        <thead>
          <tr>
            <th>Layer</th>
            <th>Spikes (there / here)</th>
            <th>Cells agreeing</th>
          </tr>
        </thead>
        <tbody>
          {a.layers.map((l) => (
            <tr key={l.nirName}>
              <td>{l.name}</td>
              <td>
                {l.targetSpikes.toLocaleString('en-US')} / {l.engineSpikes.toLocaleString('en-US')}
              </td>
              <td>
                {l.identical ? 'identical' : percent(l.cellAgreement)}
                {l.lagSteps ? ` (${l.lagSteps} step${l.lagSteps === 1 ? '' : 's'} earlier)` : ''}
              </td>
            </tr>
          ))}
          <tr>
            <td>Predictions</td>
            <td colSpan={2}>
              {Math.round(a.predictionAgreement * a.samples)} / {a.samples} identical
            </td>
          </tr>
        </tbody>
      </table>
      <p className="agreement__summary" data-testid="export-agreement-summary">
        {a.summary}
      </p>
    </div>
  );
}
