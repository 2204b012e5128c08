import { describe, expect, it } from '@jest/globals';
import { svgToPng } from '../../src/picture/svg-to-png.js';

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100" viewBox="0 0 300 100"><rect x="10" y="10" width="100" height="20" fill="#2e7d32"/><text x="10" y="60">RTO 4 h</text></svg>';

function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('svgToPng', () => {
  it('renders a PNG at twice the SVG size by default (sharp on phones and retina screens)', () => {
    const png = svgToPng(SVG);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(pngSize(png)).toEqual({ width: 600, height: 200 });
  });

  it('fits a requested width, keeping the aspect ratio', () => {
    expect(pngSize(svgToPng(SVG, { width: 900 }))).toEqual({ width: 900, height: 300 });
  });

  it('refuses something that is not SVG with an error rather than an empty picture', () => {
    expect(() => svgToPng('<html>not svg</html>')).toThrow();
  });
});
