// Markdown tables and number formatting for the reports.

/**
 * Formats a number with thousands separators; '—' for missing values.
 * @param {number | null | undefined} x
 * @param {number} [digits] fraction digits
 * @default digits 0
 * @returns {string}
 */
export function fmt(x, digits = 0) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * Formats a ratio: three decimals below 0.1, none from 100 up, else two.
 * @param {number} x
 * @returns {string}
 */
export function ratio(x) {
  if (!Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  return a >= 100 ? fmt(x) : x.toFixed(a < 0.1 ? 3 : 2);
}

/**
 * Renders a GitHub-flavoured Markdown table; numeric-looking cells are right-aligned.
 * @param {string[]} headers
 * @param {Array<Array<string | number>>} rows
 * @returns {string}
 */
export function markdownTable(headers, rows) {
  const numeric = headers.map(
    (_, c) => rows.length > 0 && rows.every((r) => /^[-\d,.—–× ]+$/.test(String(r[c]))),
  );
  const line = (cells) => `| ${cells.map((s) => String(s).replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(headers), line(headers.map((_, c) => (numeric[c] ? '---:' : '---'))), ...rows.map(line)].join(
    '\n',
  );
}
