/**
 * `swarm-trace/render`: the human renderings `trace` prints — timeline rows, descriptions,
 * the tree, the bad-line report — and the terminal escaper every stored byte passes.
 *
 * @example
 * import { renderRow, createStyle } from "swarm-trace/render";
 * console.log(renderRow(event, { utc: true, view: {}, style: createStyle(false) }));
 */
export { formatBadReport } from "../render/bad-report.js";
export { describe, label, type View } from "../render/describe.js";
export { createStyle, escapeControl, formatTime, wantsColour, type Style } from "../render/text.js";
export { renderRow, timelineHeader, type HeaderInput, type RowOptions } from "../render/timeline.js";
export { toJson } from "../render/json.js";
export { renderTree, treeJsonChunks, treeLines, treeToJson, type TreeClock, type TreeLimits } from "../render/tree.js";
export { didYouMean, nearest } from "../suggest.js";
export { OUTPUT_MODES, outputMode, renderInMode, type ModeOptions, type OutputMode } from "../render/modes.js";
