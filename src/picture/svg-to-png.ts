import { Resvg } from '@resvg/resvg-js';

/**
 * Renders an SVG to PNG for chat platforms that cannot show SVG (Slack, Teams). Text uses the
 * host's fonts; Hangul needs a Korean font installed (Debian: fonts-nanum).
 */
export function svgToPng(svg: string, options: { width?: number } = {}): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: options.width ? { mode: 'width', value: options.width } : { mode: 'zoom', value: 2 },
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
