/** The part of fontkit (pdfkit's font engine, which ships no types) that bulkhub uses. */
declare module 'fontkit' {
  export function openSync(path: string): unknown;
}
