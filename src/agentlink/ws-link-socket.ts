import type { WebSocket } from 'ws';
import type { LinkSocket } from './agent-protocol.js';

/** A LinkSocket over a `ws` WebSocket (either end). */
export class WsLinkSocket implements LinkSocket {
  constructor(private readonly ws: WebSocket) {}

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  send(text: string): void {
    if (this.open) this.ws.send(text);
  }

  close(code = 1000, reason = ''): void {
    this.ws.close(code, reason);
    // a dead peer never completes the closing handshake: drop the connection after a moment
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }

  onMessage(listener: (text: string) => void): void {
    this.ws.on('message', (data, isBinary) => {
      if (!isBinary) listener(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
    });
  }

  onClose(listener: (code?: number, reason?: string) => void): void {
    this.ws.on('close', (code, reason) => listener(code, reason.toString('utf8')));
  }
}
