/** One sample line: metric name, labels and value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A metric family: its TYPE, HELP and samples. */
export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Parses the Prometheus text exposition format (0.0.4) strictly: every sample belongs to a family
 * declared by a TYPE line before it, names and labels are valid, label values are properly escaped,
 * values are floats, and histograms have ordered cumulative buckets ending in +Inf equal to _count.
 * Throws with the line number on the first violation.
 */
export function parsePrometheusText(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const families = new Map<string, Family>();
  const lines = text.split('\n').slice(0, -1);
  lines.forEach((line, i) => {
    const at = `line ${i + 1} ("${line.slice(0, 80)}")`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m) return; // a plain comment
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (!NAME.test(name)) throw new Error(`${at}: bad metric name`);
      const family = families.get(name) ?? { name, type: 'untyped' as Family['type'], help: '', samples: [] };
      if (kind === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(`${at}: unknown type ${rest}`);
        if (family.samples.length) throw new Error(`${at}: TYPE after samples`);
        family.type = rest as Family['type'];
      } else family.help = rest;
      families.set(name, family);
      return;
    }
    const sample = parseSample(line, at);
    const family = familyOf(sample.name, families);
    if (!family) throw new Error(`${at}: sample ${sample.name} has no TYPE line before it`);
    family.samples.push(sample);
  });
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

function familyOf(sampleName: string, families: Map<string, Family>): Family | undefined {
  const direct = families.get(sampleName);
  if (direct) return direct;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (sampleName.endsWith(suffix)) {
      const f = families.get(sampleName.slice(0, -suffix.length));
      if (f && (f.type === 'histogram' || f.type === 'summary')) return f;
    }
  }
  return undefined;
}

function parseSample(line: string, at: string): Sample {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)( -?\d+)?$/.exec(line);
  if (!m) throw new Error(`${at}: not a sample line`);
  const [, name, rawLabels, rawValue] = m as unknown as [string, string, string | undefined, string];
  const labels: Record<string, string> = {};
  if (rawLabels) {
    let rest = rawLabels.slice(1, -1);
    while (rest.length) {
      const lm = /^([^=]+)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/.exec(rest);
      if (!lm) throw new Error(`${at}: bad label syntax near ${rest.slice(0, 30)}`);
      const [whole, key, value] = lm as unknown as [string, string, string];
      if (!LABEL.test(key)) throw new Error(`${at}: bad label name ${key}`);
      if (key in labels) throw new Error(`${at}: duplicate label ${key}`);
      labels[key] = value.replace(/\\(["\\n])/g, (_s, c: string) => (c === 'n' ? '\n' : c));
      rest = rest.slice(whole.length);
    }
  }
  // Values are what Go's strconv.ParseFloat accepts: decimals, exponents, and Inf/Infinity/NaN in any case.
  if (!/^[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?|inf|infinity|nan)$/i.test(rawValue)) throw new Error(`${at}: bad value ${rawValue}`);
  const special = rawValue.toLowerCase().replace(/^\+/, '');
  const value = special === 'inf' || special === 'infinity' ? Infinity : special === '-inf' || special === '-infinity' ? -Infinity : special.endsWith('nan') ? NaN : Number(rawValue);
  return { name, labels, value };
}

function checkHistogram(f: Family): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number; sum?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const entry = series.get(key) ?? { buckets: [] };
    if (s.name === `${f.name}_bucket`) {
      if (le === undefined) throw new Error(`${f.name}: bucket without le`);
      entry.buckets.push([le === '+Inf' ? Infinity : Number(le), s.value]);
    } else if (s.name === `${f.name}_count`) entry.count = s.value;
    else if (s.name === `${f.name}_sum`) entry.sum = s.value;
    else throw new Error(`${f.name}: unexpected sample ${s.name}`);
    series.set(key, entry);
  }
  for (const [key, s] of series) {
    if (s.count === undefined || s.sum === undefined) throw new Error(`${f.name}${key}: missing _count or _sum`);
    const last = s.buckets[s.buckets.length - 1];
    if (!last || last[0] !== Infinity) throw new Error(`${f.name}${key}: no +Inf bucket`);
    for (let i = 1; i < s.buckets.length; i++) {
      if (s.buckets[i]![0] <= s.buckets[i - 1]![0]) throw new Error(`${f.name}${key}: buckets out of order`);
      if (s.buckets[i]![1] < s.buckets[i - 1]![1]) throw new Error(`${f.name}${key}: buckets not cumulative`);
    }
    if (last[1] !== s.count) throw new Error(`${f.name}${key}: +Inf bucket ${last[1]} differs from _count ${s.count}`);
  }
}

/** The value of the one sample of `name` whose labels include `labels`; undefined when absent. */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
    }
  }
  return undefined;
}
