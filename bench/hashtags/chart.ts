// Hand-written SVG, as the other benches' charts: no plotting dependency, readable in a browser.

const FONT = 'font-family="Helvetica, Arial, sans-serif"';

const escapeXml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** Bars of one group share a colour. */
  readonly group: string;
}

const COLOURS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759'];

/** Horizontal bars on a log scale (the steps differ by orders of magnitude), value printed beside. */
export function barsSvg(title: string, unit: string, bars: readonly Bar[]): string {
  const width = 860;
  const rowHeight = 28;
  const margin = { left: 300, right: 120, top: 60, bottom: 40 };
  const height = margin.top + margin.bottom + rowHeight * bars.length;
  const plotWidth = width - margin.left - margin.right;
  const max = Math.max(...bars.map((bar) => bar.value), 1);
  const scale = (value: number) => (Math.log10(Math.max(value, 1)) / Math.log10(max)) * plotWidth;
  const groups = [...new Set(bars.map((bar) => bar.group))];
  const rows = bars.map((bar, index) => {
    const y = margin.top + index * rowHeight;
    const colour = COLOURS[groups.indexOf(bar.group) % COLOURS.length];
    const length = Math.max(1, scale(bar.value));
    return [
      `<text x="${margin.left - 8}" y="${y + 18}" text-anchor="end" font-size="13" ${FONT}>${escapeXml(bar.label)}</text>`,
      `<rect x="${margin.left}" y="${y + 4}" width="${length.toFixed(1)}" height="${rowHeight - 8}" fill="${colour}"/>`,
      `<text x="${(margin.left + length + 6).toFixed(1)}" y="${y + 18}" font-size="12" ${FONT}>${Math.round(bar.value).toLocaleString('en')}</text>`,
    ].join('');
  });
  const legend = groups.map(
    (group, index) =>
      `<rect x="${margin.left + index * 200}" y="32" width="12" height="12" fill="${COLOURS[index % COLOURS.length]}"/>` +
      `<text x="${margin.left + index * 200 + 18}" y="43" font-size="12" ${FONT}>${escapeXml(group)}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    `<text x="20" y="22" font-size="15" font-weight="bold" ${FONT}>${escapeXml(title)}</text>`,
    ...legend,
    ...rows,
    `<text x="${margin.left}" y="${height - 12}" font-size="12" ${FONT}>${escapeXml(`${unit} (log scale)`)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
