/** What `GET /__emulator/stats` returns. Control requests are never counted. */
export interface StatsSnapshot {
  /** API requests received, the token endpoint included. */
  requests: number;
  by_status: Record<string, number>;
  token_requests: number;
  /** Requests per route, e.g. `GET /v1/sites/{site_id}/surveys/{survey_id}/responses`. */
  by_route: Record<string, number>;
  rate_limited: number;
  faults_fired: number;
  /** Connections destroyed by a `reset` fault (these have no status). */
  resets: number;
}

export class EmulatorStats {
  private data: StatsSnapshot = EmulatorStats.empty();

  private static empty(): StatsSnapshot {
    return {
      requests: 0,
      by_status: {},
      token_requests: 0,
      by_route: {},
      rate_limited: 0,
      faults_fired: 0,
      resets: 0,
    };
  }

  request(route: string, isToken: boolean): void {
    this.data.requests += 1;
    this.data.by_route[route] = (this.data.by_route[route] ?? 0) + 1;
    if (isToken) {
      this.data.token_requests += 1;
    }
  }

  status(status: number): void {
    const key = String(status);
    this.data.by_status[key] = (this.data.by_status[key] ?? 0) + 1;
  }

  rateLimited(): void {
    this.data.rate_limited += 1;
  }

  faultFired(): void {
    this.data.faults_fired += 1;
  }

  reset(): void {
    this.data.resets += 1;
  }

  clear(): void {
    this.data = EmulatorStats.empty();
  }

  snapshot(): StatsSnapshot {
    return structuredClone(this.data);
  }
}
