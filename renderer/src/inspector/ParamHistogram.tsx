// A small histogram of one trained per-neuron parameter or of a connection's delays, drawn in
// the inspector after training: bars over the value range, the range at the ends, mean ± sd.
import { formatTick } from '../plots/figure';
import type { ParamDistribution } from './histogram';

const W = 240;
const H = 64;

export function ParamHistogram({ dist }: { dist: ParamDistribution }) {
  const h = dist.histogram;
  const peak = Math.max(...h.counts, 1);
  const bw = W / h.counts.length;
  const step = (h.hi - h.lo) / h.counts.length;
  const unit = dist.unit ? ` ${dist.unit}` : '';
  const summary =
    h.min === h.max
      ? `all ${formatTick(h.min)}${unit}`
      : `mean ${formatTick(h.mean)} ± ${formatTick(h.sd)}${unit} · ${formatTick(h.min)}–${formatTick(h.max)}`;
  const left = h.integer ? h.lo + 0.5 : h.lo;
  const right = h.integer ? h.hi - 0.5 : h.hi;
  return (
    <figure className="param-hist" data-testid={`histogram-${dist.key}`}>
      <figcaption className="param-hist__title">
        <span>{dist.label}</span>
        <span className="param-hist__n">{h.n} values</span>
      </figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="param-hist__plot"
        role="img"
        aria-label={`${dist.label}: ${summary}`}
        preserveAspectRatio="none"
      >
        {h.counts.map((c, i) => {
          const bh = (c / peak) * (H - 2);
          return (
            <rect
              // biome-ignore lint/suspicious/noArrayIndexKey: bins are positions, fixed for this histogram.
              key={i}
              className="param-hist__bar"
              x={i * bw + 0.5}
              y={H - bh}
              width={Math.max(bw - 1, 0.5)}
              height={bh}
            >
              <title>{`${formatTick(h.lo + i * step)}–${formatTick(h.lo + (i + 1) * step)}: ${c}`}</title>
            </rect>
          );
        })}
        <line className="param-hist__axis" x1={0} x2={W} y1={H - 0.5} y2={H - 0.5} />
      </svg>
      <div
        className={`param-hist__ticks${h.integer ? ' is-centred' : ''}`}
        style={{ '--bin': `${100 / h.counts.length}%` } as React.CSSProperties}
      >
        <span className={`param-hist__tick${h.counts.length === 1 ? ' param-hist__tick--only' : ''}`}>
          {formatTick(left)}
        </span>
        {h.counts.length > 1 && <span className="param-hist__tick param-hist__tick--last">{formatTick(right)}</span>}
      </div>
      <div className="param-hist__summary">
        {summary}
        {h.skipped > 0 && ` · ${h.skipped} not finite`}
      </div>
    </figure>
  );
}
