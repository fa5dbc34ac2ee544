import type { ElbowResult } from './elbow.ts';
import type { Evaluation } from './evaluation.ts';

// Hand-written SVG: no plotting dependency, readable in a browser, diffable in review.

const FONT = 'font-family="Helvetica, Arial, sans-serif"';

function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function text(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${FONT} ${attributes}>${escapeXml(content)}</text>`;
}

function svgDocument(width: number, height: number, title: string, parts: readonly string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

/** Round tick values covering [min, max]: steps of 1, 2 or 5 × 10^n. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  const span = max - min || Math.abs(max) || 1;
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((factor) => factor * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let value = Math.floor(min / step) * step; value <= max + step * 1e-9; value += step) {
    ticks.push(Math.round(value / step) * step);
  }
  return ticks;
}

function formatNumber(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6) return `${(value / 1e6).toFixed(magnitude >= 1e7 ? 0 : 1)}M`;
  if (magnitude >= 1e3) return `${(value / 1e3).toFixed(magnitude >= 1e4 ? 0 : 1)}k`;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** The elbow curve: inertia against K, the chord the knee rule measures from, and the chosen K. */
export function elbowSvg(result: ElbowResult, title: string): string {
  const width = 760;
  const height = 460;
  const margin = { left: 80, right: 30, top: 60, bottom: 70 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const ks = result.points.map((point) => point.k);
  const kMin = Math.min(...ks);
  const kMax = Math.max(...ks);
  const yTicks = niceTicks(0, Math.max(...result.points.map((point) => point.inertia)));
  const yMax = yTicks[yTicks.length - 1] ?? 1;
  const x = (k: number): number => margin.left + ((k - kMin) / (kMax - kMin || 1)) * plotWidth;
  const y = (inertia: number): number => margin.top + plotHeight - (inertia / yMax) * plotHeight;
  const parts: string[] = [];
  parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  parts.push(text(width / 2, 28, title, 'font-size="18" font-weight="bold" text-anchor="middle"'));
  parts.push(
    text(
      width / 2,
      48,
      `elbow method: k-means inertia for K = ${kMin}..${kMax} on ${result.sampleSize} rows`,
      'font-size="13" fill="#555" text-anchor="middle"',
    ),
  );
  for (const tick of yTicks) {
    parts.push(
      `<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${y(tick)}" y2="${y(tick)}" stroke="#e4e4e4"/>`,
    );
    parts.push(text(margin.left - 8, y(tick) + 4, formatNumber(tick), 'font-size="12" text-anchor="end"'));
  }
  for (const k of ks) {
    parts.push(
      `<line x1="${x(k)}" x2="${x(k)}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight + 5}" stroke="#333"/>`,
    );
    parts.push(text(x(k), margin.top + plotHeight + 20, String(k), 'font-size="12" text-anchor="middle"'));
  }
  parts.push(
    `<path d="M${margin.left},${margin.top}V${margin.top + plotHeight}H${margin.left + plotWidth}" fill="none" stroke="#333"/>`,
  );
  parts.push(
    text(
      margin.left + plotWidth / 2,
      height - 22,
      'K (number of clusters)',
      'font-size="14" text-anchor="middle"',
    ),
  );
  parts.push(
    text(
      22,
      margin.top + plotHeight / 2,
      'inertia (sum of squared distances, scaled features)',
      `font-size="14" text-anchor="middle" transform="rotate(-90 22 ${margin.top + plotHeight / 2})"`,
    ),
  );
  const first = result.points[0];
  const last = result.points[result.points.length - 1];
  if (first !== undefined && last !== undefined) {
    parts.push(
      `<line x1="${x(first.k)}" y1="${y(first.inertia)}" x2="${x(last.k)}" y2="${y(last.inertia)}" stroke="#999" stroke-dasharray="6 4"/>`,
    );
  }
  parts.push(
    `<polyline points="${result.points.map((point) => `${x(point.k).toFixed(1)},${y(point.inertia).toFixed(1)}`).join(' ')}" fill="none" stroke="#1f77b4" stroke-width="2"/>`,
  );
  for (const point of result.points) {
    parts.push(`<circle cx="${x(point.k)}" cy="${y(point.inertia)}" r="3.5" fill="#1f77b4"/>`);
  }
  const knee = result.points.find((point) => point.k === result.chosenK);
  if (knee !== undefined) {
    parts.push(
      `<line x1="${x(knee.k)}" x2="${x(knee.k)}" y1="${margin.top}" y2="${margin.top + plotHeight}" stroke="#d62728" stroke-dasharray="4 3"/>`,
    );
    parts.push(
      `<circle cx="${x(knee.k)}" cy="${y(knee.inertia)}" r="7" fill="none" stroke="#d62728" stroke-width="2.5"/>`,
    );
    parts.push(
      text(
        x(knee.k) + 10,
        margin.top + 16,
        `chosen K = ${knee.k} (farthest below the dashed chord)`,
        'font-size="13" fill="#d62728"',
      ),
    );
  }
  return svgDocument(width, height, title, parts);
}

export interface AccuracyPanel {
  readonly title: string;
  readonly evaluation: Evaluation;
}

const PANEL = { width: 460, height: 360 };

function barsPanel(panel: AccuracyPanel, left: number, top: number): string {
  const { classes } = panel.evaluation;
  const margin = { left: 60, right: 10, top: 44, bottom: 100 };
  const plotWidth = PANEL.width - margin.left - margin.right;
  const plotHeight = PANEL.height - margin.top - margin.bottom;
  const x0 = left + margin.left;
  const y0 = top + margin.top;
  const slot = plotWidth / Math.max(1, classes.length);
  const bar = Math.min(22, slot * 0.38);
  const y = (value: number): number => y0 + plotHeight - value * plotHeight;
  const parts: string[] = [];
  parts.push(
    text(
      left + PANEL.width / 2,
      top + 18,
      panel.title,
      'font-size="14" font-weight="bold" text-anchor="middle"',
    ),
  );
  parts.push(
    text(
      left + PANEL.width / 2,
      top + 34,
      `accuracy ${(panel.evaluation.accuracy * 100).toFixed(2)}% on ${panel.evaluation.samples} rows`,
      'font-size="12" fill="#555" text-anchor="middle"',
    ),
  );
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line x1="${x0}" x2="${x0 + plotWidth}" y1="${y(tick)}" y2="${y(tick)}" stroke="#e4e4e4"/>`);
    parts.push(text(x0 - 6, y(tick) + 4, tick.toFixed(2), 'font-size="11" text-anchor="end"'));
  }
  classes.forEach((entry, index) => {
    const center = x0 + slot * (index + 0.5);
    parts.push(
      `<rect x="${center - bar}" y="${y(entry.precision)}" width="${bar}" height="${y(0) - y(entry.precision)}" fill="#1f77b4"><title>precision ${entry.precision.toFixed(4)}</title></rect>`,
    );
    parts.push(
      `<rect x="${center}" y="${y(entry.recall)}" width="${bar}" height="${y(0) - y(entry.recall)}" fill="#ff7f0e"><title>recall ${entry.recall.toFixed(4)}</title></rect>`,
    );
    parts.push(
      text(
        center,
        y0 + plotHeight + 14,
        entry.name,
        `font-size="11" text-anchor="end" transform="rotate(-35 ${center} ${y0 + plotHeight + 14})"`,
      ),
    );
  });
  parts.push(`<path d="M${x0},${y0}V${y0 + plotHeight}H${x0 + plotWidth}" fill="none" stroke="#333"/>`);
  const legendY = top + PANEL.height - 12;
  parts.push(`<rect x="${x0}" y="${legendY - 10}" width="12" height="12" fill="#1f77b4"/>`);
  parts.push(text(x0 + 16, legendY, 'precision', 'font-size="12"'));
  parts.push(`<rect x="${x0 + 90}" y="${legendY - 10}" width="12" height="12" fill="#ff7f0e"/>`);
  parts.push(text(x0 + 106, legendY, 'recall', 'font-size="12"'));
  return parts.join('\n');
}

function confusionPanel(panel: AccuracyPanel, left: number, top: number): string {
  const { confusion, classes } = panel.evaluation;
  const n = confusion.length;
  const margin = { left: 100, top: 44, bottom: 40 };
  const size = Math.min(PANEL.width - margin.left - 20, PANEL.height - margin.top - margin.bottom);
  const cell = size / Math.max(1, n);
  const x0 = left + margin.left;
  const y0 = top + margin.top;
  const parts: string[] = [];
  parts.push(
    text(
      left + PANEL.width / 2,
      top + 18,
      `${panel.title}: confusion matrix`,
      'font-size="14" font-weight="bold" text-anchor="middle"',
    ),
  );
  parts.push(text(x0 + size / 2, top + 34, 'predicted →', 'font-size="12" fill="#555" text-anchor="middle"'));
  confusion.forEach((row, actual) => {
    const total = row.reduce((sum, count) => sum + count, 0) || 1;
    row.forEach((count, predicted) => {
      const share = count / total;
      const shade = Math.round(255 - share * 200);
      const fill =
        actual === predicted
          ? `rgb(${shade},${Math.round(255 - share * 120)},${shade})`
          : `rgb(255,${shade},${shade})`;
      parts.push(
        `<rect x="${x0 + predicted * cell}" y="${y0 + actual * cell}" width="${cell}" height="${cell}" fill="${count === 0 ? '#fafafa' : fill}" stroke="#ddd"/>`,
      );
      if (n <= 12 && count > 0) {
        parts.push(
          text(
            x0 + (predicted + 0.5) * cell,
            y0 + (actual + 0.5) * cell + 4,
            formatNumber(count),
            `font-size="${cell > 40 ? 11 : 9}" text-anchor="middle"`,
          ),
        );
      }
    });
    parts.push(
      text(
        x0 - 6,
        y0 + (actual + 0.5) * cell + 4,
        classes[actual]?.name ?? String(actual),
        'font-size="11" text-anchor="end"',
      ),
    );
  });
  classes.forEach((entry, predicted) => {
    parts.push(
      text(
        x0 + (predicted + 0.5) * cell,
        y0 + size + 14,
        String(entry.label),
        'font-size="11" text-anchor="middle"',
      ),
    );
  });
  parts.push(
    text(
      left + 14,
      y0 + size / 2,
      'actual →',
      `font-size="12" fill="#555" text-anchor="middle" transform="rotate(-90 ${left + 14} ${y0 + size / 2})"`,
    ),
  );
  return parts.join('\n');
}

/** One row per panel: per-class precision/recall bars beside the confusion matrix. */
export function accuracySvg(panels: readonly AccuracyPanel[], title: string): string {
  const width = PANEL.width * 2;
  const height = 50 + PANEL.height * panels.length;
  const parts: string[] = [`<rect width="${width}" height="${height}" fill="white"/>`];
  parts.push(text(width / 2, 30, title, 'font-size="18" font-weight="bold" text-anchor="middle"'));
  panels.forEach((panel, index) => {
    const top = 50 + index * PANEL.height;
    parts.push(barsPanel(panel, 0, top));
    parts.push(confusionPanel(panel, PANEL.width, top));
  });
  return svgDocument(width, height, title, parts);
}
