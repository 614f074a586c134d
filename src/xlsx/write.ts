import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import yazl from 'yazl';
import { partialStream } from '../reports/partial-file.js';
import { columnName, escapeCellText } from './cell-text.js';

/**
 * A one-sheet Excel workbook written as a stream (memory holds one batch of rows): every cell is
 * an inline string in a Text-formatted cell (number format 49, "@"), and so is every empty cell of
 * the sheet, so Excel shows `0101` and `+31201234567` as written, never runs `=1+1` as a formula
 * (a formula needs an `<f>` element, which is never written), and keeps what a person types into
 * the sheet as text too. The header row is bold and frozen. The archive is written with yazl under
 * a fresh, exclusively created temporary name (partial-file.ts) and renamed when complete.
 */
export class XlsxFile {
  private readonly sheet = new PassThrough();
  private readonly done: Promise<void>;
  private line = 0;
  private batch = '';
  private readonly file: ReturnType<typeof partialStream>;
  private closed = false;

  constructor(path: string, header: readonly string[], sheetName = 'Sheet1') {
    const zip = new yazl.ZipFile();
    this.file = partialStream(path);
    const out = this.file.stream;
    zip.outputStream.pipe(out);
    // A write error (a full disk) rejects close(), never crashes the process.
    this.done = Promise.race([once(out, 'close'), once(out, 'error').then(([error]) => Promise.reject(error))]).then(() => undefined);
    this.done.catch(() => undefined);
    const part = (name: string, xml: string): void => zip.addBuffer(Buffer.from(XML_DECLARATION + xml, 'utf8'), name);
    part('[Content_Types].xml', CONTENT_TYPES);
    part('_rels/.rels', ROOT_RELS);
    part('xl/workbook.xml', workbookXml(sheetName));
    part('xl/_rels/workbook.xml.rels', WORKBOOK_RELS);
    part('xl/styles.xml', STYLES);
    zip.addReadStream(this.sheet, 'xl/worksheets/sheet1.xml');
    zip.end();
    this.sheet.write(XML_DECLARATION + SHEET_START);
    this.row(header, HEADER_STYLE);
  }

  /** Adds a row; resolves when the sheet can take more. */
  async add(record: readonly string[]): Promise<void> {
    this.row(record, TEXT_STYLE);
    if (this.batch.length >= BATCH_CHARS) await this.flush();
  }

  async close(): Promise<void> {
    this.batch += SHEET_END;
    await this.flush();
    this.sheet.end();
    await this.done;
    this.file.commit();
    this.closed = true;
  }

  /** Removes the temporary file of a workbook that was not completed. */
  discard(): void {
    if (!this.closed) this.file.discard();
  }

  private row(cells: readonly string[], style: number): void {
    const r = ++this.line;
    let xml = `<row r="${r}">`;
    for (let i = 0; i < cells.length; i++) {
      const text = cells[i] ?? '';
      if (text === '') continue;
      const space = /^\s|\s$/.test(text) ? ' xml:space="preserve"' : '';
      xml += `<c r="${columnName(i)}${r}" s="${style}" t="inlineStr"><is><t${space}>${escapeCellText(text)}</t></is></c>`;
    }
    this.batch += `${xml}</row>`;
  }

  private async flush(): Promise<void> {
    if (this.batch === '') return;
    const text = this.batch;
    this.batch = '';
    if (!this.sheet.write(text)) await once(this.sheet, 'drain');
  }
}

const BATCH_CHARS = 64 * 1024;
const TEXT_STYLE = 1;
const HEADER_STYLE = 2;

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_RELATIONSHIPS = 'http://schemas.openxmlformats.org/package/2006/relationships';

const CONTENT_TYPES =
  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
  '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
  '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
  '</Types>';

const ROOT_RELS = `<Relationships xmlns="${PACKAGE_RELATIONSHIPS}"><Relationship Id="rId1" Type="${RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;

const WORKBOOK_RELS =
  `<Relationships xmlns="${PACKAGE_RELATIONSHIPS}">` +
  `<Relationship Id="rId1" Type="${RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>` +
  `<Relationship Id="rId2" Type="${RELATIONSHIPS}/styles" Target="styles.xml"/>` +
  '</Relationships>';

const workbookXml = (sheetName: string): string =>
  `<workbook xmlns="${MAIN}" xmlns:r="${RELATIONSHIPS}"><sheets><sheet name="${escapeCellText(sheetName).replace(/"/g, '&quot;')}" sheetId="1" r:id="rId1"/></sheets></workbook>`;

/** Styles: 0 the default, 1 Text (numFmtId 49 is the built-in "@"), 2 bold Text for the header. */
const STYLES =
  `<styleSheet xmlns="${MAIN}">` +
  '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/></cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
  '</styleSheet>';

/** Every column Text-formatted (what a person types stays text), the header row frozen. */
const SHEET_START =
  `<worksheet xmlns="${MAIN}" xmlns:r="${RELATIONSHIPS}">` +
  '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
  '<sheetFormatPr defaultRowHeight="15"/>' +
  `<cols><col min="1" max="16384" width="22" style="${TEXT_STYLE}" customWidth="1"/></cols>` +
  '<sheetData>';
const SHEET_END = '</sheetData></worksheet>';
