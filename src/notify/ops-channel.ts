import type { View } from '../views/view.js';

/** The team's operations channel: scheduled-check results and other notices that belong to no incident. */
export interface OpsChannel {
  /** Posts a view; throws when the platform refuses it. */
  post(view: View): Promise<void>;
}

/**
 * Every registered ops channel (console, Slack, Teams): a post goes to each, and one failing does
 * not stop the others. Platform adapters register theirs when they start.
 */
export class OpsChannels implements OpsChannel {
  private readonly channels: OpsChannel[] = [];

  constructor(private readonly onError: (err: unknown) => void = () => {}) {}

  /** Adds a platform's ops channel. */
  register(channel: OpsChannel): void {
    this.channels.push(channel);
  }

  /** How many channels are registered. */
  get size(): number {
    return this.channels.length;
  }

  async post(view: View): Promise<void> {
    await Promise.all(
      this.channels.map(async (c) => {
        try {
          await c.post(view);
        } catch (err) {
          this.onError(err);
        }
      }),
    );
  }
}
