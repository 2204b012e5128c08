import { describe, expect, it } from '@jest/globals';
import { parsePrometheusText, sampleValue } from './parse-prometheus-text.js';

const GOOD = `# HELP up Whether it is up.
# TYPE up gauge
up{job="a\\"b",path="c:\\\\d"} 1
# TYPE lag gauge
lag Nan
# TYPE t histogram
t_bucket{le="0.5"} 1
t_bucket{le="+Inf"} 2
t_sum 3.5e-1
t_count 2
`;

describe('parsePrometheusText (the test oracle for /metrics)', () => {
  it('reads families, escaped labels and special values', () => {
    const m = parsePrometheusText(GOOD);
    expect(m.get('up')?.help).toBe('Whether it is up.');
    expect(m.get('up')?.samples[0]?.labels).toEqual({ job: 'a"b', path: 'c:\\d' });
    expect(sampleValue(m, 'lag')).toBeNaN();
    expect(sampleValue(m, 't_sum')).toBeCloseTo(0.35);
  });

  it.each([
    ['no trailing newline', GOOD.trimEnd()],
    ['a sample without TYPE', 'foo 1\n'],
    ['a bad value', '# TYPE x gauge\nx one\n'],
    ['an unescaped quote', '# TYPE x gauge\nx{a="b"c"} 1\n'],
    ['a bad label name', '# TYPE x gauge\nx{1a="b"} 1\n'],
    ['a histogram without +Inf', '# TYPE t histogram\nt_bucket{le="1"} 1\nt_sum 1\nt_count 1\n'],
    ['non-cumulative buckets', '# TYPE t histogram\nt_bucket{le="1"} 2\nt_bucket{le="2"} 1\nt_bucket{le="+Inf"} 2\nt_sum 1\nt_count 2\n'],
    ['+Inf different from count', '# TYPE t histogram\nt_bucket{le="+Inf"} 2\nt_sum 1\nt_count 3\n'],
  ])('rejects %s', (_what, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
