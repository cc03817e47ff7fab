// In-process counters (messages rejected, refusals, warnings): read at GET /api/metrics.
export class Metrics {
  private readonly counts = new Map<string, number>();

  increment(name: string, labels: Record<string, string> = {}, by = 1): void {
    const key = Object.keys(labels).length
      ? `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`
      : name;
    this.counts.set(key, (this.counts.get(key) ?? 0) + by);
  }

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}
