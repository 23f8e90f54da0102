// Small glyphs that tell node kinds apart in the palette and on nodes.
import type { NodeKind } from '../../../shared/graph/kinds';

const PATHS: Record<NodeKind, string> = {
  dataset: 'M3 4h10M3 8h10M3 12h10M5 2v4M9 6v4M7 10v4',
  lif: 'M2 12h3l1.5-8 1.5 8h2l1-4 1 4h2',
  readout: 'M2 12c3 0 3-8 6-8s3 8 6 8',
  loss: 'M3 3l10 10M13 3L3 13',
  regularizer: 'M2 5h12M2 11h12M8 2v12',
  training: 'M8 2a6 6 0 1 0 6 6M14 2v4h-4',
};

/** Presets of a kind with a glyph of their own: adaptive LIF's spikes shrink as adaptation builds. */
const PRESET_PATHS: Record<string, string> = {
  adlif: 'M1.5 12h2l1.5-9 1.5 9h1.5l1-6 1 6h1.5l.75-3 .75 3h1.5',
};

export function KindIcon({ kind, preset }: { kind: NodeKind; preset?: string | undefined }) {
  return (
    <svg className={`kind-icon kind-icon--${kind}`} viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
      <path
        d={(preset && PRESET_PATHS[preset]) || PATHS[kind]}
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinecap="round"
      />
    </svg>
  );
}
