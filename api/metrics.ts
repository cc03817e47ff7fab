// In-process counters (messages rejected, refusals, warnings): read at GET /api/metrics.
export class Metrics {
  private readonly counts = new Map<string, number>();

  // Called for every device message: the key is built without intermediate arrays.
  increment(name: string, labels?: Record<string, string>, by = 1): void {
    let key = name;
    if (labels) {
      let inner = '';
      for (const k in labels) inner += `${inner ? ',' : ''}${k}="${labels[k]}"`;
      if (inner) key = `${name}{${inner}}`;
    }
    this.counts.set(key, (this.counts.get(key) ?? 0) + by);
  }

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}
