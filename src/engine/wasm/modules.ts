/**
 * The engine's WebAssembly sources and how they link: the one list that the build
 * (scripts/build-wasm.mjs) and the tests read. Each source is a module of its own that
 * imports the shared memory as `env.mem`; `links` names the functions it imports from
 * sources listed before it. The build links them into one module, ENGINE_WASM, whose
 * only import is the memory: V8 compiles a wrapper for each imported function when it
 * compiles a module (2 ms each, at every start), even where a wasm function is passed.
 */
export interface WasmModule {
  /** `src/engine/wasm/NAME.wat`. */
  name: string;
  /** Imports by name, each `module.export` of an earlier source, whose function is named `$export` there. */
  links: Readonly<Record<string, string>>;
}

/** In link order: a source links only to those before it. */
export const WASM_MODULES: readonly WasmModule[] = [
  { name: "needle", links: {} },
  { name: "line-check", links: {} },
  { name: "peek", links: {} },
  { name: "block-match", links: { next: "needle.next", check: "line-check.check" } },
];

/** The linked module, `NAME.wasm` beside the module that loads it (load.ts). */
export const ENGINE_WASM = "engine";

/** The features the modules use: SIMD searches, `memory.copy`, and a memory shared with the read-ahead thread. */
export const WASM_FEATURES = { simd: true, bulk_memory: true, threads: true } as const;
