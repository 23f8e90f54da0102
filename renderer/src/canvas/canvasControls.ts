// What commands may ask of the canvas (fit, centre, where the view is). The mounted canvas
// registers itself here so that commands, the problems list and file actions need no
// React context.
import type { Position } from '../../../shared/file/snnFile';

export interface CanvasControls {
  fitView(): void;
  centerOnNode(id: string): void;
  centerOnEdge(id: string): void;
  /** The centre of the visible canvas in flow coordinates. */
  viewportCenter(): Position;
  /** Where the pointer is over the canvas, in flow coordinates; null when it is elsewhere. */
  pointer(): Position | null;
  /** Rendered sizes of nodes, for auto-layout. */
  nodeSizes(): Record<string, { width: number; height: number }>;
  zoomIn(): void;
  zoomOut(): void;
}

let current: CanvasControls | null = null;

export function registerCanvasControls(controls: CanvasControls): () => void {
  current = controls;
  return () => {
    if (current === controls) current = null;
  };
}

export function canvasControls(): CanvasControls | null {
  return current;
}
