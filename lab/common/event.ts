/** A typed event source whose subscriptions return their own unsubscribe (fits React's useEffect). */
export class Emitter<T> {
  private handlers = new Set<(value: T) => void>();

  on(handler: (value: T) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  emit(value: T): void {
    for (const h of [...this.handlers]) {
      try {
        h(value);
      } catch (e) {
        // One broken listener must not stop the others or the engine.
        console.error('ipsec-lab: event handler failed:', e);
      }
    }
  }

  get size(): number {
    return this.handlers.size;
  }
}
