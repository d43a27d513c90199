import type { Disposable } from './disposable.js';

export type Listener<T> = (value: T) => void;

/** A subscribable event: call it with a listener, get a Disposable back. */
export type Event<T> = (listener: Listener<T>) => Disposable;

/**
 * A typed event source. Listener exceptions are isolated: one faulty listener
 * cannot stop the others or the emitter (they are reported to `onListenerError`).
 */
export class Emitter<T> implements Disposable {
  private listeners: Listener<T>[] = [];
  private disposed = false;

  constructor(private readonly onListenerError: (error: unknown) => void = defaultListenerError) {}

  readonly event: Event<T> = (listener) => {
    if (this.disposed) return { dispose: () => undefined };
    this.listeners.push(listener);
    return {
      dispose: () => {
        this.listeners = this.listeners.filter((l) => l !== listener);
      },
    };
  };

  get listenerCount(): number {
    return this.listeners.length;
  }

  fire(value: T): void {
    for (const listener of this.listeners.slice()) {
      try {
        listener(value);
      } catch (e) {
        this.onListenerError(e);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.listeners = [];
  }
}

function defaultListenerError(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

/** Resolves with the next value of an event (tests and one-shot waits). */
export function once<T>(event: Event<T>, filter: (v: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const sub = event((v) => {
      if (!filter(v)) return;
      sub.dispose();
      resolve(v);
    });
  });
}
