import type { HistoryStore } from '../../services/phone/ports.js';
import type { StoredDocumentProblem } from '../../services/settings/settings-service.js';
import { JsonFileStore } from './json-file-store.js';

/**
 * Call history as `history.json` in the app's data folder: atomic, serialized, versioned writes
 * (JsonFileStore); a damaged file is set aside and history starts empty (reported).
 */
export class JsonHistoryStore implements HistoryStore {
  private readonly files: JsonFileStore;
  constructor(dir: string) {
    this.files = new JsonFileStore(dir);
  }
  load(): Promise<unknown> {
    return this.files.read('history');
  }
  save(entries: unknown): Promise<void> {
    return this.files.write('history', entries);
  }
  takeProblems(): readonly StoredDocumentProblem[] {
    return this.files.takeProblems();
  }
}
