// An in-page model for exported pages and tests: what a view needs from an anywidget
// `model` (get/set/on/off/save_changes/send), held in memory. It is the runtime of the
// self-contained HTML pages written by `to_html()` (js/standalone), of the benchmark page,
// and the model the vitest suites mount views on.
import type { AnyModel } from "@anywidget/types";

type Handler = (...args: unknown[]) => void;

export class PageModel<T extends Record<string, unknown>> {
  private state: T;
  private handlers = new Map<string, Set<Handler>>();
  /** Keys the view has saved with save_changes(), in order (one entry per call). */
  readonly saved: (keyof T)[][] = [];
  /** Custom messages the view sent. */
  readonly sent: unknown[] = [];
  private dirty = new Set<keyof T>();
  readonly widget_manager = {
    get_model: (): Promise<never> => Promise.reject(new Error("PageModel: no widget manager")),
  };

  constructor(state: T) {
    this.state = { ...state };
  }

  get<K extends keyof T>(key: K): T[K] {
    return this.state[key];
  }

  /** Sets a value and fires `change:<key>` synchronously, like Backbone. */
  set<K extends keyof T>(key: K, value: T[K]): void {
    this.state[key] = value;
    this.dirty.add(key);
    this.emit(`change:${String(key)}`);
  }

  /** What Python does: set without marking it as a change made by the view. */
  setFromPython<K extends keyof T>(key: K, value: T[K]): void {
    this.state[key] = value;
    this.emit(`change:${String(key)}`);
  }

  save_changes(): void {
    this.saved.push([...this.dirty]);
    this.dirty.clear();
  }

  send(content: unknown): void {
    this.sent.push(content);
  }

  on(name: string, cb: Handler): void {
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    set.add(cb);
  }

  off(name?: string | null, cb?: Handler | null): void {
    if (!name) {
      this.handlers.clear();
      return;
    }
    if (!cb) this.handlers.delete(name);
    else this.handlers.get(name)?.delete(cb);
  }

  /** Number of handlers still registered (0 after a view's cleanup). */
  listenerCount(): number {
    let n = 0;
    for (const set of this.handlers.values()) n += set.size;
    return n;
  }

  private emit(name: string): void {
    for (const cb of [...(this.handlers.get(name) ?? [])]) cb();
  }

  /** This model typed as anywidget's model, for `render({ model, el })`. */
  asModel(): AnyModel<T> {
    return this as unknown as AnyModel<T>;
  }
}
