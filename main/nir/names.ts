// Unique names for NIR nodes and document ids: 'x', 'x_2', 'x_3', ... Each base remembers the
// next suffix to try, so n nodes of one name cost n steps, not n^2.

/** A namer: each call returns its argument, or the argument with the first free suffix. */
export function uniqueNames(): (base: string) => string {
  const used = new Set<string>();
  const next = new Map<string, number>();
  return (base) => {
    let name = base;
    let k = next.get(base) ?? 2;
    while (used.has(name)) name = `${base}_${k++}`;
    next.set(base, k);
    used.add(name);
    return name;
  };
}
