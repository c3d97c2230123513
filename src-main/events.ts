// One broadcaster for AppEvents: services emit, each transport (Electron IPC, browser-mode SSE)
// subscribes and forwards. A listener that throws never stops the others.

import type { AppEvent } from './contract.js';

export type EventListener = (event: AppEvent) => void;

export class EventHub {
  private readonly listeners = new Set<EventListener>();

  /** Returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: AppEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        console.error(`catnet: an event listener failed on '${event.type}':`, error);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
