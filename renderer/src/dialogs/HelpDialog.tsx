// F1: a short guide — how to build and train a network, the node kinds, what each plot of the
// training view shows, and every keyboard shortcut (read from the command declarations).
import { NODE_KINDS, nodeKindInfo } from '../../../shared/graph/kinds';
import { KindIcon } from '../canvas/KindIcon';
import { appCommands } from '../commands/appCommands';
import { detectMac, formatBinding } from '../commands/keys';
import { Modal } from './Modal';

const isMac = detectMac();

const PLOTS: [string, string][] = [
  ['Loss', 'The loss of every batch (grey) and the epoch means on the training and validation sets.'],
  ['Accuracy', 'The share of samples classified right, per batch and per epoch, in percent.'],
  [
    'Spike raster',
    'Every population’s spikes for one recorded sample, stacked on one time axis (ms): one dot per spike, one row per neuron.',
  ],
  ['Membrane potential', 'U of a few neurons over the sample; the dashed line is the threshold θ.'],
  ['Firing rates', 'How many neurons of each population fire at which rate (Hz), over the recorded samples.'],
  [
    'Weight and gradient norms',
    'The L2 norm of each connection’s weights and of its last gradient: growing, vanishing or exploding learning shows here.',
  ],
  ['Confusion matrix', 'After a run: true class (rows) against predicted class (columns) on the test set.'],
];

export function HelpDialog() {
  const shortcuts = appCommands.filter((c) => c.keys?.length && !c.id.startsWith('selection.nudge'));
  return (
    <Modal title="Spikewright in two minutes" testId="help-dialog" width={760}>
      <div className="help">
        <section>
          <h3>Build and train</h3>
          <ol>
            <li>Start from an example (File ▸ Open an example) or drag nodes from the palette onto the canvas.</li>
            <li>Connect an output handle (right) to an input handle (left); a refused connection says why.</li>
            <li>Select a node or connection to edit it in the inspector; Problems lists what stops training.</li>
            <li>Press Train (Ctrl+Enter). The training view (Ctrl+Shift+M to let it take the window) shows the run.</li>
            <li>Save (.snn.json, with the trained weights) or export NIR for snnTorch, Norse and hardware.</li>
          </ol>
        </section>
        <section>
          <h3>Node kinds</h3>
          <ul className="help__kinds">
            {NODE_KINDS.map((kind) => (
              <li key={kind}>
                <KindIcon kind={kind} />
                <strong>{nodeKindInfo[kind].label}</strong> {nodeKindInfo[kind].description}
              </li>
            ))}
          </ul>
        </section>
        <section>
          <h3>The training view</h3>
          <dl className="help__plots">
            {PLOTS.map(([name, text]) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>{text}</dd>
              </div>
            ))}
          </dl>
          <p className="muted">Each plot exports itself as PNG, SVG or CSV; Export all puts every plot on one page.</p>
        </section>
        <section>
          <h3>Keyboard</h3>
          <table className="help__keys" data-testid="help-shortcuts">
            <tbody>
              {shortcuts.map((c) => (
                <tr key={c.id}>
                  <td>{c.label}</td>
                  <td>
                    {(c.keys ?? []).map((k) => (
                      <kbd key={k}>{formatBinding(k, isMac)}</kbd>
                    ))}
                  </td>
                </tr>
              ))}
              <tr>
                <td>Move the selection (10 px; with Shift 50 px)</td>
                <td>
                  <kbd>←↑→↓</kbd>
                </td>
              </tr>
              <tr>
                <td>Search for a node to add</td>
                <td>double-click the canvas</td>
              </tr>
            </tbody>
          </table>
        </section>
      </div>
    </Modal>
  );
}
