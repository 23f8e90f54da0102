// Test-set confusion matrix: rows are true classes, columns predicted ones.
export function ConfusionMatrix({ matrix }: { matrix: number[][] }) {
  const max = Math.max(1, ...matrix.flat());
  return (
    <figure className="plot">
      <figcaption>Confusion matrix (test set)</figcaption>
      <table className="confusion" data-testid="confusion">
        <tbody>
          {matrix.map((row, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are classes, fixed by position.
            <tr key={i}>
              {row.map((count, j) => (
                <td
                  // biome-ignore lint/suspicious/noArrayIndexKey: columns are classes, fixed by position.
                  key={j}
                  title={`true ${i}, predicted ${j}: ${count}`}
                  style={{
                    background: `rgb(91 91 214 / ${(count / max).toFixed(3)})`,
                    color: count / max > 0.5 ? '#fff' : undefined,
                  }}
                >
                  {count}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
