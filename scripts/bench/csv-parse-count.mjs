// The baseline: csv-parse alone, streaming, counting records (arrays, no column mapping).
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

let records = 0;
const parser = createReadStream(process.argv[2], { highWaterMark: 1 << 20 }).pipe(parse({ relax_column_count: true }));
for await (const _record of parser) records++;
console.log(records);
