/** Child-process entry of one benchmark call leg (see media-leg.ts). */
import { runLegChild } from './media-leg.js';

await runLegChild();
