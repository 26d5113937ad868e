/**
 * Events with one owner (VS Code's Emitter/Event): the owner keeps the `Emitter` private and fires
 * it; everyone else gets only its `event`, a subscribe function whose result unsubscribes (fits
 * React's useEffect cleanup and our hosts' disposal).
 */
export type Event<T> = (listener: (value: T) => void) => () => void;

export class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (e) {
        // One broken listener must not stop the others or the engine.
        console.error('ipsec-lab: event listener failed:', e);
      }
    }
  }

  /** How many listeners are subscribed (leak checks in tests and the soak). */
  get size(): number {
    return this.listeners.size;
  }
}
