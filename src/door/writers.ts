/**
 * The writers as the library offers them: the store's writers, each with automatic
 * retention wired in (a writer prunes its store on its first event of a UTC day when
 * the store's config says `auto`).
 */
import type { EventInput, TraceEvent } from "../event/envelope.js";
import { startAutoPrune } from "../retention/auto.js";
import { resolveStoreDir } from "../store/layout.js";
import { openBatchWriter as openStoreBatchWriter, openStoreWriter, type BatchWriter, type Writer, type WriterOptions } from "../store/write.js";

/**
 * Opens a synchronous writer: every `emit` is one `write` of one whole line, and an
 * event it returned is in the file (page cache).
 *
 * @example
 * const w = openWriter({ dir: ".space/trace" });
 * const e = w.emit({ primitive: "ops", event_type: "create_task", agent_id: "zealot-1", target_id: "task-1" });
 * w.close();
 */
export function openWriter(options: WriterOptions = {}): Writer {
  const dir = resolveStoreDir({ dir: options.dir });
  return openStoreWriter({ ...options, dir }, startAutoPrune(dir));
}

/**
 * Writes one event and closes the file: the simple call for scripts and one-off use.
 *
 * @example
 * const { id } = emit({ primitive: "bridge", event_type: "send", agent_id: "haiku-1", target_id: "payments" });
 */
export function emit(input: EventInput, options: WriterOptions = {}): TraceEvent {
  const writer = openWriter(options);
  try {
    return writer.emit(input);
  } finally {
    writer.close();
  }
}

/**
 * Opens a batch writer for high rates: buffered events are written on `flush()`, when
 * the buffer passes `maxBytes`, on `close()`, and at process exit. Retention runs as
 * for `openWriter`.
 *
 * @example
 * const b = openBatchWriter({ dir: ".space/trace" });
 * for (const e of inputs) b.emit(e);
 * b.close();
 */
export function openBatchWriter(options: WriterOptions & { maxBytes?: number } = {}): BatchWriter {
  const dir = resolveStoreDir({ dir: options.dir });
  return openStoreBatchWriter({ ...options, dir }, startAutoPrune(dir));
}
