// The tabs of the bottom panel. A panel that belongs there (the training view, the runs list)
// is one entry here: an id, the label on its tab and the component it shows. The tab that is
// open is kept in the store (`bottomTab`), so a command can open it from anywhere.
import type { ComponentType } from 'react';
import { RunsPanel } from '../runs/RunsPanel';
import { SweepPanel } from '../runs/SweepPanel';
import { TrainingPanel } from '../training/TrainingPanel';

export interface PanelTab {
  id: string;
  label: string;
  /** A longer sentence for the tab's tooltip. */
  title: string;
  Component: ComponentType;
}

export const bottomTabs: readonly PanelTab[] = [
  {
    id: 'training',
    label: 'Training',
    title: 'Train the network and watch it learn',
    Component: TrainingPanel,
  },
  {
    id: 'runs',
    label: 'Runs',
    title: 'Every recorded run of this document: compare curves and settings, reuse trained weights',
    Component: RunsPanel,
  },
  {
    id: 'sweeps',
    label: 'Sweeps',
    title: 'Sweep parameters of the graph over a grid or random values, on all cores',
    Component: SweepPanel,
  },
];
