// Imported into Electronegativity (node --import) by scripts/electronegativity.mjs. Its CSV writer
// starts the header write ('w') and the findings write ('a') as two concurrent fs.writeFile calls,
// so the header can land over the first finding (seen on a clean clone: a row cut to "arse CSP, …").
// Making fs.writeFile complete synchronously keeps the writes in the order they were made.
import fs from 'node:fs';

fs.writeFile = function orderedWriteFile(file, data, options, callback) {
  const cb = typeof options === 'function' ? options : callback;
  const opts = typeof options === 'function' ? undefined : options;
  let error = null;
  try {
    fs.writeFileSync(file, data, opts);
  } catch (e) {
    error = e;
  }
  if (typeof cb === 'function') process.nextTick(cb, error);
};
