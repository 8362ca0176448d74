/** The export formats, as `--format` names them: their own module, so that completion loads nothing else. */
export const EXPORT_FORMATS = ["otlp", "chrome", "dot", "mermaid", "html"] as const;

/** One of `EXPORT_FORMATS`. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
