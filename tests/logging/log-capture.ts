import type { DestinationStream } from 'pino';

/** A pino destination that keeps every line, to read back what drbot logged. */
export class LogCapture implements DestinationStream {
  readonly lines: string[] = [];

  write(line: string): void {
    this.lines.push(line);
  }

  /** Everything logged, as one text. */
  get text(): string {
    return this.lines.join('');
  }

  /** The lines parsed as JSON. */
  records(): Record<string, unknown>[] {
    return this.text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}
