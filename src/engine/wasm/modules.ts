/**
 * The engine's WebAssembly modules and how they link: the one list that the loader,
 * the build (scripts/build-wasm.mjs) and the bundler (scripts/bundle.mjs) read.
 * Each module imports the shared memory as `env.mem`; `links` names the functions it
 * imports from modules listed before it.
 */
export interface WasmModule {
  /** `src/engine/wasm/NAME.wat`, built to `NAME.wasm` beside the module that loads it. */
  name: string;
  /** Imports by name, each `module.export` of an earlier module. */
  links: Readonly<Record<string, string>>;
}

/** In load order. */
export const WASM_MODULES: readonly WasmModule[] = [
  { name: "needle", links: {} },
  { name: "line-check", links: {} },
  { name: "peek", links: {} },
  { name: "block-match", links: { next: "needle.next", check: "line-check.check" } },
];

/** The features the modules use: SIMD searches, `memory.copy`, and a memory shared with the read-ahead thread. */
export const WASM_FEATURES = { simd: true, bulk_memory: true, threads: true } as const;
