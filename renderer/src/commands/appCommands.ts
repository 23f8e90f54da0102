// Every command of the editor, declared once. Shortcuts, the toolbar, context menus and the
// command palette all read this list.
import { layoutGraph } from '../canvas/autoLayout';
import { canvasControls } from '../canvas/canvasControls';
import {
  exportCanvasPng,
  exportCanvasSvg,
  exportNir,
  importNir,
  openWithDialog,
  saveAsWithDialog,
} from '../files/exchange';
import { downloadDocument, guardUnsaved, newDocument, save } from '../files/fileActions';
import { NODE_ENTRIES, type NodeEntry } from '../graph/nodeEntries';
import { setCollapsed, togglePanel } from '../shell/layoutControls';
import { type AppState, useAppStore } from '../store';
import { type Command, defineCommands } from './registry';

export type CommandContext = AppState;
export type AppCommand = Command<CommandContext>;

const NUDGE = 10;
const NUDGE_BIG = 50;

const hasNodes = (s: AppState) => s.selectedNodeIds.length > 0;
const hasSelection = (s: AppState) => s.selectedNodeIds.length > 0 || s.selectedEdgeIds.length > 0;
const store = () => useAppStore.getState();

function insertAtCenter(entry: NodeEntry) {
  const center = canvasControls()?.viewportCenter() ?? { x: 0, y: 0 };
  store().addEntry(entry, { x: center.x - 90, y: center.y - 40 });
}

export async function autoLayout() {
  const { graph } = store();
  if (!graph.nodes.length) return;
  const positions = await layoutGraph(graph, canvasControls()?.nodeSizes() ?? {});
  if (store().graph !== graph) return; // The graph changed while ELK ran; its answer is stale.
  store().placeNodes(positions);
  setTimeout(() => canvasControls()?.fitView(), 30);
}

const nudge = (id: string, label: string, key: string, dx: number, dy: number): AppCommand => ({
  id,
  label,
  category: 'Selection',
  keys: [key],
  when: hasNodes,
  run: (s) => s.nudgeSelection(dx, dy),
});

export const appCommands: readonly AppCommand[] = defineCommands<CommandContext>([
  { id: 'file.new', label: 'New document', category: 'File', keys: ['Mod+KeyN'], run: () => newDocument() },
  {
    id: 'file.open',
    label: 'Open…',
    category: 'File',
    keys: ['Mod+KeyO'],
    run: () => guardUnsaved(() => void openWithDialog(), 'Open another document'),
  },
  {
    id: 'file.examples',
    label: 'Open an example…',
    category: 'File',
    run: (s) => guardUnsaved(() => s.openDialog({ kind: 'examples' }), 'Open an example'),
  },
  { id: 'file.save', label: 'Save', category: 'File', keys: ['Mod+KeyS'], run: () => void save() },
  {
    id: 'file.saveAs',
    label: 'Save as…',
    category: 'File',
    keys: ['Mod+Shift+KeyS'],
    run: () => void saveAsWithDialog(),
  },
  { id: 'file.download', label: 'Download a copy', category: 'File', run: () => void downloadDocument() },
  { id: 'file.exportNir', label: 'Export NIR…', category: 'File', run: () => void exportNir() },
  { id: 'file.importNir', label: 'Import NIR…', category: 'File', run: () => importNir() },
  { id: 'file.exportSvg', label: 'Export canvas as SVG', category: 'File', run: () => exportCanvasSvg() },
  { id: 'file.exportPng', label: 'Export canvas as PNG', category: 'File', run: () => void exportCanvasPng() },
  {
    id: 'edit.undo',
    label: 'Undo',
    category: 'Edit',
    keys: ['Mod+KeyZ'],
    when: (s) => s.history.past.length > 0,
    run: (s) => s.undo(),
  },
  {
    id: 'edit.redo',
    label: 'Redo',
    category: 'Edit',
    keys: ['Mod+Shift+KeyZ', 'Ctrl+KeyY'],
    when: (s) => s.history.future.length > 0,
    run: (s) => s.redo(),
  },
  {
    id: 'edit.cut',
    label: 'Cut',
    category: 'Edit',
    keys: ['Mod+KeyX'],
    when: hasNodes,
    places: ['nodeMenu'],
    run: (s) => s.cutSelection(),
  },
  {
    id: 'edit.copy',
    label: 'Copy',
    category: 'Edit',
    keys: ['Mod+KeyC'],
    when: hasNodes,
    places: ['nodeMenu'],
    run: (s) => s.copySelection(),
  },
  {
    id: 'edit.paste',
    label: 'Paste',
    category: 'Edit',
    keys: ['Mod+KeyV'],
    when: (s) => s.clipboard !== null,
    places: ['canvasMenu'],
    // At the pointer when it is over the canvas (a key press or the canvas menu), else beside the originals.
    run: (s) => s.paste(canvasControls()?.pointer() ?? undefined),
  },
  {
    id: 'edit.duplicate',
    label: 'Duplicate',
    category: 'Edit',
    keys: ['Mod+KeyD'],
    when: hasNodes,
    places: ['nodeMenu'],
    run: (s) => s.duplicateSelection(),
  },
  {
    id: 'edit.delete',
    label: 'Delete',
    category: 'Edit',
    keys: ['Delete', 'Backspace'],
    when: hasSelection,
    places: ['nodeMenu', 'edgeMenu'],
    run: (s) => s.deleteSelection(),
  },
  {
    id: 'edit.addRecurrence',
    label: 'Add recurrent connection',
    category: 'Edit',
    when: (s) => {
      const id = s.selectedNodeIds.length === 1 ? s.selectedNodeIds[0] : undefined;
      return (
        s.graph.nodes.some((n) => n.id === id && n.kind === 'lif') &&
        !s.graph.edges.some((e) => e.source === id && e.target === id)
      );
    },
    places: ['nodeMenu'],
    run: (s) => {
      const id = s.selectedNodeIds[0];
      if (id) s.connect(id, id);
    },
  },
  {
    id: 'selection.all',
    label: 'Select all',
    category: 'Selection',
    keys: ['Mod+KeyA'],
    places: ['canvasMenu'],
    run: (s) => s.selectAll(),
  },
  {
    id: 'selection.clear',
    label: 'Clear selection',
    category: 'Selection',
    keys: ['Escape'],
    when: hasSelection,
    run: (s) => s.clearSelection(),
  },
  nudge('selection.nudgeLeft', 'Nudge left', 'ArrowLeft', -NUDGE, 0),
  nudge('selection.nudgeRight', 'Nudge right', 'ArrowRight', NUDGE, 0),
  nudge('selection.nudgeUp', 'Nudge up', 'ArrowUp', 0, -NUDGE),
  nudge('selection.nudgeDown', 'Nudge down', 'ArrowDown', 0, NUDGE),
  nudge('selection.nudgeLeftBig', 'Nudge left (large step)', 'Shift+ArrowLeft', -NUDGE_BIG, 0),
  nudge('selection.nudgeRightBig', 'Nudge right (large step)', 'Shift+ArrowRight', NUDGE_BIG, 0),
  nudge('selection.nudgeUpBig', 'Nudge up (large step)', 'Shift+ArrowUp', 0, -NUDGE_BIG),
  nudge('selection.nudgeDownBig', 'Nudge down (large step)', 'Shift+ArrowDown', 0, NUDGE_BIG),
  ...NODE_ENTRIES.map(
    (entry): AppCommand => ({
      id: `insert.${entry.id}`,
      label: `Add ${entry.label}`,
      category: 'Insert',
      run: () => insertAtCenter(entry),
    }),
  ),
  {
    id: 'insert.quickAdd',
    label: 'Quick add…',
    category: 'Insert',
    keys: ['Shift+KeyA'],
    places: ['canvasMenu'],
    run: (s) => {
      const flow = canvasControls()?.viewportCenter() ?? { x: 0, y: 0 };
      s.openDialog({ kind: 'quickAdd', flow, screen: { x: window.innerWidth / 2 - 140, y: window.innerHeight / 3 } });
    },
  },
  {
    id: 'view.fit',
    label: 'Fit view',
    category: 'View',
    keys: ['Shift+Digit1'],
    places: ['canvasMenu'],
    run: () => canvasControls()?.fitView(),
  },
  { id: 'view.zoomIn', label: 'Zoom in', category: 'View', keys: ['Mod+Equal'], run: () => canvasControls()?.zoomIn() },
  {
    id: 'view.zoomOut',
    label: 'Zoom out',
    category: 'View',
    keys: ['Mod+Minus'],
    run: () => canvasControls()?.zoomOut(),
  },
  {
    id: 'view.autoLayout',
    label: 'Auto-layout',
    category: 'View',
    keys: ['Mod+Shift+KeyL'],
    when: (s) => s.graph.nodes.length > 0,
    places: ['canvasMenu'],
    run: () => void autoLayout(),
  },
  { id: 'view.snap', label: 'Toggle snap to grid', category: 'View', run: (s) => s.toggleSnapToGrid() },
  { id: 'view.minimap', label: 'Toggle minimap', category: 'View', run: (s) => s.toggleMinimap() },
  { id: 'view.palette', label: 'Show or hide the node palette', category: 'View', run: () => togglePanel('palette') },
  {
    id: 'view.sidePanel',
    label: 'Show or hide the inspector',
    category: 'View',
    run: () => togglePanel('side'),
  },
  {
    id: 'view.bottomPanel',
    label: 'Show or hide the training panel',
    category: 'View',
    keys: ['Mod+KeyJ'],
    run: () => togglePanel('bottom'),
  },
  {
    id: 'view.runs',
    label: 'Show the runs of this document',
    category: 'View',
    run: (s) => {
      setCollapsed('bottom', false);
      s.setBottomTab('runs');
    },
  },
  {
    id: 'view.sweeps',
    label: 'Show the parameter sweeps',
    category: 'View',
    run: (s) => {
      setCollapsed('bottom', false);
      s.setBottomTab('sweeps');
    },
  },
  {
    id: 'view.maximizeTraining',
    label: 'Training view: take the window / give it back',
    category: 'View',
    keys: ['Mod+Shift+KeyM'],
    run: (s) => {
      s.setBottomTab('training');
      s.setBottomMaximized(!s.bottomMaximized);
    },
  },
  {
    id: 'view.theme',
    label: 'Toggle dark theme',
    category: 'View',
    run: (s) => s.setTheme(s.theme === 'dark' ? 'light' : 'dark'),
  },
  {
    id: 'view.commandPalette',
    label: 'Command palette…',
    category: 'View',
    keys: ['Mod+Shift+KeyP'],
    run: (s) => s.openDialog({ kind: 'palette' }),
  },
  {
    id: 'help.guide',
    label: 'Help: a short guide',
    category: 'Help',
    keys: ['F1'],
    run: (s) => s.openDialog({ kind: 'help' }),
  },
  {
    id: 'run.train',
    label: 'Train',
    category: 'Run',
    keys: ['Mod+Enter'],
    run: (s) => {
      if (s.trainingActions) s.trainingActions.train();
      else s.showToast('Training is not connected', 'error');
    },
  },
]);

export function commandById(id: string): AppCommand {
  const command = appCommands.find((c) => c.id === id);
  if (!command) throw new Error(`No command '${id}'`);
  return command;
}

/** Runs a command by id if it applies now (toolbar buttons, menus, the palette). */
export function runCommand(id: string) {
  const command = commandById(id);
  const state = store();
  if (!command.when || command.when(state)) command.run(state);
}
