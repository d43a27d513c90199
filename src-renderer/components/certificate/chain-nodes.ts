/** The chain as the tree shows it: the certificates leaf first, each nested under the one it issued, with the gap where the chain breaks. */
import type { CertificateEntryView, CertificateReportView } from '../../../src-shared/model/certificate';
import { chainGap, type ChainGap } from './certificate-format';

export type ChainNode = { kind: 'certificate'; entry: CertificateEntryView } | { kind: 'gap'; gap: ChainGap };

export function chainNodes(report: CertificateReportView): ChainNode[] {
  const gap = chainGap(report);
  const nodes: ChainNode[] = [];
  report.chain.forEach((entry, i) => {
    nodes.push({ kind: 'certificate', entry });
    if (gap !== null && gap.after === i) nodes.push({ kind: 'gap', gap });
  });
  return nodes;
}
