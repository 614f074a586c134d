import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import yazl from 'yazl';

/**
 * Writes a workbook from its raw parts, in the order given: the tests control exactly what a
 * writing program put in the archive (part order, prefixes, inline or shared strings, formulas
 * with or without results), which a spreadsheet library would decide for itself.
 */
export async function writeParts(path: string, parts: [name: string, xml: string][]): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [name, xml] of parts) zip.addBuffer(Buffer.from(xml, 'utf8'), name);
  zip.end();
  const out = createWriteStream(path);
  zip.outputStream.pipe(out);
  await once(out, 'close');
  return path;
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** The parts of a minimal workbook around the given sheets (XML of their `<sheetData>` content). */
export function workbookParts(
  sheets: { name: string; rows: string; state?: 'hidden' }[],
  options: { sharedStrings?: string[]; sheetsFirst?: boolean } = {},
): [string, string][] {
  const sheetParts: [string, string][] = sheets.map((s, i) => [
    `xl/worksheets/sheet${i + 1}.xml`,
    `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN}"><sheetData>${s.rows}</sheetData></worksheet>`,
  ]);
  const rels = sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`);
  if (options.sharedStrings) rels.push(`<Relationship Id="rSst" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>`);
  const book: [string, string][] = [
    ['_rels/.rels', `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`],
    ['xl/workbook.xml', `<?xml version="1.0"?><workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets>${sheets
      .map((s, i) => `<sheet name="${s.name}" sheetId="${i + 1}"${s.state ? ` state="${s.state}"` : ''} r:id="rId${i + 1}"/>`)
      .join('')}</sheets></workbook>`],
    ['xl/_rels/workbook.xml.rels', `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels.join('')}</Relationships>`],
  ];
  const strings: [string, string][] = options.sharedStrings
    ? [['xl/sharedStrings.xml', `<?xml version="1.0"?><sst xmlns="${MAIN}">${options.sharedStrings.map((s) => (s.startsWith('<') ? `<si>${s}</si>` : `<si><t xml:space="preserve">${s}</t></si>`)).join('')}</sst>`]]
    : [];
  const content: [string, string] = ['[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'];
  // Excel stores the sheets before the shared strings; sheetsFirst also puts them before the workbook.
  return options.sheetsFirst ? [content, ...sheetParts, ...book, ...strings] : [content, ...book, ...sheetParts, ...strings];
}

/** An inline-string cell. */
export const inline = (ref: string, text: string): string => `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${text}</t></is></c>`;
