/** Counts API calls per service and operation, for tests, the demo and benchmarks. */
export class CallCounter {
  private counts = new Map<string, Map<string, number>>();

  record(service: string, operation: string): void {
    let perService = this.counts.get(service);
    if (perService === undefined) {
      perService = new Map();
      this.counts.set(service, perService);
    }
    perService.set(operation, (perService.get(operation) ?? 0) + 1);
  }

  /** `{ total, services: { secretsmanager: { GetSecretValue: 3, ... }, ... } }` */
  snapshot(): { total: number; services: Record<string, Record<string, number>> } {
    const services: Record<string, Record<string, number>> = {};
    let total = 0;
    for (const [service, perService] of this.counts) {
      services[service] = Object.fromEntries(perService);
      for (const count of perService.values()) total += count;
    }
    return { total, services };
  }

  clear(): void {
    this.counts = new Map();
  }
}
