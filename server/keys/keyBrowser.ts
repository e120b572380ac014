// The key browser's parts wired together: node routing, browsing, edits, bulk delete and memory analysis.
import type { NodeSnapshot } from '../collect/nodeWatcher.ts';
import type { Topology } from '../collect/clusterTopology.ts';
import type { NodeConnection } from '../valkey/connection.ts';
import { BulkDeleter } from './bulkDelete.ts';
import { defaultScanPacing, type ScanPacing } from './clusterScan.ts';
import { KeyEdits, type Audit } from './keyEdits.ts';
import { KeyNodes } from './keyNodes.ts';
import { MemoryAnalysis, type AnalysisStore } from './memoryAnalysis.ts';

export interface KeyBrowserDeps {
  nodes(): NodeSnapshot[];
  topology(): Topology;
  openNode(address: string): Promise<NodeConnection>;
  audit: Audit;
  store: AnalysisStore;
  pacing?: ScanPacing;
  now?: () => number;
}

export class KeyBrowser {
  readonly nodes: KeyNodes;
  readonly edits: KeyEdits;
  readonly bulk: BulkDeleter;
  readonly analysis: MemoryAnalysis;
  readonly pacing: ScanPacing;

  constructor(deps: KeyBrowserDeps) {
    this.pacing = deps.pacing ?? defaultScanPacing;
    this.nodes = new KeyNodes(deps);
    this.edits = new KeyEdits(this.nodes, deps.audit);
    this.bulk = new BulkDeleter(this.nodes, deps.audit, this.pacing, deps.now);
    this.analysis = new MemoryAnalysis(this.nodes, deps.store, this.pacing, deps.now);
  }

  /** Cancels running jobs and closes the connections. */
  async stop(): Promise<void> {
    await Promise.all([this.bulk.stop(), this.analysis.cancel()]);
    this.nodes.close();
  }
}
