import type { LinkSocket } from './agent-protocol.js';

class MemoryEnd implements LinkSocket {
  peer?: MemoryEnd;
  private readonly messageListeners: ((text: string) => void)[] = [];
  private readonly closeListeners: (() => void)[] = [];
  private isOpen = true;

  get open(): boolean {
    return this.isOpen;
  }

  send(text: string): void {
    const peer = this.peer;
    if (!this.isOpen || !peer) return;
    // async, like a socket: a reply never runs inside the sender's stack
    setImmediate(() => {
      if (peer.isOpen) for (const l of peer.messageListeners) l(text);
    });
  }

  close(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    for (const l of this.closeListeners) setImmediate(l);
    this.peer?.close();
  }

  onMessage(listener: (text: string) => void): void {
    this.messageListeners.push(listener);
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }
}

/** Two connected in-process LinkSockets: the agent link when drbot could not bind its HTTP port. */
export function memoryLinkPair(): [LinkSocket, LinkSocket] {
  const a = new MemoryEnd();
  const b = new MemoryEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
