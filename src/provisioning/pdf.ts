/**
 * A small PDF 1.4 writer for text documents such as the order summary: A4 pages of lines in
 * the standard Helvetica fonts, which every PDF reader has, so nothing is embedded. Text is
 * WinAnsi-encoded (Göteborg, €, “quotes” come out right); a character outside WinAnsi prints
 * as "?". Streams are left uncompressed: the files are small and a test can read them.
 */

export type PdfStyle = 'title' | 'heading' | 'body' | 'small';

export interface PdfLine {
  text: string;
  style?: PdfStyle;
  /** Indent in levels of 14 points. */
  indent?: number;
}

const PAGE = { width: 595.28, height: 841.89, margin: 56 };
const FONT: Record<PdfStyle, { font: 'F1' | 'F2'; size: number; leading: number; before: number }> = {
  title: { font: 'F2', size: 18, leading: 24, before: 0 },
  heading: { font: 'F2', size: 12.5, leading: 18, before: 10 },
  body: { font: 'F1', size: 10.5, leading: 14.5, before: 0 },
  small: { font: 'F1', size: 8.5, leading: 12, before: 0 },
};

// Helvetica advance widths (Adobe AFM, 1/1000 em) for WinAnsi 32..126; others count as 556.
const WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278,
  278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
  667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556,
  556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

function textWidth(text: string, style: PdfStyle): number {
  const { size, font } = FONT[style];
  let units = 0;
  for (const ch of text) units += WIDTHS[(ch.codePointAt(0) ?? 0) - 32] ?? 556;
  return (units * size * (font === 'F2' ? 1.08 : 1)) / 1000; // bold runs a little wider
}

/** cp1252 bytes 0x80-0x9F; 0xA0-0xFF are the same as Unicode (Latin-1). */
const WIN_ANSI_HIGH: Record<string, number> = {
  '€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88, '‰': 0x89, 'Š': 0x8a, '‹': 0x8b, 'Œ': 0x8c,
  'Ž': 0x8e, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9a, '›': 0x9b,
  'œ': 0x9c, 'ž': 0x9e, 'Ÿ': 0x9f,
};

export function winAnsiBytes(text: string): number[] {
  const bytes: number[] = [];
  for (const ch of text.normalize('NFC')) {
    const code = ch.codePointAt(0)!;
    if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff)) bytes.push(code);
    else bytes.push(WIN_ANSI_HIGH[ch] ?? 0x3f);
  }
  return bytes;
}

/** A PDF literal string, ASCII only: `\(`, `\)`, `\\` and octal escapes for the rest. */
function literal(text: string): string {
  return `(${winAnsiBytes(text)
    .map((b) => (b === 0x28 || b === 0x29 || b === 0x5c ? `\\${String.fromCharCode(b)}` : b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\${b.toString(8).padStart(3, '0')}`))
    .join('')})`;
}

/** Metadata strings as UTF-16BE with a byte order mark: any character survives. */
function unicodeString(text: string): string {
  let hex = 'FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return `<${hex}>`;
}

/** Splits a line into pieces that fit the text width, at spaces where it can. */
function wrap(line: PdfLine, width: number): PdfLine[] {
  const style = line.style ?? 'body';
  const out: PdfLine[] = [];
  let current = '';
  for (const word of line.text.split(' ')) {
    const next = current === '' ? word : `${current} ${word}`;
    if (current !== '' && textWidth(next, style) > width) {
      out.push({ ...line, text: current });
      current = word;
    } else current = next;
  }
  out.push({ ...line, text: current });
  return out.map((piece, i) => (i === 0 ? piece : { ...piece, indent: (line.indent ?? 0) + 1 }));
}

interface Placed extends PdfLine {
  y: number;
}

function layOut(lines: readonly PdfLine[]): Placed[][] {
  const pages: Placed[][] = [[]];
  const top = PAGE.height - PAGE.margin;
  const bottom = PAGE.margin + 24; // room for the page number
  let y = top;
  for (const line of lines) {
    for (const piece of wrap(line, PAGE.width - 2 * PAGE.margin - (line.indent ?? 0) * 14)) {
      const f = FONT[piece.style ?? 'body'];
      const first = y === top;
      y -= (first ? 0 : f.before) + (first ? f.size : f.leading);
      if (y < bottom) {
        pages.push([]);
        y = top - f.size;
      }
      pages.at(-1)!.push({ ...piece, y });
    }
  }
  return pages;
}

export function renderPdf(lines: readonly PdfLine[], info: { title: string; created?: Date }): Buffer {
  const pages = layOut(lines);
  const objects: string[] = [];
  const add = (body: string): number => objects.push(body);
  add('<< /Type /Catalog /Pages 2 0 R >>');
  add(''); // the page tree, filled in once the page objects have numbers
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
  const stamp = (info.created ?? new Date()).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const infoRef = add(`<< /Title ${unicodeString(info.title)} /Producer (bulkhub) /CreationDate (D:${stamp}Z) >>`);
  const kids = pages.map((page, index) => {
    const text = [...page, { text: `Page ${index + 1} of ${pages.length}`, style: 'small' as const, y: PAGE.margin }]
      .map((l) => {
        const f = FONT[l.style ?? 'body'];
        const x = PAGE.margin + (l.indent ?? 0) * 14;
        return `BT /${f.font} ${f.size} Tf ${x.toFixed(2)} ${l.y.toFixed(2)} Td ${literal(l.text)} Tj ET`;
      })
      .join('\n');
    const content = add(`<< /Length ${Buffer.byteLength(text, 'latin1')} >>\nstream\n${text}\nendstream`);
    return add(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE.width} ${PAGE.height}] ` +
        `/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${content} 0 R >>`,
    );
  });
  objects[1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;

  // The cross-reference table gives each object's byte offset; a binary comment on line 2
  // tells transfer tools the file is binary.
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets = objects.map((body, i) => {
    const at = Buffer.byteLength(out, 'latin1');
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return at;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info ${infoRef} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
