import type { Lang } from '../i18n/lang.js';

const MINUTE = 60_000;
const TICK_MINUTES = [1, 2, 5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440, 2880, 10080];

/** Maps instants in [from, to] linearly onto pixels [x0, x1] (clamped), with round elapsed-time ticks. */
export class TimeScale {
  constructor(
    readonly from: number,
    readonly to: number,
    readonly x0: number,
    readonly x1: number,
  ) {}

  /** The x of an instant, clamped to the scale. */
  x(at: number): number {
    const ratio = (at - this.from) / Math.max(1, this.to - this.from);
    return round(this.x0 + Math.min(1, Math.max(0, ratio)) * (this.x1 - this.x0));
  }

  /** True when the instant lies inside the scale. */
  contains(at: number): boolean {
    return at >= this.from && at <= this.to;
  }

  /** Ticks at whole multiples of a round step after `from` (0, 15 min, 30 min …), at most about `maxTicks`. */
  ticks(maxTicks = 8): { at: number; elapsedMs: number }[] {
    const span = this.to - this.from;
    const step = (TICK_MINUTES.find((m) => span / (m * MINUTE) <= maxTicks) ?? Math.ceil(span / MINUTE / maxTicks)) * MINUTE;
    const out: { at: number; elapsedMs: number }[] = [];
    for (let e = 0; e <= span; e += step) out.push({ at: this.from + e, elapsedMs: e });
    return out;
  }
}

/** Elapsed time as an axis label: `0`, `15 min`, `1 h`, `1 h 30` / `15분`, `1시간`, `1시간 30분`. */
export function elapsedLabel(ms: number, lang: Lang): string {
  const total = Math.round(ms / MINUTE);
  if (total === 0) return '0';
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (lang === 'ko') return h ? `${h}시간${m ? ` ${m}분` : ''}` : `${m}분`;
  return h ? `${h} h${m ? ` ${m}` : ''}` : `${m} min`;
}

/** Rounds a coordinate to one decimal, which keeps the SVG short. */
export function round(n: number): number {
  return Math.round(n * 10) / 10;
}
