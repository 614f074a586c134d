import { once } from 'node:events';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';

/**
 * Text documents such as the order summary as PDF: A4 pages of lines, laid out and wrapped by
 * pdfkit, in DejaVu Sans embedded from the dejavu-fonts-ttf package (only the glyphs used, so a
 * summary stays small). DejaVu Sans covers Latin with every European accent (Łódź, İstanbul,
 * Göteborg), Greek and Cyrillic; a character it has no glyph for (Chinese, Japanese, Korean)
 * prints as "?", so a reader never gets an empty box that looks like a space. The text is
 * extractable (pdftotext, copy and paste) because pdfkit writes each font's Unicode map.
 */

export type PdfStyle = 'title' | 'heading' | 'body' | 'small';

export interface PdfLine {
  text: string;
  style?: PdfStyle;
  /** Indent in levels of 14 points. */
  indent?: number;
}

const require = createRequire(import.meta.url);
export const FONT_FILES = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
} as const;

const PAGE = { width: 595.28, height: 841.89, margin: 56 };
const FOOTER = 24;
const FONT: Record<PdfStyle, { font: keyof typeof FONT_FILES; size: number; gap: number; before: number }> = {
  title: { font: 'bold', size: 17, gap: 6, before: 0 },
  heading: { font: 'bold', size: 12, gap: 4, before: 10 },
  body: { font: 'regular', size: 10, gap: 3.5, before: 0 },
  small: { font: 'regular', size: 8, gap: 3, before: 0 },
};

interface GlyphCoverage {
  hasGlyphForCodePoint(codePoint: number): boolean;
}
let coverage: Record<keyof typeof FONT_FILES, GlyphCoverage> | undefined;

/** The text as the font can print it: composed (NFC), with "?" for characters it has no glyph for. */
export function printable(text: string, font: keyof typeof FONT_FILES = 'regular'): string {
  coverage ??= {
    regular: fontkit.openSync(FONT_FILES.regular) as unknown as GlyphCoverage,
    bold: fontkit.openSync(FONT_FILES.bold) as unknown as GlyphCoverage,
  };
  const glyphs = coverage[font];
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const code = ch.codePointAt(0)!;
    out += code < 0x20 ? ' ' : glyphs.hasGlyphForCodePoint(code) ? ch : '?';
  }
  return out;
}

/** Renders the lines as an A4 PDF with "Page N of M" at the foot of every page. */
export async function renderPdf(lines: readonly PdfLine[], info: { title: string; created?: Date }): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: PAGE.margin, left: PAGE.margin, right: PAGE.margin, bottom: PAGE.margin + FOOTER },
    bufferPages: true,
    info: { Title: info.title, Producer: 'bulkhub', Creator: 'bulkhub', CreationDate: info.created ?? new Date() },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = once(doc, 'end');
  doc.registerFont('regular', FONT_FILES.regular);
  doc.registerFont('bold', FONT_FILES.bold);

  lines.forEach((line, index) => {
    const style = FONT[line.style ?? 'body'];
    if (index > 0 && style.before > 0) doc.moveDown(style.before / (style.size + style.gap));
    const x = PAGE.margin + (line.indent ?? 0) * 14;
    doc.font(style.font).fontSize(style.size).text(printable(line.text, style.font), x, undefined, {
      width: PAGE.width - PAGE.margin - x,
      lineGap: style.gap,
    });
  });

  const { start, count } = doc.bufferedPageRange();
  for (let page = start; page < start + count; page++) {
    doc.switchToPage(page);
    // The footer sits in the bottom margin: without a margin there, pdfkit would start a new page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('regular').fontSize(FONT.small.size).text(`Page ${page + 1} of ${count}`, PAGE.margin, PAGE.height - PAGE.margin, { lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}
